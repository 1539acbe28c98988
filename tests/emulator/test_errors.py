"""Bad input: every refusal is a 4xx with the documented error envelope, never a 5xx.

``docs/emulator.md`` ("Error codes") lists the status and code of each refusal; the envelope is
``{"errors": [{"code", "id", "title", "detail"}]}`` with ``id`` a UUID.
"""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from helpers import TRACK, error_code, track_body
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PROFILES = "/api/v2/user_profiles"
JANE = "shoppingnow:customer:email:jane@example.com"
UNKNOWN_PROFILE = "01ARZ3NDEKTSV4RRFFQ69G5FAV"
MIB = 1024 * 1024
MISSING = object()


def assert_error(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The response is the envelope with one error of ``code``, at ``status``."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert error_code(response) == code, response.text
    (error,) = response.json()["errors"]
    uuid.UUID(error["id"])
    assert isinstance(error["title"], str) and error["title"]
    assert isinstance(error["detail"], str) and error["detail"]
    return error


def changed(body: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    """A deep copy of ``body`` with the member at ``path`` set to ``value`` (or removed)."""
    body = copy.deepcopy(body)
    *parents, last = path
    target: Any = body
    for key in parents:
        target = target[key]
    if value is MISSING:
        del target[last]
    else:
        target[last] = value
    return body


def tracked(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    return changed(track_body(), path, value)


def identifiers(count: int) -> list[dict[str, str]]:
    return [{"type": f"custom{i}", "value": f"v{i}"} for i in range(count)]


def nested(depth: int, leaf: Any) -> Any:
    value = leaf
    for _ in range(depth):
        value = {"a": value}
    return value


# Track bodies (E5) refused with 400 and their codes.
BAD_TRACK_BODIES = [
    pytest.param(tracked(("event", "source"), "zendesk"), "ProtectedSource", id="event-source-zendesk"),
    pytest.param(tracked(("event", "source"), "ZenDesk"), "ProtectedSource", id="event-source-ZenDesk"),
    pytest.param(tracked(("profile", "source"), "zendesk"), "ProtectedSource", id="profile-source-zendesk"),
    pytest.param(tracked(("profile", "source"), "ZenDesk"), "ProtectedSource", id="profile-source-ZenDesk"),
    pytest.param(tracked(("event", "source"), "s" * 41), "InvalidEventSourceLength", id="event-source-41"),
    pytest.param(tracked(("event", "type"), "t" * 41), "InvalidEventTypeLength", id="event-type-41"),
    pytest.param(
        tracked(("profile", "source"), "s" * 41), "InvalidProfileSourceLength", id="profile-source-41"
    ),
    pytest.param(tracked(("profile", "type"), "t" * 41), "InvalidProfileTypeLength", id="profile-type-41"),
    pytest.param(
        tracked(("profile", "identifiers"), identifiers(21)), "TooManyIdentifiers", id="identifiers-21"
    ),
    pytest.param(
        tracked(("profile", "identifiers"), [{"type": "i" * 61, "value": "v"}]),
        "InvalidIdentifierTypeLength",
        id="identifier-type-61",
    ),
    pytest.param(tracked(("event", "source"), "shop:now"), "InvalidFieldValue", id="colon-in-event-source"),
    pytest.param(tracked(("event", "type"), "check:out"), "InvalidFieldValue", id="colon-in-event-type"),
    pytest.param(
        tracked(("profile", "source"), "shop:now"), "InvalidFieldValue", id="colon-in-profile-source"
    ),
    pytest.param(tracked(("profile", "type"), "cus:tomer"), "InvalidFieldValue", id="colon-in-profile-type"),
    pytest.param(
        tracked(("profile", "identifiers"), [{"type": "e:mail", "value": "v"}]),
        "InvalidFieldValue",
        id="colon-in-identifier-type",
    ),
    pytest.param(tracked(("event", "source"), ""), "InvalidFieldValue", id="empty-event-source"),
    pytest.param(
        tracked(("profile", "identifiers"), [{"type": "email", "value": ""}]),
        "InvalidFieldValue",
        id="empty-identifier-value",
    ),
    pytest.param(
        tracked(("event", "properties"), {"count": 3}), "NumbersMustBeStrings", id="number-top-level"
    ),
    pytest.param(
        tracked(("event", "properties"), {"price": 9.99}), "NumbersMustBeStrings", id="float-top-level"
    ),
    pytest.param(
        tracked(("event", "properties"), {"item": {"detail": {"qty": 2}}}),
        "NumbersMustBeStrings",
        id="number-nested-object",
    ),
    pytest.param(
        tracked(("event", "properties"), {"items": ["a", ["b", 0]]}),
        "NumbersMustBeStrings",
        id="number-in-array",
    ),
    pytest.param(
        tracked(("event", "properties"), {"items": [{"qty": -1}]}),
        "NumbersMustBeStrings",
        id="number-in-object-in-array",
    ),
    pytest.param(
        tracked(("profile", "attributes"), {"age": 30}), "NumbersMustBeStrings", id="number-in-attributes"
    ),
    pytest.param(
        tracked(("profile", "attributes"), {"a": {"b": [1]}}),
        "NumbersMustBeStrings",
        id="number-nested-in-attributes",
    ),
    pytest.param(
        tracked(("profile", "identifiers"), [{"type": "phone_number", "value": 16505556789}]),
        "NumbersMustBeStrings",
        id="number-as-identifier-value",
    ),
    pytest.param(changed(track_body(), ("event",), MISSING), "MissingField", id="missing-event"),
    pytest.param(changed(track_body(), ("profile",), MISSING), "MissingField", id="missing-profile"),
    pytest.param(tracked(("event", "properties"), MISSING), "MissingField", id="missing-properties"),
    pytest.param(tracked(("event", "source"), MISSING), "MissingField", id="missing-event-source"),
    pytest.param(tracked(("event", "type"), MISSING), "MissingField", id="missing-event-type"),
    pytest.param(tracked(("profile", "source"), MISSING), "MissingField", id="missing-profile-source"),
    pytest.param(tracked(("profile", "type"), MISSING), "MissingField", id="missing-profile-type"),
    pytest.param(tracked(("profile", "identifiers"), MISSING), "MissingField", id="missing-identifiers"),
    pytest.param(
        tracked(("profile", "identifiers"), [{"type": "email"}]),
        "MissingField",
        id="missing-identifier-value",
    ),
    pytest.param(
        tracked(("profile", "identifiers"), [{"value": "v"}]), "MissingField", id="missing-identifier-type"
    ),
    pytest.param(changed(track_body(), ("event",), []), "InvalidFieldType", id="event-is-array"),
    pytest.param(changed(track_body(), ("event",), "checkout"), "InvalidFieldType", id="event-is-string"),
    pytest.param(changed(track_body(), ("profile",), None), "InvalidFieldType", id="profile-is-null"),
    pytest.param(tracked(("event", "properties"), "x"), "InvalidFieldType", id="properties-is-string"),
    pytest.param(tracked(("event", "properties"), ["x"]), "InvalidFieldType", id="properties-is-array"),
    pytest.param(tracked(("event", "properties"), None), "InvalidFieldType", id="properties-is-null"),
    pytest.param(tracked(("event", "source"), None), "InvalidFieldType", id="source-is-null"),
    pytest.param(tracked(("event", "source"), ["a"]), "InvalidFieldType", id="source-is-array"),
    pytest.param(tracked(("event", "source"), True), "InvalidFieldType", id="source-is-boolean"),
    pytest.param(tracked(("event", "description"), {}), "InvalidFieldType", id="description-is-object"),
    pytest.param(tracked(("profile", "name"), False), "InvalidFieldType", id="name-is-boolean"),
    pytest.param(tracked(("profile", "attributes"), "x"), "InvalidFieldType", id="attributes-is-string"),
    pytest.param(
        tracked(("profile", "identifiers"), {"type": "email", "value": "a@b.c"}),
        "InvalidFieldType",
        id="identifiers-is-object",
    ),
    pytest.param(
        tracked(("profile", "identifiers"), ["email:a@b.c"]), "InvalidFieldType", id="identifier-is-string"
    ),
    pytest.param(
        tracked(("profile", "identifiers"), [{"type": "email", "value": True}]),
        "InvalidFieldType",
        id="identifier-value-is-boolean",
    ),
    pytest.param(
        tracked(("profile", "identifiers"), [{"type": "email", "value": None}]),
        "InvalidFieldType",
        id="identifier-value-is-null",
    ),
    pytest.param(tracked(("profile", "identifiers"), []), "InvalidFieldValue", id="identifiers-empty"),
    pytest.param(tracked(("event", "created_at"), "yesterday"), "CreatedAtNotValid", id="created-at-word"),
    pytest.param(
        tracked(("event", "created_at"), "2020-01-31"), "CreatedAtNotValid", id="created-at-date-only"
    ),
    pytest.param(
        tracked(("event", "created_at"), "2020-02-30T00:00:00Z"), "CreatedAtNotValid", id="created-at-feb-30"
    ),
    pytest.param(
        tracked(("event", "created_at"), "2020-01-31T24:00:00Z"), "CreatedAtNotValid", id="created-at-hour-24"
    ),
    pytest.param(
        tracked(("event", "created_at"), "2020-01-31 00:44:07Z"), "CreatedAtNotValid", id="created-at-space"
    ),
    pytest.param(
        tracked(("event", "created_at"), "1580431447"), "CreatedAtNotValid", id="created-at-epoch-string"
    ),
    pytest.param(tracked(("profile", "user_id"), "abc"), "InvalidUserId", id="profile-user-id-not-integer"),
    pytest.param(
        tracked(("event", "properties"), nested(33, "x")), "NestingTooDeep", id="properties-33-deep"
    ),
    pytest.param(
        tracked(("event", "properties"), {"l": nested(31, ["x"])}),
        "NestingTooDeep",
        id="properties-33-deep-with-array",
    ),
    pytest.param(
        tracked(("profile", "attributes"), nested(33, "x")), "NestingTooDeep", id="attributes-33-deep"
    ),
    pytest.param(
        tracked(("event", "created_at"), "2020-01-31T12:59:60Z"),
        "CreatedAtNotValid",
        id="created-at-leap-not-midnight",
    ),
    pytest.param(
        tracked(("event", "created_at"), "2020-01-31T00:44:07"),
        "CreatedAtNotValid",
        id="created-at-no-offset",
    ),
]


@pytest.mark.parametrize(("body", "code"), BAD_TRACK_BODIES)
def test_bad_track_body_is_400(client: httpx.Client, body: dict[str, Any], code: str) -> None:
    assert_error(client.post(TRACK, json=body), 400, code)


@pytest.mark.parametrize(("body", "code"), BAD_TRACK_BODIES)
def test_bad_track_body_is_400_on_every_track_route(
    client: httpx.Client, track: Callable[..., dict[str, Any]], body: dict[str, Any], code: str
) -> None:
    """E4 (by user) and E6 (by profile) check the event as E5 does; E4 checks the profile too."""
    answer = track("someone@example.com")
    assert_error(client.post(f"/api/v2/users/{answer['user_id']}/events", json=body), 400, code)
    if body.get("event") == track_body()["event"]:
        return  # the fault is in the profile, which E6 does not read
    assert_error(client.post(f"{PROFILES}/{answer['profile_id']}/events", json=body), 400, code)


def test_refused_track_stores_nothing(client: httpx.Client) -> None:
    response = client.post(TRACK, json=tracked(("event", "properties"), {"count": 3}))
    assert response.status_code == 400
    assert client.get(f"{PROFILES}", params={"identifier": JANE}).status_code == 404
    assert client.get("/__zdevents/state").json()["events"] == []


ACCEPTED_TRACK_BODIES = [
    pytest.param(tracked(("event", "source"), "s" * 40), id="event-source-40"),
    pytest.param(tracked(("event", "type"), "t" * 40), id="event-type-40"),
    pytest.param(tracked(("profile", "source"), "s" * 40), id="profile-source-40"),
    pytest.param(tracked(("profile", "type"), "t" * 40), id="profile-type-40"),
    pytest.param(tracked(("profile", "identifiers"), identifiers(20)), id="identifiers-20"),
    pytest.param(
        tracked(("profile", "identifiers"), [{"type": "i" * 60, "value": "v"}]), id="identifier-type-60"
    ),
    pytest.param(tracked(("event", "source"), "zendesk_app"), id="source-containing-zendesk"),
    pytest.param(
        tracked(("event", "properties"), {"flag": True, "off": False, "none": None, "list": [True, None]}),
        id="booleans-and-null-in-properties",
    ),
    pytest.param(
        tracked(("event", "properties"), {"item": {"gift": False, "note": None, "tags": [{"x": True}]}}),
        id="nested-booleans-and-null",
    ),
    pytest.param(
        tracked(("profile", "attributes"), {"vip": True, "note": None}), id="booleans-in-attributes"
    ),
    pytest.param(tracked(("event", "properties"), {"count": "3", "price": "9.99"}), id="numbers-as-strings"),
    pytest.param(tracked(("event", "properties"), {}), id="empty-properties"),
    pytest.param(tracked(("event", "created_at"), MISSING), id="no-created-at"),
    pytest.param(tracked(("event", "created_at"), "2016-12-31T23:59:60.123456789Z"), id="leap-second"),
    pytest.param(tracked(("event", "properties"), nested(32, "deep")), id="properties-32-deep"),
    pytest.param(
        tracked(("event", "properties"), {"l": nested(30, ["deep"])}), id="properties-32-deep-array"
    ),
    pytest.param(tracked(("profile", "attributes"), nested(32, "deep")), id="attributes-32-deep"),
]


@pytest.mark.parametrize("body", ACCEPTED_TRACK_BODIES)
def test_valid_track_body_at_the_limit_is_accepted(client: httpx.Client, body: dict[str, Any]) -> None:
    response = client.post(TRACK, json=body)
    assert response.status_code == 202, response.text
    assert response.json()["status"] == "received"


@pytest.mark.parametrize(
    ("method", "query", "body", "status", "code"),
    [
        pytest.param(
            "PUT",
            "zendesk:customer:email:a@b.c",
            {"profile": {"identifiers": []}},
            400,
            "ProtectedSource",
            id="put-query-source-zendesk",
        ),
        pytest.param(
            "PUT",
            "ZENDESK:customer:email:a@b.c",
            {"profile": {"identifiers": []}},
            400,
            "ProtectedSource",
            id="put-query-source-ZENDESK",
        ),
        pytest.param(
            "PUT",
            f"{'s' * 41}:customer:email:a@b.c",
            {"profile": {"identifiers": []}},
            400,
            "InvalidProfileSourceLength",
            id="put-query-source-41",
        ),
        pytest.param(
            "PUT",
            f"shop:{'t' * 41}:email:a@b.c",
            {"profile": {"identifiers": []}},
            400,
            "InvalidProfileTypeLength",
            id="put-query-type-41",
        ),
        pytest.param(
            "PUT",
            f"shop:customer:{'i' * 61}:v",
            {"profile": {"identifiers": []}},
            400,
            "InvalidIdentifierTypeLength",
            id="put-query-identifier-type-61",
        ),
        pytest.param(
            "PUT",
            JANE,
            {"profile": {"identifiers": identifiers(21)}},
            400,
            "TooManyIdentifiers",
            id="put-identifiers-21",
        ),
        pytest.param(
            "PUT",
            JANE,
            {"profile": {"identifiers": [], "attributes": {"n": 1}}},
            400,
            "NumbersMustBeStrings",
            id="put-number-in-attributes",
        ),
        pytest.param(
            "PUT", JANE, {"profile": {"attributes": {}}}, 400, "MissingField", id="put-missing-identifiers"
        ),
        pytest.param("PUT", JANE, {}, 400, "MissingField", id="put-missing-profile"),
        pytest.param("PUT", JANE, {"profile": []}, 400, "InvalidFieldType", id="put-profile-is-array"),
        pytest.param(
            "PATCH",
            JANE,
            {"profile": {"attributes": {"n": [1.5]}}},
            400,
            "NumbersMustBeStrings",
            id="patch-number-in-attributes",
        ),
        pytest.param(
            "PATCH",
            JANE,
            {"profile": {"identifiers": identifiers(21)}},
            400,
            "TooManyIdentifiers",
            id="patch-identifiers-21",
        ),
        pytest.param(
            "PATCH", JANE, {"profile": {"name": 5}}, 400, "NumbersMustBeStrings", id="patch-name-is-number"
        ),
        pytest.param(
            "PATCH",
            JANE,
            {"profile": {"attributes": []}},
            400,
            "InvalidFieldType",
            id="patch-attributes-is-array",
        ),
        pytest.param("PATCH", JANE, {}, 400, "MissingField", id="patch-missing-profile"),
        pytest.param(
            "PATCH", JANE, {"profile": {"name": None}}, 400, "InvalidFieldType", id="patch-name-null"
        ),
        pytest.param(
            "PATCH",
            JANE,
            {"profile": {"attributes": nested(33, "x")}},
            400,
            "NestingTooDeep",
            id="patch-attributes-33-deep",
        ),
    ],
)
def test_bad_profile_write_is_refused(
    client: httpx.Client,
    track: Callable[..., dict[str, Any]],
    method: str,
    query: str,
    body: dict[str, Any],
    status: int,
    code: str,
) -> None:
    track()
    before = client.get(PROFILES, params={"identifier": JANE}).json()
    assert_error(client.request(method, PROFILES, params={"identifier": query}, json=body), status, code)
    assert client.get(PROFILES, params={"identifier": JANE}).json() == before


BAD_TIMESTAMPS = [
    "yesterday",
    "2020-13-01",
    "2020-02-30",
    "2019-02-29",
    "1580000000",
    "2020-01-01T25:00:00Z",
    "2020-01-01T10:60:00Z",
    "2020-01-01T10:00:61Z",
    "2020-01-01T12:59:60Z",
    "2016-12-31T23:59:60+01:00",
    "2020-01-01T10:00:00",
    "2020-01-01T10:00:00+24:00",
    "2020-1-1",
    "20200101",
    "2020-01-01T10:00Z",
    " 2020-01-01",
    "\uff12\uff10\uff12\uff10-01-01",
]


@pytest.mark.parametrize("value", BAD_TIMESTAMPS)
@pytest.mark.parametrize(
    ("name", "code"),
    [("filter[start_time]", "StartTimestampNotValid"), ("filter[end_time]", "EndTimestampNotValid")],
)
def test_bad_time_filter_is_400(
    client: httpx.Client, track: Callable[..., dict[str, Any]], name: str, code: str, value: str
) -> None:
    track()
    response = client.get(TRACK, params={"identifier": JANE, name: value})
    assert_error(response, 400, code)


@pytest.mark.parametrize(
    "value",
    [
        "2020-02-29",
        "2020-02-29T10:00:00Z",
        "2020-02-29t10:00:00.123456789z",
        "2020-02-29T10:00:00-08:00",
        "2016-12-31T23:59:60Z",
        "2017-01-01T00:59:60+01:00",
    ],
)
def test_good_time_filters_are_accepted(
    client: httpx.Client, track: Callable[..., dict[str, Any]], value: str
) -> None:
    track()
    for name in ("filter[start_time]", "filter[end_time]"):
        assert client.get(TRACK, params={"identifier": JANE, name: value}).status_code == 200


@pytest.mark.parametrize(
    "route",
    ["events-by-identifier", "events-by-user", "events-by-profile"],
)
def test_type_filter_without_source_is_400_on_every_read(
    client: httpx.Client, track: Callable[..., dict[str, Any]], route: str
) -> None:
    answer = track()
    path, params = read_route(route, answer)
    response = client.get(path, params={**params, "filter[type]": "checkout"})
    assert_error(response, 400, "TypeFilterRequiresSource")
    assert (
        client.get(
            path, params={**params, "filter[type]": "checkout", "filter[source]": "shoppingnow"}
        ).status_code
        == 200
    )


def read_route(route: str, answer: dict[str, Any]) -> tuple[str, dict[str, str]]:
    return {
        "events-by-identifier": (TRACK, {"identifier": JANE}),
        "events-by-user": (f"/api/v2/users/{answer['user_id']}/events", {}),
        "events-by-profile": (f"{PROFILES}/{answer['profile_id']}/events", {}),
    }[route]


@pytest.mark.parametrize(
    "size", ["0", "101", "-1", "abc", "1.5", "1e2", " 5", "\uff15", "99999999999999999999"]
)
@pytest.mark.parametrize("route", ["events-by-identifier", "events-by-user", "events-by-profile"])
def test_bad_page_size_is_400(
    client: httpx.Client, track: Callable[..., dict[str, Any]], route: str, size: str
) -> None:
    path, params = read_route(route, track())
    assert_error(client.get(path, params={**params, "page[size]": size}), 400, "InvalidPageSize")


@pytest.mark.parametrize("size", ["1", "100", "007"])
def test_page_size_in_range_is_accepted(
    client: httpx.Client, track: Callable[..., dict[str, Any]], size: str
) -> None:
    track()
    response = client.get(TRACK, params={"identifier": JANE, "page[size]": size})
    assert response.status_code == 200, response.text


def b64(text: str) -> str:
    import base64

    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "!!!",
        b64("zdc1:x:y"),
        b64("zdc1:1"),
        b64("zdc1:1:2:3"),
        b64("zdc2:1:2"),
        b64("other:1:2"),
        "zdc1:1:2",
        "1.2.3",
        "abc.1",
        "1.",
        ".1",
        "+1.2",
        "1e3.1",
        "1,2",
        "0.99999999999999999999",
    ],
)
def test_garbage_cursor_is_400(
    client: httpx.Client, track: Callable[..., dict[str, Any]], cursor: str
) -> None:
    track()
    response = client.get(TRACK, params={"identifier": JANE, "page[after]": cursor})
    assert_error(response, 400, "InvalidCursor")


@pytest.mark.parametrize("cursor", ["0.0", "-5.3", "99999999999999999999.1", "1582934400000000000.7"])
def test_cursor_of_the_documented_shape_is_accepted(
    client: httpx.Client, track: Callable[..., dict[str, Any]], cursor: str
) -> None:
    """docs/emulator.md: every `<created_ns>.<seq>` string reads as a position."""
    track()
    response = client.get(TRACK, params={"identifier": JANE, "page[after]": cursor})
    assert response.status_code == 200, response.text
    assert isinstance(response.json()["events"], list)


@pytest.mark.parametrize("route", ["events-by-identifier", "events-by-user", "events-by-profile"])
@pytest.mark.parametrize("value", ["source=shoppingnow", "", "shoppingnow"])
def test_bare_filter_parameter_is_400(
    client: httpx.Client, track: Callable[..., dict[str, Any]], route: str, value: str
) -> None:
    path, params = read_route(route, track())
    assert_error(client.get(path, params={**params, "filter": value}), 400, "InvalidFilter")


@pytest.mark.parametrize(
    "identifier",
    [None, "", "shoppingnow", "a:b:c", "a:b:c:", ":b:c:d", "a::c:d", "a:b::d", ":::", "::::"],
)
@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", TRACK), ("GET", PROFILES), ("PUT", PROFILES), ("PATCH", PROFILES)],
)
def test_bad_identifier_query_is_400(
    client: httpx.Client, method: str, path: str, identifier: str | None
) -> None:
    params = {} if identifier is None else {"identifier": identifier}
    body = {"profile": {"identifiers": [{"type": "email", "value": "a@b.c"}]}}
    response = client.request(method, path, params=params, json=None if method == "GET" else body)
    assert_error(response, 400, "InvalidIdentifierQuery")


