"""The documented view of the spec (``pytest_zdevents.spec.view``): every constraint the emulator
chose is relaxed, every constraint the docs make is kept, and what the docs allow validates."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from pytest_zdevents.conformance import dump_view, main, spec_view_requested
from pytest_zdevents.spec import load_spec, load_view
from pytest_zdevents.spec.view import MARKER, NARROWING, is_schema, view_for, walk

FULL = load_spec()
VIEW = load_view("documented")
SUPPORT_ROUTES = ("/api/v2/users/{user_id}/events", "/api/v2/users/{user_id}/profiles")
SUPPORT_BODIES = [
    {"error": "RecordNotFound", "description": "Not found"},
    {"error": {"title": "Invalid attribute", "message": "id must be an integer"}},
    {"error": "Couldn't authenticate you"},
]


def at(spec: dict[str, Any], pointer: tuple[str, ...]) -> Any:
    node: Any = spec
    for part in pointer:
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def validator(spec: dict[str, Any], pointer: str) -> Draft202012Validator:
    uri = "urn:zdevents:view"
    registry = Registry().with_resource(uri, Resource(contents=spec, specification=DRAFT202012))
    return Draft202012Validator(
        {"$ref": f"{uri}#{pointer}"}, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )


def response_schema(spec: dict[str, Any], path: str, method: str, status: str) -> Draft202012Validator:
    answer = spec["paths"][path][method]["responses"][status]
    if "$ref" in answer:
        answer = spec["components"]["responses"][answer["$ref"].rsplit("/", 1)[1]]
    schema = answer["content"]["application/json"]["schema"]
    registry = Registry().with_resource("urn:v", Resource(contents=spec, specification=DRAFT202012))
    schema = {"$ref": "urn:v" + schema["$ref"]} if "$ref" in schema else schema
    return Draft202012Validator(schema, registry=registry)


def test_the_view_is_valid_openapi_and_the_full_spec_is_unchanged() -> None:
    validate(VIEW)
    assert load_view("full") is FULL
    assert VIEW["info"]["x-zdevents-view"] == "documented"
    assert "x-zdevents-view" not in FULL["info"]


EMULATOR_SCHEMAS = [p for p, n in walk(FULL) if n.get(MARKER) == "emulator" and is_schema(p)]


def inside_a_relaxed_keyword(pointer: tuple[str, ...]) -> bool:
    """Whether ``pointer`` lies in a narrowing keyword (``not``) the view drops with its schema."""
    return any(pointer[:i] in EMULATOR_SCHEMAS and pointer[i] in NARROWING for i in range(len(pointer)))


OTHER_SCHEMAS = [
    p
    for p, n in walk(FULL)
    if n.get(MARKER) != "emulator" and is_schema(p) and not inside_a_relaxed_keyword(p)
]


def test_the_markers_name_schemas_of_both_kinds() -> None:
    # The rule below is only as good as the walk: it must see both kinds, ids and cursors included.
    assert ("components", "parameters", "PageAfter", "schema") in EMULATOR_SCHEMAS
    assert ("components", "parameters", "ProfileId", "schema") in EMULATOR_SCHEMAS
    assert ("components", "schemas", "SourceName") in OTHER_SCHEMAS


@pytest.mark.parametrize("pointer", EMULATOR_SCHEMAS, ids="/".join)
def test_every_emulator_defined_constraint_is_relaxed(pointer: tuple[str, ...]) -> None:
    relaxed = at(VIEW, pointer)
    assert not NARROWING & relaxed.keys(), f"{'/'.join(pointer)} keeps {sorted(NARROWING & relaxed.keys())}"
    kept = {k: v for k, v in at(FULL, pointer).items() if k not in NARROWING}
    assert relaxed == kept, "only narrowing keywords are dropped"


@pytest.mark.parametrize("pointer", OTHER_SCHEMAS, ids="/".join)
def test_every_documented_constraint_is_kept(pointer: tuple[str, ...]) -> None:
    full = {k: v for k, v in at(FULL, pointer).items() if k in NARROWING}
    assert {k: v for k, v in at(VIEW, pointer).items() if k in NARROWING} == full


def operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if method in {"get", "put", "post", "patch", "delete"}
    ]


def marker_of(spec: dict[str, Any], answer: dict[str, Any]) -> str | None:
    if "$ref" in answer:
        answer = spec["components"]["responses"][answer["$ref"].rsplit("/", 1)[1]]
    return answer.get(MARKER)


def test_emulator_defined_responses_give_way_to_any_client_error() -> None:
    dropped = 0
    for path, method, operation in operations(FULL):
        documented = VIEW["paths"][path][method]["responses"]
        assert "content" not in documented["4XX"], "any 4xx status with any body"
        for status, answer in operation["responses"].items():
            if marker_of(FULL, answer) == "emulator":
                assert status not in documented, f"{method} {path} {status} is the emulator's choice"
                dropped += 1
            else:
                assert status in documented, f"{method} {path} {status} is documented"
    assert dropped > 20


@pytest.mark.parametrize("path", SUPPORT_ROUTES)
@pytest.mark.parametrize("body", SUPPORT_BODIES)
def test_support_routes_take_support_style_error_bodies(path: str, body: dict[str, Any]) -> None:
    for method, operation in VIEW["paths"][path].items():
        if method not in {"get", "put", "post"}:
            continue
        for status in operation["responses"]:
            if status.startswith("4") and status != "4XX":
                assert response_schema(VIEW, path, method, status).is_valid(body), (method, path, status)


def test_profile_routes_keep_the_documented_envelope() -> None:
    """The errors envelope is what the docs show on /api/v2/user_profiles routes: kept there."""
    for body in SUPPORT_BODIES:
        assert not response_schema(VIEW, "/api/v2/user_profiles/{profile_id}", "get", "404").is_valid(body)
    envelope = {"errors": [{"code": "RecordNotFound", "title": "Not found"}]}
    assert response_schema(VIEW, "/api/v2/user_profiles/{profile_id}", "get", "404").is_valid(envelope)


@pytest.mark.parametrize(
    ("pointer", "value"),
    [
        ("/components/parameters/PageAfter/schema", "hkjhdjk"),  # the docs' own cursor
        ("/components/parameters/ProfileId/schema", "5c42123e98326c0001b0b25c"),  # the docs' other id
        ("/components/parameters/PageSize/schema", 1000),
    ],
)
def test_what_the_docs_allow_validates_only_in_the_documented_view(pointer: str, value: Any) -> None:
    assert validator(VIEW, pointer).is_valid(value)
    assert not validator(FULL, pointer).is_valid(value)


def test_nine_fractional_digits_are_a_valid_event_timestamp() -> None:
    event = {
        "id": "5c42123e98326c0001b0b25c",
        "source": "shoppingnow",
        "type": "checkout",
        "properties": {},
        "created_at": "2020-02-28T18:13:28.175841347Z",
        "received_at": "2020-02-28T18:13:28.175841347Z",
    }
    assert validator(VIEW, "/components/schemas/Event").is_valid(event)
    del event["source"]
    assert not validator(VIEW, "/components/schemas/Event").is_valid(event), "source is documented"


@pytest.mark.parametrize(
    ("embedded", "variations", "view"),
    [(True, (), "full"), (True, ("oldest_first",), "documented"), (False, (), "documented")],
)
def test_only_the_emulator_as_it_ships_is_held_to_the_full_view(
    embedded: bool, variations: tuple[str, ...], view: str
) -> None:
    assert view_for(embedded=embedded, variations=variations) == view


def test_zdevents_conformance_prints_a_view(capsys: pytest.CaptureFixture[str]) -> None:
    assert spec_view_requested(["-x", "--zd-spec-view", "documented"]) == "documented"
    assert spec_view_requested(["--zd-spec-view=full"]) == "full"
    assert spec_view_requested(["-x"]) is None
    with pytest.raises(SystemExit) as exit_:
        main(["--zd-spec-view", "documented"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == dump_view("documented")
    with pytest.raises(SystemExit) as exit_:
        main(["--zd-spec-view", "emulator"])
    assert exit_.value.code == 4
    assert "takes one of full, documented, not 'emulator'" in capsys.readouterr().err
