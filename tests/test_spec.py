"""Checks on ``openapi.yaml``: valid OpenAPI 3.1, complete, self-consistent examples, honest markers.

The spec is the contract both the emulator and the conformance suite read, so these tests look
at the file itself: which operations it has, what every operation documents, whether each example
validates against the schema next to it, and whether its regular expressions mean the same thing
in Python and in ECMA-262 (which schemathesis' validator, jsonschema-rs, follows).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jsonschema_rs
import pytest
import yaml
from jsonschema import Draft202012Validator
from openapi_spec_validator import OpenAPIV31SpecValidator, validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from pytest_zdevents.runtime.capabilities import CAPABILITIES
from pytest_zdevents.spec import load_spec, optional_operations, spec_path
from pytest_zdevents.spec import resources as bundled_module

SPEC = load_spec()
SPEC_URI = "urn:pytest-zdevents:openapi"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

#: The reference's endpoint inventory (E1-E6, P1-P9): (method, path) -> (operationId, x-zdevents-id).
OPERATIONS: dict[tuple[str, str], tuple[str, str]] = {
    ("get", "/api/v2/users/{user_id}/events"): ("listUserEvents", "E1"),
    ("get", "/api/v2/user_profiles/events"): ("listProfileEventsByIdentifier", "E2"),
    ("get", "/api/v2/user_profiles/{profile_id}/events"): ("listProfileEvents", "E3"),
    ("post", "/api/v2/users/{user_id}/events"): ("trackUserEvent", "E4"),
    ("post", "/api/v2/user_profiles/events"): ("trackEvent", "E5"),
    ("post", "/api/v2/user_profiles/{profile_id}/events"): ("trackProfileEvent", "E6"),
    ("get", "/api/v2/users/{user_id}/profiles"): ("listUserProfiles", "P1"),
    ("get", "/api/v2/user_profiles/{profile_id}"): ("getProfile", "P2"),
    ("get", "/api/v2/user_profiles"): ("getProfileByIdentifier", "P3"),
    ("put", "/api/v2/users/{user_id}/profiles"): ("putUserProfile", "P4"),
    ("put", "/api/v2/user_profiles"): ("putProfileByIdentifier", "P5"),
    ("put", "/api/v2/user_profiles/{profile_id}"): ("replaceProfile", "P6"),
    ("patch", "/api/v2/user_profiles/{profile_id}"): ("patchProfile", "P7"),
    ("patch", "/api/v2/user_profiles"): ("patchProfileByIdentifier", "P8"),
    ("delete", "/api/v2/user_profiles/{profile_id}"): ("deleteProfile", "P9"),
}
TRACK_OPERATIONS = {"E4", "E5", "E6"}
WRITE_OPERATIONS = TRACK_OPERATIONS | {"P4", "P5", "P6", "P7", "P8", "P9"}
BODY_OPERATIONS = WRITE_OPERATIONS - {"P9"}
READ_OPERATIONS = {v[1] for v in OPERATIONS.values()} - WRITE_OPERATIONS
LOOKUP_OPERATIONS = {"E1", "E2", "E3", "E4", "E6", "P1", "P2", "P3", "P4", "P6", "P7", "P8", "P9"}
IDENTIFIER_OPERATIONS = {"E2", "P3", "P4", "P5", "P8"}
ROOT = Path(__file__).resolve().parent.parent


# ------------------------------------------------------------------------------------------------
# Helpers
# ------------------------------------------------------------------------------------------------


def pointer_to(*parts: str) -> str:
    """A JSON pointer built from raw keys."""
    return "".join("/" + part.replace("~", "~0").replace("/", "~1") for part in parts)


def resolve(pointer: str) -> Any:
    node: Any = SPEC
    for part in pointer.lstrip("/").split("/") if pointer else []:
        key = part.replace("~1", "/").replace("~0", "~")
        node = node[int(key)] if isinstance(node, list) else node[key]
    return node


def deref(node: Any) -> Any:
    """Follow local ``$ref`` objects (parameters, responses, examples, ...) to what they name."""
    while isinstance(node, dict) and set(node) == {"$ref"}:
        ref = node["$ref"]
        assert ref.startswith("#/"), f"only local references are expected, got {ref}"
        node = resolve(ref[1:])
    return node


def walk(node: Any, pointer: str = "") -> Iterator[tuple[str, Any]]:
    """Every dict and list in the spec, with its JSON pointer."""
    yield pointer, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from walk(value, pointer + pointer_to(str(key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, f"{pointer}/{index}")


def operations() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in SPEC["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                yield method, path, item[method]


def operation(x_id: str) -> dict[str, Any]:
    (found,) = [op for _, _, op in operations() if op.get("x-zdevents-id") == x_id]
    return found


def test_the_profile_writes_and_delete_are_the_optional_operations() -> None:
    """The Profiles API's writes (P4-P8) and delete (P9) are what a target may lack: each names
    its capability (``x-zdevents-capability``), one the capabilities file knows."""
    marked = {operation(x_id)["operationId"]: x_id for x_id in ("P4", "P5", "P6", "P7", "P8", "P9")}
    assert set(optional_operations()) == set(marked)
    assert {marked[op]: cap for op, cap in optional_operations().items()} == {
        **dict.fromkeys(("P4", "P5", "P6", "P7", "P8"), "profile_writes"),
        "P9": "profile_delete",
    }
    assert set(optional_operations().values()) <= set(CAPABILITIES)


def responses_of(x_id: str) -> dict[str, Any]:
    return {status: deref(answer) for status, answer in operation(x_id)["responses"].items()}


def parameters_of(method: str, path: str) -> dict[str, dict[str, Any]]:
    item = SPEC["paths"][path]
    params = [deref(p) for p in item.get("parameters", []) + item[method].get("parameters", [])]
    return {p["name"]: p for p in params}


_REGISTRY = Registry().with_resource(SPEC_URI, Resource(contents=SPEC, specification=DRAFT202012))


def validator_at(pointer: str) -> Draft202012Validator:
    """A JSON Schema 2020-12 validator for the schema at ``pointer``, references resolved in the spec."""
    fragment = quote(pointer, safe="/~")
    return Draft202012Validator(
        {"$ref": f"{SPEC_URI}#{fragment}"},
        registry=_REGISTRY,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


def schema_validator(name: str) -> Draft202012Validator:
    return validator_at(pointer_to("components", "schemas", name))


def collect_examples() -> list[tuple[str, str, Any]]:
    """(id, pointer of the schema, example value) for every example in the spec.

    Media types, parameters and headers carry ``example`` or a map of named ``examples`` beside a
    ``schema``; schemas may carry a JSON Schema ``examples`` list.
    """
    found: list[tuple[str, str, Any]] = []
    for pointer, node in walk(SPEC):
        if not isinstance(node, dict):
            continue
        if "schema" in node and isinstance(node["schema"], dict):
            schema_pointer = pointer + "/schema"
            if "example" in node:
                found.append((f"{pointer}/example", schema_pointer, node["example"]))
            for name, example in (node.get("examples") or {}).items():
                example = deref(example)
                assert "value" in example, f"{pointer}/examples/{name} has no value"
                found.append((f"{pointer}/examples/{name}", schema_pointer, example["value"]))
        if pointer.startswith("/components/schemas") and isinstance(node.get("examples"), list):
            for index, value in enumerate(node["examples"]):
                found.append((f"{pointer}/examples/{index}", pointer, value))
    return found


EXAMPLES = collect_examples()


# ------------------------------------------------------------------------------------------------
# The document
# ------------------------------------------------------------------------------------------------


def test_spec_is_valid_openapi_3_1() -> None:
    assert SPEC["openapi"] == "3.1.0"
    validate(copy.deepcopy(SPEC), cls=OpenAPIV31SpecValidator)


def test_every_local_reference_resolves() -> None:
    refs = [(p, n["$ref"]) for p, n in walk(SPEC) if isinstance(n, dict) and isinstance(n.get("$ref"), str)]
    assert refs
    for where, ref in refs:
        assert ref.startswith("#/"), f"{where}: {ref} is not a local reference"
        try:
            resolve(ref[1:])
        except (KeyError, IndexError):
            pytest.fail(f"{where}: {ref} points nowhere")


def test_servers_and_security() -> None:
    (server,) = SPEC["servers"]
    assert server["url"] == "https://{subdomain}.zendesk.com"
    assert server["variables"]["subdomain"]["default"] == "example"
    schemes = SPEC["components"]["securitySchemes"]
    assert (schemes["basicAuth"]["type"], schemes["basicAuth"]["scheme"]) == ("http", "basic")
    assert "{email}/token" in schemes["basicAuth"]["description"]
    assert (schemes["bearerAuth"]["type"], schemes["bearerAuth"]["scheme"]) == ("http", "bearer")
    assert SPEC["security"] == [{"basicAuth": []}, {"bearerAuth": []}]


# ------------------------------------------------------------------------------------------------
# Operations
# ------------------------------------------------------------------------------------------------


def test_exactly_the_inventory_operations() -> None:
    present = {(method, path) for method, path, _ in operations()}
    assert present == set(OPERATIONS)


@pytest.mark.parametrize(("method", "path"), list(OPERATIONS), ids=[v[1] for v in OPERATIONS.values()])
def test_operation_is_identified_and_sourced(method: str, path: str) -> None:
    op = SPEC["paths"][path][method]
    operation_id, x_id = OPERATIONS[(method, path)]
    assert op["operationId"] == operation_id
    assert op["x-zdevents-id"] == x_id
    assert re.match(r"S\d+: \S", op["x-zdevents-source"]), op["x-zdevents-source"]
    assert op["summary"].strip()
    assert op["description"].strip()


def test_operation_ids_are_unique() -> None:
    ids = [op["operationId"] for _, _, op in operations()]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("x_id", sorted(v[1] for v in OPERATIONS.values()))
def test_operation_documents_the_expected_statuses(x_id: str) -> None:
    statuses = set(responses_of(x_id))
    assert {"401", "429"} <= statuses
    assert "405" not in statuses
    # Every operation refuses an end user's credentials; writes also a read-only token.
    assert "403" in statuses
    assert {"413", "415"} & statuses == ({"413", "415"} if x_id in BODY_OPERATIONS else set())
    assert ("409" in statuses) == (x_id in BODY_OPERATIONS)
    if x_id in LOOKUP_OPERATIONS:
        assert "404" in statuses
    assert "400" in statuses


@pytest.mark.parametrize("x_id", sorted(v[1] for v in OPERATIONS.values()))
def test_every_error_response_is_json_with_an_envelope(x_id: str) -> None:
    for status, answer in responses_of(x_id).items():
        if not status.startswith(("4", "5")):
            continue
        content = answer.get("content", {})
        assert list(content) == ["application/json"], f"{x_id} {status}"
        schema = content["application/json"]["schema"]
        if schema.get("$ref") == "#/components/schemas/UserRouteError":
            schema = deref(schema)
        refs = [option.get("$ref") for option in schema.get("anyOf", [schema])]
        assert "#/components/schemas/ErrorEnvelope" in refs, f"{x_id} {status}"


def test_429_carries_a_required_integer_retry_after() -> None:
    for x_id in sorted(v[1] for v in OPERATIONS.values()):
        header = deref(responses_of(x_id)["429"]["headers"]["Retry-After"])
        assert header["required"] is True
        assert header["schema"]["type"] == "integer"


@pytest.mark.parametrize(
    ("x_id", "success"),
    [
        ("E1", {"200"}),
        ("E2", {"200"}),
        ("E3", {"200"}),
        ("E4", {"202"}),
        ("E5", {"202"}),
        ("E6", {"202"}),
        ("P1", {"200"}),
        ("P2", {"200"}),
        ("P3", {"200"}),
        ("P4", {"200", "201"}),
        ("P5", {"200", "201"}),
        ("P6", {"200"}),
        ("P7", {"200"}),
        ("P8", {"200"}),
        ("P9", {"204"}),
    ],
)
def test_success_statuses(x_id: str, success: set[str]) -> None:
    responses = responses_of(x_id)
    assert {s for s in responses if s.startswith("2")} == success
    for status in success:
        content = responses[status].get("content")
        if status == "204":
            assert content is None
        else:
            assert list(content) == ["application/json"]


def test_response_envelopes() -> None:
    def schema_ref(x_id: str, status: str) -> str:
        return responses_of(x_id)[status]["content"]["application/json"]["schema"]["$ref"]

    for x_id in ("E1", "E2", "E3"):
        assert schema_ref(x_id, "200") == "#/components/schemas/EventList"
    for x_id in TRACK_OPERATIONS:
        assert schema_ref(x_id, "202") == "#/components/schemas/TrackAccepted"
    assert schema_ref("P1", "200") == "#/components/schemas/ProfileListEnvelope"
    for x_id, status in [
        ("P2", "200"),
        ("P3", "200"),
        ("P4", "201"),
        ("P5", "200"),
        ("P6", "200"),
        ("P7", "200"),
    ]:
        assert schema_ref(x_id, status) == "#/components/schemas/ProfileEnvelope"


def test_request_bodies() -> None:
    def body(x_id: str) -> dict[str, Any]:
        return deref(operation(x_id)["requestBody"])

    for x_id in BODY_OPERATIONS:
        assert body(x_id)["required"] is True
        for media in body(x_id)["content"].values():
            assert media["examples"], f"{x_id} has no request example"
    for x_id in BODY_OPERATIONS - {"P7", "P8"}:
        assert list(body(x_id)["content"]) == ["application/json"], x_id
    for x_id in ("P7", "P8"):
        content = body(x_id)["content"]
        assert set(content) == {"application/json", "application/merge-patch+json"}
        assert content["application/json"]["schema"] == content["application/merge-patch+json"]["schema"]
    assert body("E4")["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/TrackRequest"
    assert body("E5")["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/TrackRequest"
    e6 = body("E6")["content"]["application/json"]["schema"]["$ref"]
    assert e6 == "#/components/schemas/TrackProfileEventRequest"
    for x_id in READ_OPERATIONS:
        assert "requestBody" not in operation(x_id)
    assert "requestBody" not in operation("P9")


# ------------------------------------------------------------------------------------------------
# Parameters
# ------------------------------------------------------------------------------------------------

EVENT_READS = [k for k, v in OPERATIONS.items() if v[1] in {"E1", "E2", "E3"}]
FILTER_NAMES = [
    "filter[source]",
    "filter[type]",
    "filter[start_time]",
    "filter[end_time]",
]


@pytest.mark.parametrize(("method", "path"), EVENT_READS)
def test_event_reads_take_literal_bracketed_query_parameters(method: str, path: str) -> None:
    """The filters travel as plain bracketed names (filter[source]=...): one form-exploded object
    whose property names are the query names, so that dependentRequired can say that
    filter[type] needs filter[source] (S1)."""
    params = parameters_of(method, path)
    assert {"page[size]", "page[after]"} <= set(params)
    filters = params["filter"]
    assert (filters["in"], filters.get("required", False)) == ("query", False)
    assert (filters["style"], filters["explode"]) == ("form", True)
    filter_schema = deref(filters["schema"])
    assert set(filter_schema["properties"]) == set(FILTER_NAMES)
    assert filter_schema["dependentRequired"] == {"filter[type]": ["filter[source]"]}
    # Extra members must be filter[...] names: any other key would be another parameter on the
    # wire (schemathesis once "removed" identifier and sent it back as a filter member).
    names = re.compile(filter_schema["propertyNames"]["pattern"])
    assert names.search("filter[zzz]")
    assert not names.search("identifier")
    assert not names.search("page[size]")
    assert "filter[source]" in filter_schema["properties"]["filter[type]"]["description"]
    page_size, empty = (deref(option) for option in params["page[size]"]["schema"]["anyOf"])
    assert empty["const"] == "", "Zendesk's samples send page[size] empty"
    assert (page_size["type"], page_size["minimum"], page_size["maximum"], page_size["default"]) == (
        "integer",
        1,
        100,
        100,
    )
    # schemathesis sends parameter examples together as valid requests: a fixed cursor is never
    # one a server issued, and a type needs its source.
    assert not {"example", "examples"} & set(params["page[after]"])
    for example in filters["examples"].values():
        if "filter[type]" in example["value"]:
            assert "filter[source]" in example["value"]


@pytest.mark.parametrize(("method", "path"), list(OPERATIONS), ids=[v[1] for v in OPERATIONS.values()])
def test_path_parameters_are_declared(method: str, path: str) -> None:
    params = parameters_of(method, path)
    for name in re.findall(r"{(\w+)}", path):
        assert params[name]["in"] == "path"
        assert params[name]["required"] is True
    if OPERATIONS[(method, path)][1] in IDENTIFIER_OPERATIONS:
        assert params["identifier"]["in"] == "query"
        assert params["identifier"]["required"] is True
    else:
        assert "identifier" not in params


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ("2020-02-23", True),
        ("2020-02-29T23:59:59.999Z", True),
        ("2020-02-23T08:30:00+01:00", True),
        ("2020-02-30", False),
        ("23/02/2020", False),
        ("1582934400", False),
        ("", False),
    ],
)
def test_filter_timestamps_are_a_date_or_a_date_time(value: str, valid: bool) -> None:
    assert schema_validator("FilterTimestamp").is_valid(value) is valid


# ------------------------------------------------------------------------------------------------
# Request schemas
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("properties", "valid"),
    [
        ({"a": "1"}, True),
        ({"a": {"b": [True, None, "x", {"c": False}]}}, True),
        ({}, True),
        ({"a": 1}, False),
        ({"a": {"b": [1.5]}}, False),
        ({"a": [{"b": {"c": 0}}]}, False),
        ([], False),
    ],
)
def test_event_properties_take_no_numbers(properties: Any, valid: bool) -> None:
    assert schema_validator("EventProperties").is_valid(properties) is valid
    assert schema_validator("ProfileAttributes").is_valid(properties) is valid


def _track(**profile: Any) -> dict[str, Any]:
    body = {
        "event": {"source": "acme", "type": "signup", "properties": {}},
        "profile": {
            "source": "acme",
            "type": "customer",
            "identifiers": [{"type": "email", "value": "a@b.c"}],
        },
    }
    body["profile"].update(profile)
    return body


@pytest.mark.parametrize(
    ("body", "valid"),
    [
        (_track(), True),
        (_track(user_id="123", name="Jane", attributes={"tier": "gold"}), True),
        (_track(extra_key=5), True),
        (_track(source="zendesk"), False),
        (_track(source="ZenDesk"), False),
        (_track(source="zendesk2"), True),
        (_track(source="a" * 41), False),
        (_track(type="a:b"), False),
        (_track(identifiers=[]), False),
        (_track(identifiers=[{"type": "email", "value": str(i)} for i in range(21)]), False),
        (_track(identifiers=[{"type": "x" * 61, "value": "v"}]), False),
        (_track(identifiers=[{"type": "phone_number", "value": 12345678}]), False),
        (_track(identifiers=[{"type": "email", "value": ""}]), False),
        (_track(user_id="12a"), False),
        (_track(user_id=123), False),
        ({"event": {"source": "acme", "type": "signup", "properties": {}}}, False),
    ],
)
def test_track_request_schema(body: dict[str, Any], valid: bool) -> None:
    assert schema_validator("TrackRequest").is_valid(body) is valid


def test_event_input_rules() -> None:
    validator = schema_validator("EventInput")
    event = {"source": "acme", "type": "signup", "properties": {}}
    assert validator.is_valid(event)
    assert validator.is_valid({**event, "created_at": "2020-01-31T00:44:07+00:00", "description": "d"})
    assert validator.is_valid({**event, "id": 5, "received_at": None})  # read-only, ignored
    assert not validator.is_valid({**event, "created_at": "2020-01-31"})
    assert not validator.is_valid({**event, "source": "ZENDESK"})
    assert not validator.is_valid({"source": "acme", "type": "signup"})


def test_profile_write_schemas() -> None:
    put, patch = schema_validator("PutProfileRequest"), schema_validator("PatchProfileRequest")
    identifiers = [{"type": "external_id", "value": "1"}]
    assert put.is_valid({"profile": {"identifiers": identifiers, "source": 5, "type": None}})
    assert not put.is_valid({"profile": {"name": "Jane"}})
    assert not put.is_valid({})
    assert patch.is_valid({"profile": {}})
    assert patch.is_valid({"profile": {"attributes": {"gone": None}, "identifiers": [], "user_id": 7}})
    assert not patch.is_valid({"profile": {"name": None}})
    assert not patch.is_valid({"profile": {"attributes": {"n": 1}}})


# ------------------------------------------------------------------------------------------------
# Regular expressions
# ------------------------------------------------------------------------------------------------


def _patterns() -> list[tuple[str, str]]:
    return [
        (pointer, node["pattern"])
        for pointer, node in walk(SPEC)
        if isinstance(node, dict) and isinstance(node.get("pattern"), str)
    ]


PATTERNS = _patterns()


def bare_dollars(pattern: str) -> list[int]:
    """Positions of ``$`` used as an anchor: not escaped and not inside a character class."""
    positions, index, in_class = [], 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            if pattern[index + 1 : index + 2] == "]" or pattern[index + 1 : index + 3] == "^]":
                index += 2 if pattern[index + 1] == "]" else 3
                continue
        elif char == "$":
            positions.append(index)
        index += 1
    return positions


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [("^a$", [2]), (r"^a\$", []), ("^[$]a", []), (r"^\\$", [3]), ("^[]$]x", []), ("^a(?![\\s\\S])", [])],
)
def test_bare_dollar_detector(pattern: str, expected: list[int]) -> None:
    assert bare_dollars(pattern) == expected


def test_patterns_exist_and_use_no_dollar_anchor() -> None:
    assert len(PATTERNS) >= 8
    offenders = [(where, p) for where, p in PATTERNS if bare_dollars(p)]
    assert not offenders, f"use (?![\\s\\S]) instead of $: {offenders}"


@pytest.mark.parametrize(("where", "pattern"), PATTERNS, ids=[w for w, _ in PATTERNS])
def test_pattern_compiles_in_both_dialects(where: str, pattern: str) -> None:
    re.compile(pattern)
    jsonschema_rs.validator_for({"type": "string", "pattern": pattern}).is_valid("x")


def _matches_everywhere(pattern: str, value: str) -> bool:
    """Whether ``value`` matches ``pattern`` (a search, as JSON Schema reads it); both dialects must agree."""
    in_python = re.search(pattern, value) is not None
    in_ecma = jsonschema_rs.validator_for({"type": "string", "pattern": pattern}).is_valid(value)
    assert in_python == in_ecma, f"{pattern!r} disagrees on {value!r}: python={in_python} ecma={in_ecma}"
    return in_python


PATH_PARAMS = SPEC["components"]["parameters"]


@pytest.mark.parametrize(
    ("parameter", "value", "valid"),
    [
        ("UserId", "85211553", True),
        ("UserId", "85211553\n", False),
        ("UserId", "8521a", False),
        ("UserId", "", False),
        ("ProfileId", "01E1G0NJSQPNPZRV096JXKXFAA", True),
        ("ProfileId", "01e1g0njsqpnpzrv096jxkxfaa", True),
        ("ProfileId", "01E1G0NJSQPNPZRV096JXKXFAA\n", False),
        ("ProfileId", "01E1G0NJSQPNPZRV096JXKXFAAB", False),
        ("ProfileId", "01E1G0NJSQPNPZRV096JXKXFAU", False),
        ("ProfileId", "events", False),
        ("IdentifierQuery", "amazon:customer:external_id:0987654321", True),
        ("IdentifierQuery", "acme:customer:urn:x:y", True),
        ("IdentifierQuery", "zendesk:customer:email:a@b.c", True),
        ("IdentifierQuery", "acme:customer:email", False),
        ("IdentifierQuery", "acme::email:a@b.c", False),
        ("IdentifierQuery", "acme:customer:email:", False),
        ("IdentifierQueryForCreate", "amazon:customer:external_id:0987654321", True),
        ("IdentifierQueryForCreate", "acme:customer:urn:x:y", True),
        ("IdentifierQueryForCreate", "zendesk2:customer:email:a@b.c", True),
        ("IdentifierQueryForCreate", "zendesk:customer:email:a@b.c", False),
        ("IdentifierQueryForCreate", "ZENDESK:customer:email:a@b.c", False),
        ("IdentifierQueryForCreate", "a" * 41 + ":customer:email:a@b.c", False),
        ("IdentifierQueryForCreate", "acme:" + "t" * 41 + ":email:a@b.c", False),
        ("IdentifierQueryForCreate", "acme:customer:" + "i" * 60 + ":v", True),
        ("IdentifierQueryForCreate", "acme:customer:" + "i" * 61 + ":v", False),
        ("PageAfter", "1582913608175841347.1", True),
        ("PageAfter", "-5.0", True),
        ("PageAfter", "1582913608175841347.1\n", False),
        ("PageAfter", "hkjhdjk", False),
        ("PageAfter", "1.", False),
        ("PageAfter", "", True),  # read as not sent, as Zendesk's samples send it
    ],
)
def test_parameter_patterns(parameter: str, value: str, valid: bool) -> None:
    pattern = PATH_PARAMS[parameter]["schema"]["pattern"]
    assert _matches_everywhere(pattern, value) is valid


@pytest.mark.parametrize(
    ("name", "value", "valid"),
    [
        ("SourceName", "shoppingnow", True),
        ("SourceName", "shop\n", True),
        ("SourceName", "a:b", False),
        ("SourceName", "a" * 40, True),
        ("SourceName", "a" * 41, False),
        ("SourceName", "", False),
        ("EventSource", "zendesk", False),
        ("EventSource", "Zendesk", False),
        ("EventSource", "zendesk\n", True),
        ("ProfileSource", "ZENDESK", False),
        ("ProfileSource", "zendesks", True),
        ("IdentifierType", "x" * 60, True),
        ("IdentifierType", "x" * 61, False),
        ("IdentifierType", "a:b", False),
    ],
)
def test_name_schemas(name: str, value: str, valid: bool) -> None:
    assert schema_validator(name).is_valid(value) is valid
    rust = jsonschema_rs.validator_for(
        {"$ref": f"#/components/schemas/{name}", "components": SPEC["components"]}, validate_formats=True
    )
    assert rust.is_valid(value) is valid


# ------------------------------------------------------------------------------------------------
# Examples
# ------------------------------------------------------------------------------------------------


def test_every_response_body_has_an_example() -> None:
    assert len(EXAMPLES) >= 60
    for x_id in sorted(v[1] for v in OPERATIONS.values()):
        for status, answer in responses_of(x_id).items():
            for media in answer.get("content", {}).values():
                assert media.get("examples") or "example" in media, f"{x_id} {status} has no example"


@pytest.mark.parametrize(("where", "schema_pointer", "value"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_example_validates_against_its_schema(where: str, schema_pointer: str, value: Any) -> None:
    errors = sorted(validator_at(schema_pointer).iter_errors(value), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


def test_every_named_example_is_used() -> None:
    used = {
        node["$ref"].rsplit("/", 1)[1]
        for _, node in walk(SPEC)
        if isinstance(node, dict) and str(node.get("$ref", "")).startswith("#/components/examples/")
    }
    assert set(SPEC["components"]["examples"]) == used


def _example(name: str) -> Any:
    return SPEC["components"]["examples"][name]["value"]


def test_the_documented_examples_are_there() -> None:
    assert _example("TrackAcceptedS1") == {
        "profile_id": "01E1DPYAA7HW7645KMJEY9CXRJ",
        "status": "received",
        "user_id": "123456",
    }
    assert _example("StartTimestampNotValid") == {
        "errors": [
            {
                "code": "StartTimestampNotValid",
                "id": "c21d8981-8940-419b-907b-7f7a2ba22cca",
                "title": "Start Timestamp not valid",
            }
        ]
    }
    s1_list = _example("EventListS1")
    assert s1_list["meta"] == {"after_cursor": "hkjhdjk", "has_more": True}
    assert s1_list["events"][0]["properties"]["item"] == {"name": "Zendesk Swag"}
    track = _example("TrackS1")
    assert track["event"]["type"] == "checkout"
    assert track["profile"]["identifiers"][1] == {"type": "external_id", "value": "0987654321"}
    for x_id in ("E1", "E2", "E3"):
        examples = responses_of(x_id)["200"]["content"]["application/json"]["examples"]
        assert deref(next(iter(examples.values())))["value"] == s1_list
    for x_id in TRACK_OPERATIONS:
        examples = responses_of(x_id)["202"]["content"]["application/json"]["examples"]
        assert [deref(e)["value"] for e in examples.values()] == [_example("TrackAcceptedS1")]
    for x_id in ("E2", "E3"):
        examples = responses_of(x_id)["400"]["content"]["application/json"]["examples"]
        assert deref(examples["StartTimestampNotValid"])["value"] == _example("StartTimestampNotValid")
    s4 = PATH_PARAMS["Filter"]["examples"]["S4"]["value"]
    assert (s4["filter[start_time]"], s4["filter[end_time]"]) == ("2020-02-23", "2020-02-29")


def test_e1_400_allows_the_support_style_body() -> None:
    media = responses_of("E1")["400"]["content"]["application/json"]
    validator = validator_at(
        pointer_to(
            "paths",
            "/api/v2/users/{user_id}/events",
            "get",
            "responses",
            "400",
            "content",
            "application/json",
            "schema",
        )
    )
    assert validator.is_valid(deref(media["examples"]["SupportInvalidUserId"])["value"])
    assert validator.is_valid(deref(media["examples"]["InvalidUserId"])["value"])
    assert not validator.is_valid({"message": "no envelope"})


# ------------------------------------------------------------------------------------------------
# Markers
# ------------------------------------------------------------------------------------------------

MARKED = [(p, n) for p, n in walk(SPEC) if isinstance(n, dict) and "x-zdevents-defined-by" in n]


def test_defined_by_values_and_descriptions() -> None:
    assert MARKED
    for where, node in MARKED:
        value = node["x-zdevents-defined-by"]
        assert value in {"docs", "emulator"}, f"{where}: {value!r}"
        if value == "emulator":
            description = node.get("description")
            assert isinstance(description, str), f"{where}: emulator-defined without a description"
            assert len(description.split()) >= 4, f"{where}: the description does not say what was chosen"


@pytest.mark.parametrize(
    "pointer",
    [
        "/components/parameters/PageSize/schema/anyOf/0",
        "/components/parameters/PageAfter/schema",
        "/components/parameters/Filter/schema/properties/filter[type]",
        "/components/parameters/Filter/schema/properties/filter[end_time]",
        "/components/parameters/ProfileId/schema",
        "/components/parameters/IdentifierQuery/schema",
        "/components/parameters/IdentifierQueryForCreate/schema",
        "/components/schemas/IdentifierType",
        "/components/schemas/PropertyValue",
        "/components/schemas/NotZendeskInAnyCase",
        "/components/schemas/SourceName/allOf/0",
        "/components/schemas/TypeName/allOf/0",
        "/components/schemas/Event/properties/profile_id",
        "/components/schemas/PatchAttributes",
        "/components/schemas/EventList/properties/events",
        "/components/schemas/PageMeta/properties/after_cursor",
        "/components/schemas/TrackProfileInput/properties/user_id",
        "/components/schemas/PutProfileInput/properties/source",
        "/components/schemas/Error/properties/code",
        "/components/responses/Conflict",
        "/components/responses/PayloadTooLarge",
        "/components/responses/UnsupportedMediaType",
        "/components/requestBodies/Track",
    ],
)
def test_emulator_choices_are_marked(pointer: str) -> None:
    assert resolve(pointer)["x-zdevents-defined-by"] == "emulator"


def test_documented_operations_are_marked_docs() -> None:
    for _, _, op in operations():
        assert op["x-zdevents-defined-by"] == "docs", op["operationId"]


# ------------------------------------------------------------------------------------------------
# pytest_zdevents.spec
# ------------------------------------------------------------------------------------------------


def test_spec_path_is_the_checkout_file() -> None:
    # In a checkout nothing sits at pytest_zdevents/openapi.yaml (only the wheel has that copy); a
    # stray one there would shadow the spec being edited.
    assert spec_path() == ROOT / "openapi.yaml"


def test_load_spec_parses_the_file_once() -> None:
    assert load_spec() is load_spec()
    with spec_path().open(encoding="utf-8") as stream:
        assert load_spec() == yaml.safe_load(stream)


def test_spec_path_prefers_the_packaged_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "pytest_zdevents"
    package.mkdir()
    (tmp_path / "openapi.yaml").write_text("openapi: 3.1.0\n")
    monkeypatch.setattr(bundled_module, "_PACKAGE_DIR", package)
    assert spec_path() == tmp_path / "openapi.yaml"
    (package / "openapi.yaml").write_text("openapi: 3.1.0\n")
    assert spec_path() == package / "openapi.yaml"


def test_spec_path_explains_a_missing_spec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "pytest_zdevents"
    package.mkdir()
    monkeypatch.setattr(bundled_module, "_PACKAGE_DIR", package)
    with pytest.raises(FileNotFoundError, match=r"openapi\.yaml was found neither .*\.$"):
        spec_path()