@pytest.mark.parametrize("user_id", ["abc", "-1", "1.5", "1e3", "\uff11\uff12", "%20", "0x10"])
@pytest.mark.parametrize(
    ("method", "template"),
    [
        ("GET", "/api/v2/users/{}/events"),
        ("POST", "/api/v2/users/{}/events"),
        ("GET", "/api/v2/users/{}/profiles"),
        ("PUT", "/api/v2/users/{}/profiles?identifier=shoppingnow:customer:email:a@b.c"),
    ],
)
def test_non_integer_user_id_is_400(client: httpx.Client, method: str, template: str, user_id: str) -> None:
    body = None if method == "GET" else track_body()
    response = client.request(method, template.format(user_id), json=body)
    assert_error(response, 400, "InvalidUserId")


@pytest.mark.parametrize(
    ("method", "path", "code"),
    [
        ("GET", "/api/v2/users/999999/events", "UserNotFound"),
        ("POST", "/api/v2/users/999999/events", "UserNotFound"),
        ("GET", "/api/v2/users/999999/profiles", "UserNotFound"),
        (
            "PUT",
            "/api/v2/users/999999/profiles?identifier=shoppingnow:customer:email:new@example.com",
            "UserNotFound",
        ),
        ("GET", f"{PROFILES}/{UNKNOWN_PROFILE}", "ProfileNotFound"),
        ("PUT", f"{PROFILES}/{UNKNOWN_PROFILE}", "ProfileNotFound"),
        ("PATCH", f"{PROFILES}/{UNKNOWN_PROFILE}", "ProfileNotFound"),
        ("DELETE", f"{PROFILES}/{UNKNOWN_PROFILE}", "ProfileNotFound"),
        ("GET", f"{PROFILES}/{UNKNOWN_PROFILE}/events", "ProfileNotFound"),
        ("POST", f"{PROFILES}/{UNKNOWN_PROFILE}/events", "ProfileNotFound"),
        ("GET", f"{PROFILES}?identifier=shoppingnow:customer:email:nobody@example.com", "ProfileNotFound"),
        ("PATCH", f"{PROFILES}?identifier=shoppingnow:customer:email:nobody@example.com", "ProfileNotFound"),
        ("GET", f"{TRACK}?identifier=shoppingnow:customer:email:nobody@example.com", "ProfileNotFound"),
        ("GET", f"{TRACK}?identifier=othersource:customer:email:jane@example.com", "ProfileNotFound"),
        ("GET", f"{TRACK}?identifier=zendesk:customer:email:jane@example.com", "ProfileNotFound"),
        ("GET", f"{PROFILES}?identifier=ZenDesk:customer:email:jane@example.com", "ProfileNotFound"),
        ("GET", f"{PROFILES}?identifier={'s' * 41}:customer:email:jane@example.com", "ProfileNotFound"),
        ("GET", f"{TRACK}?identifier=shoppingnow:customer:{'i' * 61}:v", "ProfileNotFound"),
        ("GET", "/api/v2/nothing", "NotFound"),
        ("GET", "/", "NotFound"),
        ("GET", "/api/v2/user_profiles/events/", "NotFound"),
        ("GET", f"{PROFILES}/{UNKNOWN_PROFILE}/events/extra", "NotFound"),
        ("POST", "/api/v2/events", "NotFound"),
        ("GET", "/api/v2/users/1/identities", "NotFound"),
        ("GET", "/__zdevents/nothing", "NotFound"),
    ],
)
def test_unknown_things_are_404(
    client: httpx.Client, track: Callable[..., dict[str, Any]], method: str, path: str, code: str
) -> None:
    track()
    body = {"profile": {"identifiers": [{"type": "email", "value": "new@example.com"}]}}
    if method == "POST":
        body = track_body("new@example.com")
    response = client.request(method, path, json=None if method in ("GET", "DELETE") else body)
    assert_error(response, 404, code)


@pytest.mark.parametrize(
    "raw",
    [
        pytest.param(b"{", id="truncated"),
        pytest.param(b"", id="empty"),
        pytest.param(b"event=checkout", id="form"),
        pytest.param(b"[]", id="array"),
        pytest.param(json.dumps([track_body()]).encode(), id="array-of-body"),
        pytest.param(b'"text"', id="string"),
        pytest.param(b"42", id="number"),
        pytest.param(b"null", id="null"),
        pytest.param(b"true", id="boolean"),
        pytest.param(b"NaN", id="NaN"),
        pytest.param(b'{"event": {"properties": {"x": NaN}}}', id="NaN-inside"),
        pytest.param(b'{"a": Infinity}', id="Infinity"),
        pytest.param(b'{"a": -Infinity}', id="minus-Infinity"),
        pytest.param(b"{'event': {}}", id="single-quotes"),
        pytest.param(b'{"a": 1,}', id="trailing-comma"),
        pytest.param(b'{"a": "\xff"}', id="not-utf8"),
        pytest.param(b"[" * 100_000, id="deeply-nested-arrays"),
        pytest.param(b'{"a":' * 100_000, id="deeply-nested-objects"),
        pytest.param(json.dumps(track_body()).encode() + b"{}", id="two-documents"),
    ],
)
@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", TRACK), ("PUT", f"{PROFILES}?identifier={JANE}"), ("PATCH", f"{PROFILES}?identifier={JANE}")],
)
def test_body_that_is_not_a_json_object_is_400(
    client: httpx.Client, track: Callable[..., dict[str, Any]], method: str, path: str, raw: bytes
) -> None:
    track()
    response = client.request(method, path, content=raw, headers={"Content-Type": "application/json"})
    assert_error(response, 400, "InvalidJson")


@pytest.mark.parametrize("depth", [33, 500, 900, 980, 995, 5000])
def test_deeply_nested_properties_are_a_400_never_a_500(client: httpx.Client, depth: int) -> None:
    """Nesting beyond 32 levels is 400 NestingTooDeep; nesting too deep even for the JSON parser
    may be InvalidJson instead. Either way an envelope, not a crash."""
    properties = '{"a":' * depth + '"leaf"' + "}" * depth
    raw = json.dumps(tracked(("event", "properties"), "PROPS")).replace('"PROPS"', properties)
    response = client.post(TRACK, content=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text[:300]
    expected = {"NestingTooDeep"} if depth <= 900 else {"NestingTooDeep", "InvalidJson"}
    assert error_code(response) in expected


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/jsonx",
        "application/json-patch+json",
        "application/merge-patch+json",
        "json",
        "text/json",
    ],
)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", TRACK),
        ("POST", "/api/v2/users/{user_id}/events"),
        ("POST", f"{PROFILES}/{{profile_id}}/events"),
        ("PUT", f"{PROFILES}?identifier={JANE}"),
        ("PUT", f"{PROFILES}/{{profile_id}}"),
        ("PUT", f"/api/v2/users/{{user_id}}/profiles?identifier={JANE}"),
    ],
)
def test_post_and_put_need_json_content_type(
    client: httpx.Client,
    track: Callable[..., dict[str, Any]],
    method: str,
    path: str,
    content_type: str | None,
) -> None:
    answer = track()
    headers = {} if content_type is None else {"Content-Type": content_type}
    raw = json.dumps(track_body()).encode()
    response = client.request(method, path.format(**answer), content=raw, headers=headers)
    assert_error(response, 415, "UnsupportedMediaType")


@pytest.mark.parametrize(
    "content_type", [None, "text/plain", "application/json-patch+json", "application/jsonx"]
)
@pytest.mark.parametrize("path", [f"{PROFILES}?identifier={JANE}", f"{PROFILES}/{{profile_id}}"])
def test_patch_needs_json_or_merge_patch_content_type(
    client: httpx.Client, track: Callable[..., dict[str, Any]], path: str, content_type: str | None
) -> None:
    answer = track()
    headers = {} if content_type is None else {"Content-Type": content_type}
    raw = json.dumps({"profile": {"name": "Jane"}}).encode()
    response = client.patch(path.format(**answer), content=raw, headers=headers)
    assert_error(response, 415, "UnsupportedMediaType")


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "application/json; charset=utf-8",
        "Application/JSON",
        "application/merge-patch+json",
        "application/merge-patch+json;charset=UTF-8",
    ],
)
@pytest.mark.parametrize("path", [f"{PROFILES}?identifier={JANE}", f"{PROFILES}/{{profile_id}}"])
def test_patch_accepts_json_and_merge_patch(
    client: httpx.Client, track: Callable[..., dict[str, Any]], path: str, content_type: str
) -> None:
    answer = track()
    raw = json.dumps({"profile": {"name": "Patched"}}).encode()
    response = client.patch(path.format(**answer), content=raw, headers={"Content-Type": content_type})
    assert response.status_code == 200, response.text
    assert response.json()["profile"]["name"] == "Patched"


@pytest.mark.parametrize("content_type", ["application/json; charset=utf-8", "APPLICATION/JSON"])
def test_post_accepts_json_with_parameters_and_any_case(client: httpx.Client, content_type: str) -> None:
    raw = json.dumps(track_body()).encode()
    assert client.post(TRACK, content=raw, headers={"Content-Type": content_type}).status_code == 202


def padded_body(size: int) -> bytes:
    """A valid track body of exactly ``size`` bytes (a long description)."""
    body = track_body()
    body["event"]["description"] = ""
    base = len(json.dumps(body).encode())
    body["event"]["description"] = "x" * (size - base)
    raw = json.dumps(body).encode()
    assert len(raw) == size
    return raw


def test_body_of_exactly_1_mib_is_accepted(client: httpx.Client) -> None:
    response = client.post(TRACK, content=padded_body(MIB), headers={"Content-Type": "application/json"})
    assert response.status_code == 202, response.text[:300]


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", TRACK), ("PUT", f"{PROFILES}?identifier={JANE}"), ("PATCH", f"{PROFILES}?identifier={JANE}")],
)
def test_body_over_1_mib_is_413(client: httpx.Client, method: str, path: str) -> None:
    response = client.request(
        method, path, content=padded_body(MIB + 1), headers={"Content-Type": "application/json"}
    )
    assert_error(response, 413, "PayloadTooLarge")
    assert client.get("/__zdevents/state").json()["events"] == []


def chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    raw = padded_body(total)
    for start in range(0, total, size):
        yield raw[start : start + size]


def test_body_over_1_mib_without_content_length_is_413(client: httpx.Client) -> None:
    request = client.build_request(
        "POST", TRACK, content=chunks(MIB + 100), headers={"Content-Type": "application/json"}
    )
    assert "content-length" not in request.headers
    assert request.headers["transfer-encoding"] == "chunked"
    assert_error(client.send(request), 413, "PayloadTooLarge")


@pytest.mark.parametrize("declared", ["100", "1048576", "0"])
def test_body_over_1_mib_with_a_lying_content_length_is_413(client: httpx.Client, declared: str) -> None:
    request = client.build_request(
        "POST",
        TRACK,
        content=padded_body(2 * MIB),
        headers={"Content-Type": "application/json", "Content-Length": declared},
    )
    assert request.headers["content-length"] == declared
    assert_error(client.send(request), 413, "PayloadTooLarge")


def test_declared_content_length_over_1_mib_is_413(client: httpx.Client) -> None:
    request = client.build_request(
        "POST",
        TRACK,
        content=b"{}",
        headers={"Content-Type": "application/json", "Content-Length": str(MIB + 1)},
    )
    assert_error(client.send(request), 413, "PayloadTooLarge")


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("DELETE", TRACK, "GET, POST, HEAD"),
        ("PUT", TRACK, "GET, POST, HEAD"),
        ("PATCH", "/api/v2/users/1/events", "GET, POST, HEAD"),
        ("POST", "/api/v2/users/1/profiles", "GET, PUT, HEAD"),
        ("DELETE", "/api/v2/users/1/profiles", "GET, PUT, HEAD"),
        ("POST", PROFILES, "GET, PUT, PATCH, HEAD"),
        ("DELETE", PROFILES, "GET, PUT, PATCH, HEAD"),
        ("POST", f"{PROFILES}/{UNKNOWN_PROFILE}", "GET, PUT, PATCH, DELETE, HEAD"),
        ("PUT", f"{PROFILES}/{UNKNOWN_PROFILE}/events", "GET, POST, HEAD"),
        ("OPTIONS", TRACK, "GET, POST, HEAD"),
        ("TRACE", PROFILES, "GET, PUT, PATCH, HEAD"),
    ],
)
def test_wrong_method_is_405_with_allow(client: httpx.Client, method: str, path: str, allow: str) -> None:
    """Emulator choice: 405 MethodNotAllowed with an Allow header listing exactly the path's
    methods, HEAD included where GET is served (RFC 9110 15.5.6)."""
    response = client.request(method, path)
    assert_error(response, 405, "MethodNotAllowed")
    assert response.headers["allow"] == allow


# Property-based: nothing a client sends makes the emulator fail.

SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=50)
JSON = st.recursive(
    SCALARS,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
NAMES = st.sampled_from(["shoppingnow", "customer", "zendesk", "", "a:b", "s" * 41]) | st.text(max_size=45)
IDENTIFIER = st.fixed_dictionaries(
    {},
    optional={
        "type": st.sampled_from(["email", "external_id", "twitter", "phone_number"]) | NAMES | JSON,
        "value": st.sampled_from(["jane@example.com", "JANE@example.com", "1"]) | JSON,
    },
)
EVENT = st.fixed_dictionaries(
    {},
    optional={
        "source": NAMES | JSON,
        "type": NAMES | JSON,
        "description": JSON,
        "properties": JSON,
        "created_at": st.sampled_from(["2020-01-31T00:44:07+00:00", "2020-02-30T00:00:00Z"]) | JSON,
    },
)
PROFILE = st.fixed_dictionaries(
    {},
    optional={
        "source": NAMES | JSON,
        "type": NAMES | JSON,
        "name": JSON,
        "user_id": st.sampled_from(["1", "abc"]) | JSON,
        "attributes": JSON,
        "identifiers": st.lists(IDENTIFIER | JSON, max_size=22) | JSON,
    },
)
BODIES = JSON | st.fixed_dictionaries({}, optional={"event": EVENT | JSON, "profile": PROFILE | JSON})

WRITE_ROUTES = [
    ("POST", TRACK),
    ("POST", "/api/v2/users/{user_id}/events"),
    ("POST", PROFILES + "/{profile_id}/events"),
    ("PUT", PROFILES + "?identifier=" + JANE),
    ("PUT", PROFILES + "?identifier=shoppingnow:customer:email:other@example.com"),
    ("PUT", "/api/v2/users/{user_id}/profiles?identifier=" + JANE),
    ("PUT", PROFILES + "/{profile_id}"),
    ("PATCH", PROFILES + "?identifier=" + JANE),
    ("PATCH", PROFILES + "/{profile_id}"),
]
READ_ROUTES = [
    TRACK,
    "/api/v2/users/{user_id}/events",
    PROFILES + "/{profile_id}/events",
    "/api/v2/users/{user_id}/profiles",
    PROFILES,
    PROFILES + "/{profile_id}",
]
PARAM_NAMES = st.sampled_from(
    [
        "identifier",
        "filter[source]",
        "filter[type]",
        "filter[start_time]",
        "filter[end_time]",
        "page[size]",
        "page[after]",
    ]
) | st.text(max_size=12)
PARAM_VALUES = st.sampled_from(
    [JANE, "shoppingnow", "checkout", "2020-02-23", "2", "100", "0", "zdc1"]
) | st.text(max_size=40)


def ensure_jane(client: httpx.Client) -> dict[str, Any]:
    """Jane's profile, tracked again (or re-created after a fuzzed DELETE or replace)."""
    response = client.post(TRACK, json=track_body())
    if response.status_code == 202:
        return response.json()
    return {"user_id": "1", "profile_id": UNKNOWN_PROFILE}


def assert_answered(response: httpx.Response) -> None:
    assert response.status_code < 500, response.text[:500]
    if response.status_code >= 400:
        error_code(response)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(route=st.sampled_from(WRITE_ROUTES), body=BODIES)
def test_any_json_body_on_a_write_route_is_never_a_5xx(
    client: httpx.Client, route: tuple[str, str], body: Any
) -> None:
    method, path = route
    answer = ensure_jane(client)
    raw = json.dumps(body, allow_nan=True).encode()
    response = client.request(
        method, path.format(**answer), content=raw, headers={"Content-Type": "application/json"}
    )
    assert_answered(response)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    path=st.sampled_from(READ_ROUTES),
    params=st.lists(st.tuples(PARAM_NAMES, PARAM_VALUES), max_size=6),
)
def test_any_query_on_a_read_route_is_never_a_5xx(
    client: httpx.Client, path: str, params: list[tuple[str, str]]
) -> None:
    answer = ensure_jane(client)
    response = client.get(path.format(**answer), params=params)
    assert_answered(response)
