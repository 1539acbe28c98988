"""Every quirk and variation is wired: one small scenario per switch shows the documented behaviour
on a clean emulator and a different, specific behaviour with the switch on.

A switch added to ``switches.py`` without a scenario here fails ``test_every_switch_has_a_scenario``.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import httpx
import pytest
from helpers import TRACK, error_code, track_body

from pytest_zdevents.emulator import QUIRKS, VARIATIONS, Emulator

JANE = "shoppingnow:customer:email:jane@example.com"
PROFILES = "/api/v2/user_profiles"
UNKNOWN_PROFILE = "01ARZ3NDEKTSV4RRFFQ69G5FAV"
NOW = "2023-11-14T22:13:20.000000Z"  # FakeClock's start, as the emulator writes it


class Switch:
    """Emulators for one scenario: ``clean()`` without the switch, ``on()`` with it."""

    def __init__(self, name: str, make_emulator: Callable[..., Emulator], stack: ExitStack) -> None:
        self.name = name
        self.make_emulator = make_emulator
        self.stack = stack

    def clean(self, **settings: Any) -> httpx.Client:
        return self.stack.enter_context(self.make_emulator(**settings).client())

    def on(self, **settings: Any) -> httpx.Client:
        kind = "quirks" if self.name in QUIRKS else "variations"
        settings[kind] = [*settings.get(kind, []), self.name]
        return self.stack.enter_context(self.make_emulator(**settings).client())


# Small steps the scenarios share


def track(http: httpx.Client, email: str = "jane@example.com", *, status: int = 202, **overrides: Any) -> Any:
    response = http.post(TRACK, json=track_body(email, **overrides))
    assert response.status_code == status, response.text
    return response.json()


def at(http: httpx.Client, created_at: str, **event: Any) -> Any:
    return track(http, event={"created_at": created_at, **event})


def read(http: httpx.Client, identifier: str = JANE, **params: str) -> httpx.Response:
    return http.get(TRACK, params={"identifier": identifier, **params})


def events(http: httpx.Client, identifier: str = JANE, **params: str) -> list[dict[str, Any]]:
    response = read(http, identifier, **params)
    assert response.status_code == 200, response.text
    return response.json()["events"]


def types(http: httpx.Client, **params: str) -> list[str]:
    return [event["type"] for event in events(http, **params)]


def five_events(http: httpx.Client) -> None:
    """e1 .. e5, created a day apart; newest first they read e5, e4, e3, e2, e1."""
    for day in range(1, 6):
        at(http, f"2020-03-0{day}T00:00:00Z", type=f"e{day}")


def walk(http: httpx.Client, size: int = 2) -> list[list[str]]:
    """The types on each page, following after_cursor while has_more (at most 8 pages)."""
    pages: list[list[str]] = []
    params = {"page[size]": str(size)}
    for _ in range(8):
        body = read(http, **params).json()
        pages.append([event["type"] for event in body["events"]])
        if not body["meta"]["has_more"]:
            break
        params["page[after]"] = body["meta"]["after_cursor"]
    return pages


def profile(http: httpx.Client, profile_id: str) -> dict[str, Any]:
    response = http.get(f"{PROFILES}/{profile_id}")
    assert response.status_code == 200, response.text
    return response.json()["profile"]


# Filters


def start_time_exclusive(s: Switch) -> None:
    for http, expected in ((s.clean(), ["bound"]), (s.on(), [])):
        at(http, "2020-02-23T00:00:00Z", type="bound")
        at(http, "2020-02-22T23:59:59.999999999Z", type="before")
        assert types(http, **{"filter[start_time]": "2020-02-23"}) == expected


def end_time_exclusive(s: Switch) -> None:
    for http, expected in ((s.clean(), ["bound"]), (s.on(), [])):
        at(http, "2020-02-29T00:00:00Z", type="bound")
        at(http, "2020-02-29T00:00:00.000000001Z", type="after")
        assert types(http, **{"filter[end_time]": "2020-02-29T00:00:00Z"}) == expected


def source_filter_ignored(s: Switch) -> None:
    for http, expected in ((s.clean(), ["shop"]), (s.on(), ["bike", "shop"])):
        at(http, "2020-01-01T00:00:00Z", type="shop", source="shoppingnow")
        at(http, "2020-01-02T00:00:00Z", type="bike", source="coolbikes")
        assert types(http, **{"filter[source]": "shoppingnow"}) == expected


def type_filter_ignored(s: Switch) -> None:
    for http, expected in ((s.clean(), ["checkout"]), (s.on(), ["refund", "checkout"])):
        at(http, "2020-01-01T00:00:00Z", type="checkout")
        at(http, "2020-01-02T00:00:00Z", type="refund")
        assert types(http, **{"filter[source]": "shoppingnow", "filter[type]": "checkout"}) == expected


def offset_ignored(s: Switch) -> None:
    """01:00+02:00 on the 23rd is 23:00Z on the 22nd: before a start bound of the 23rd."""
    for http, expected in ((s.clean(), []), (s.on(), ["shifted"])):
        at(http, "2020-02-23T01:00:00+02:00", type="shifted")
        assert types(http, **{"filter[start_time]": "2020-02-23T00:00:00Z"}) == expected
    for http, expected in ((s.clean(), ["late"]), (s.on(), [])):
        at(http, "2020-02-23T23:00:00-02:00", type="late")  # 01:00Z on the 24th
        assert types(http, **{"filter[start_time]": "2020-02-24"}) == expected


def bad_timestamp_ignored(s: Switch) -> None:
    clean = s.clean()
    track(clean)
    response = read(clean, **{"filter[start_time]": "yesterday"})
    assert response.status_code == 400
    assert error_code(response) == "StartTimestampNotValid"
    response = read(clean, **{"filter[end_time]": "2020-13-01"})
    assert error_code(response) == "EndTimestampNotValid"
    on = s.on()
    track(on)
    assert types(on, **{"filter[start_time]": "yesterday"}) == ["checkout"]
    assert types(on, **{"filter[end_time]": "2020-13-01"}) == ["checkout"]


def server_error_on_bad_timestamp(s: Switch) -> None:
    clean = s.clean()
    track(clean)
    response = read(clean, **{"filter[start_time]": "yesterday"})
    assert response.status_code == 400
    assert error_code(response) == "StartTimestampNotValid"
    on = s.on()
    track(on)
    response = read(on, **{"filter[start_time]": "yesterday"})
    assert response.status_code == 500
    assert error_code(response) == "InternalError"
    assert types(on, **{"filter[start_time]": "2020-01-01"}) == ["checkout"]


# Pagination


def page_skips_item(s: Switch) -> None:
    clean, on = s.clean(), s.on()
    five_events(clean)
    five_events(on)
    assert walk(clean) == [["e5", "e4"], ["e3", "e2"], ["e1"]]
    assert walk(on) == [["e5", "e4"], ["e2", "e1"]]


def page_repeats_item(s: Switch) -> None:
    clean, on = s.clean(), s.on()
    five_events(clean)
    five_events(on)
    assert walk(clean) == [["e5", "e4"], ["e3", "e2"], ["e1"]]
    assert walk(on) == [["e5", "e4"], ["e4", "e3"], ["e3", "e2"], ["e2", "e1"]]


def has_more_always_false(s: Switch) -> None:
    for http, has_more in ((s.clean(), True), (s.on(), False)):
        five_events(http)
        body = read(http, **{"page[size]": "2"}).json()
        assert [e["type"] for e in body["events"]] == ["e5", "e4"]
        assert body["meta"]["has_more"] is has_more


def cursor_ignored(s: Switch) -> None:
    for http, second in ((s.clean(), ["e3", "e2"]), (s.on(), ["e5", "e4"])):
        five_events(http)
        cursor = read(http, **{"page[size]": "2"}).json()["meta"]["after_cursor"]
        assert types(http, **{"page[size]": "2", "page[after]": cursor}) == second


def page_size_ignored(s: Switch) -> None:
    for http, expected in ((s.clean(), ["e5", "e4"]), (s.on(), ["e5", "e4", "e3", "e2", "e1"])):
        five_events(http)
        body = read(http, **{"page[size]": "2"}).json()
        assert [e["type"] for e in body["events"]] == expected
        assert body["meta"]["has_more"] is (len(expected) == 2)


def links_as_object(s: Switch) -> None:
    clean, on = s.clean(), s.on()
    five_events(clean)
    five_events(on)
    links = read(clean, **{"page[size]": "2"}).json()["links"]
    assert isinstance(links, list)
    (link,) = links
    assert "page%5Bafter%5D=" in link["next"] or "page[after]=" in link["next"]
    links = read(on, **{"page[size]": "2"}).json()["links"]
    assert isinstance(links, dict)
    assert set(links) == {"next"}
    assert "page%5Bafter%5D=" in links["next"] or "page[after]=" in links["next"]


# Ingestion and identity


def email_case_kept(s: Switch) -> None:
    for http, stored in ((s.clean(), "jane.doe@example.com"), (s.on(), "Jane.Doe@Example.COM")):
        answer = track(http, "Jane.Doe@Example.COM")
        assert profile(http, answer["profile_id"])["identifiers"] == [{"type": "email", "value": stored}]
    clean, on = s.clean(), s.on()
    track(clean, "Jane.Doe@Example.COM")
    track(on, "Jane.Doe@Example.COM")
    lower = "shoppingnow:customer:email:jane.doe@example.com"
    assert read(clean, lower).status_code == 200
    assert read(on, lower).status_code == 404


def twitter_case_kept(s: Switch) -> None:
    handle = [{"type": "twitter", "value": "JaneDoe"}]
    for http, stored in ((s.clean(), "janedoe"), (s.on(), "JaneDoe")):
        answer = track(http, identifiers=handle)
        assert profile(http, answer["profile_id"])["identifiers"] == [{"type": "twitter", "value": stored}]
        again = track(http, identifiers=[{"type": "twitter", "value": "janedoe"}])
        assert (again["profile_id"] == answer["profile_id"]) is (stored == "janedoe")


def identifier_value_split(s: Switch) -> None:
    urn = [{"type": "urn", "value": "acme:user:42"}]
    query = "shoppingnow:customer:urn:acme:user:42"
    clean, on = s.clean(), s.on()
    answer = track(clean, identifiers=urn)
    response = clean.get(PROFILES, params={"identifier": query})
    assert response.status_code == 200
    assert response.json()["profile"]["id"] == answer["profile_id"]
    track(on, identifiers=urn)
    response = on.get(PROFILES, params={"identifier": query})
    assert response.status_code == 404
    assert error_code(response) == "ProfileNotFound"


def identifiers_not_added(s: Switch) -> None:
    both = [{"type": "email", "value": "jane@example.com"}, {"type": "external_id", "value": "X-1"}]
    for http, expected in ((s.clean(), both), (s.on(), both[:1])):
        first = track(http)
        second = track(http, identifiers=both)
        assert second["profile_id"] == first["profile_id"]
        assert profile(http, first["profile_id"])["identifiers"] == expected


def first_identifier_only(s: Switch) -> None:
    known = [{"type": "email", "value": "jane@example.com"}, {"type": "external_id", "value": "X-1"}]
    later = [{"type": "email", "value": "jane.new@example.com"}, {"type": "external_id", "value": "X-1"}]
    for http, same in ((s.clean(), True), (s.on(), False)):
        first = track(http, identifiers=known)
        second = track(http, identifiers=later)
        assert (second["profile_id"] == first["profile_id"]) is same
        user = http.get(f"/api/v2/users/{first['user_id']}/profiles").json()["profiles"]
        assert len(user) == (1 if same else 2)


def created_at_overwritten(s: Switch) -> None:
    for http, expected in ((s.clean(), "2020-01-31T00:44:07+00:00"), (s.on(), NOW)):
        at(http, "2020-01-31T00:44:07+00:00")
        (event,) = events(http)
        assert event["created_at"] == expected
        assert event["received_at"] == NOW


def nested_properties_flattened(s: Switch) -> None:
    properties = {"plan": "gold", "item": {"name": "Swag"}, "tags": ["a", "b"]}
    for http, expected in ((s.clean(), properties), (s.on(), {"plan": "gold"})):
        track(http, event={"properties": properties})
        (event,) = events(http)
        assert event["properties"] == expected


def numbers_accepted(s: Switch) -> None:
    clean = s.clean()
    response = clean.post(TRACK, json=track_body(event={"properties": {"count": 3}}))
    assert response.status_code == 400
    assert error_code(response) == "NumbersMustBeStrings"
    response = clean.post(TRACK, json=track_body(profile={"attributes": {"age": 30}}))
    assert error_code(response) == "NumbersMustBeStrings"
    on = s.on()
    track(on, event={"properties": {"count": 3}}, profile={"attributes": {"age": 30}})
    (event,) = events(on)
    assert event["properties"] == {"count": 3}
    assert on.get(PROFILES, params={"identifier": JANE}).json()["profile"]["attributes"] == {"age": 30}


def protected_source_accepted(s: Switch) -> None:
    body = track_body(event={"source": "zendesk"})
    response = s.clean().post(TRACK, json=body)
    assert response.status_code == 400
    assert error_code(response) == "ProtectedSource"
    on = s.on()
    assert on.post(TRACK, json=body).status_code == 202
    assert on.post(TRACK, json=track_body(profile={"source": "ZenDesk"})).status_code == 202
    assert [e["source"] for e in events(on)] == ["zendesk"]


def length_limits_ignored(s: Switch) -> None:
    long = "s" * 41
    clean, on = s.clean(), s.on()
    for field, code in (("source", "InvalidEventSourceLength"), ("type", "InvalidEventTypeLength")):
        response = clean.post(TRACK, json=track_body(event={field: long}))
        assert response.status_code == 400
        assert error_code(response) == code
        assert on.post(TRACK, json=track_body(event={field: long})).status_code == 202
    response = clean.post(TRACK, json=track_body(profile={"type": long}))
    assert error_code(response) == "InvalidProfileTypeLength"
    assert on.post(TRACK, json=track_body(profile={"type": long})).status_code == 202
    assert {e["source"] for e in events(on)} == {long, "shoppingnow"}


def identifier_limit_ignored(s: Switch) -> None:
    many = [{"type": f"custom{i}", "value": f"v{i}"} for i in range(21)]
    response = s.clean().post(TRACK, json=track_body(identifiers=many))
    assert response.status_code == 400
    assert error_code(response) == "TooManyIdentifiers"
    on = s.on()
    answer = track(on, identifiers=many)
    assert len(profile(on, answer["profile_id"])["identifiers"]) == 21


def track_returns_200(s: Switch) -> None:
    for http, status in ((s.clean(), 202), (s.on(), 200)):
        answer = track(http, status=status)
        assert answer["status"] == "received"


def received_at_missing(s: Switch) -> None:
    for http, present in ((s.clean(), True), (s.on(), False)):
        track(http)
        (event,) = events(http)
        assert ("received_at" in event) is present
        if present:
            assert event["received_at"] == NOW


def user_id_as_number(s: Switch) -> None:
    clean, on = s.clean(), s.on()
    answer = track(clean)
    assert isinstance(answer["user_id"], str) and answer["user_id"].isdigit()
    assert events(clean)[0]["user_id"] == answer["user_id"]
    assert profile(clean, answer["profile_id"])["user_id"] == answer["user_id"]
    answer = track(on)
    assert isinstance(answer["user_id"], int) and not isinstance(answer["user_id"], bool)
    assert events(on)[0]["user_id"] == answer["user_id"]
    assert profile(on, answer["profile_id"])["user_id"] == answer["user_id"]


def user_events_first_profile_only(s: Switch) -> None:
    for http, expected in ((s.clean(), ["visit", "checkout"]), (s.on(), ["checkout"])):
        first = at(http, "2020-01-01T00:00:00Z")
        second = track(
            http, profile={"type": "visitor"}, event={"type": "visit", "created_at": "2020-01-02T00:00:00Z"}
        )
        assert first["user_id"] == second["user_id"]
        assert first["profile_id"] != second["profile_id"]
        body = http.get(f"/api/v2/users/{first['user_id']}/events").json()
        assert [e["type"] for e in body["events"]] == expected


def anonymous_user_per_profile(s: Switch) -> None:
    for http, same in ((s.clean(), True), (s.on(), False)):
        first = track(http)
        second = track(http, profile={"type": "visitor"})
        assert first["profile_id"] != second["profile_id"]
        assert (first["user_id"] == second["user_id"]) is same


# Profiles


def put_merges(s: Switch) -> None:
    for http, expected in ((s.clean(), {"b": "2"}), (s.on(), {"a": "1", "b": "2"})):
        answer = track(http, profile={"attributes": {"a": "1"}})
        body = {
            "profile": {
                "identifiers": [{"type": "email", "value": "jane@example.com"}],
                "attributes": {"b": "2"},
            }
        }
        response = http.put(f"{PROFILES}/{answer['profile_id']}", json=body)
        assert response.status_code == 200, response.text
        assert response.json()["profile"]["attributes"] == expected
        assert profile(http, answer["profile_id"])["attributes"] == expected


def patch_replaces_attributes(s: Switch) -> None:
    for http, expected in ((s.clean(), {"a": "1", "b": "2"}), (s.on(), {"b": "2"})):
        answer = track(http, profile={"attributes": {"a": "1"}})
        response = http.patch(
            f"{PROFILES}/{answer['profile_id']}", json={"profile": {"attributes": {"b": "2"}}}
        )
        assert response.status_code == 200, response.text
        assert profile(http, answer["profile_id"])["attributes"] == expected


def delete_keeps_events(s: Switch) -> None:
    for http, expected in ((s.clean(), []), (s.on(), ["checkout"])):
        answer = track(http)
        assert http.delete(f"{PROFILES}/{answer['profile_id']}").status_code == 204
        assert http.get(f"{PROFILES}/{answer['profile_id']}").status_code == 404
        body = http.get(f"/api/v2/users/{answer['user_id']}/events").json()
        assert [e["type"] for e in body["events"]] == expected


def unknown_profile_empty(s: Switch) -> None:
    clean, on = s.clean(), s.on()
    response = clean.get(f"{PROFILES}/{UNKNOWN_PROFILE}/events")
    assert response.status_code == 404
    assert error_code(response) == "ProfileNotFound"
    response = on.get(f"{PROFILES}/{UNKNOWN_PROFILE}/events")
    assert response.status_code == 200
    assert response.json()["events"] == []
    assert response.json()["meta"]["has_more"] is False


# Errors and auth


def auth_ignored(s: Switch) -> None:
    credentials = {"email": "e@example.com", "token": "t"}
    wrong = {"Authorization": "Basic " + base64.b64encode(b"e@example.com/token:wrong").decode()}
    clean = s.clean(**credentials)
    for headers in ({}, wrong):
        response = clean.post(TRACK, json=track_body(), headers=headers)
        assert response.status_code == 401
        assert error_code(response) == "MissingOrInvalidAuthentication"
    on = s.on(**credentials)
    for headers in ({}, wrong):
        assert on.post(TRACK, json=track_body(), headers=headers).status_code == 202
    assert len(events(on)) == 2


def error_envelope_singular(s: Switch) -> None:
    bad = track_body(event={"properties": {"count": 3}})
    body = s.clean().post(TRACK, json=bad).json()
    assert set(body) == {"errors"}
    assert body["errors"][0]["code"] == "NumbersMustBeStrings"
    response = s.on().post(TRACK, json=bad)
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"][0]["code"] == "NumbersMustBeStrings"


def retry_after_missing(s: Switch) -> None:
    for http, present in ((s.clean(rate_limit=1), True), (s.on(rate_limit=1), False)):
        http.get(TRACK, params={"identifier": JANE})
        response = http.get(TRACK, params={"identifier": JANE})
        assert response.status_code == 429
        assert error_code(response) == "TooManyRequests"
        assert ("retry-after" in response.headers) is present
        assert response.headers["x-rate-limit"] == "1"


# Variations


def oldest_first(s: Switch) -> None:
    for http, expected in (
        (s.clean(), ["e5", "e4", "e3", "e2", "e1"]),
        (s.on(), ["e1", "e2", "e3", "e4", "e5"]),
    ):
        five_events(http)
        assert types(http) == expected
    on = s.on()
    five_events(on)
    assert walk(on) == [["e1", "e2"], ["e3", "e4"], ["e5"]]


def page_size_max_50(s: Switch) -> None:
    clean, on = s.clean(), s.on()
    for http in (clean, on):
        track(http)
        assert read(http, **{"page[size]": "50"}).status_code == 200
    assert read(clean, **{"page[size]": "51"}).status_code == 200
    assert read(clean, **{"page[size]": "100"}).status_code == 200
    for size in ("51", "100"):
        response = read(on, **{"page[size]": size})
        assert response.status_code == 400
        assert error_code(response) == "InvalidPageSize"
    assert clean.get("/__zdevents/settings").json()["page_size_max"] == 100
    assert on.get("/__zdevents/settings").json()["page_size_max"] == 50


def date_only_end_of_day(s: Switch) -> None:
    for http, expected in ((s.clean(), ["midnight"]), (s.on(), ["evening", "noon", "midnight"])):
        at(http, "2020-02-29T00:00:00Z", type="midnight")
        at(http, "2020-02-29T12:00:00Z", type="noon")
        at(http, "2020-02-29T23:59:59.999999999Z", type="evening")
        at(http, "2020-03-01T00:00:00Z", type="next-day")
        assert types(http, **{"filter[end_time]": "2020-02-29"}) == expected
        assert types(http, **{"filter[end_time]": "2020-02-29T00:00:00Z"}) == ["midnight"]


def type_without_source_ignored(s: Switch) -> None:
    clean, on = s.clean(), s.on()
    for http in (clean, on):
        at(http, "2020-01-01T00:00:00Z", type="checkout")
        at(http, "2020-01-02T00:00:00Z", type="refund")
    response = read(clean, **{"filter[type]": "checkout"})
    assert response.status_code == 400
    assert error_code(response) == "TypeFilterRequiresSource"
    assert types(on, **{"filter[type]": "checkout"}) == ["refund", "checkout"]
    assert types(on, **{"filter[source]": "shoppingnow", "filter[type]": "checkout"}) == ["checkout"]


def profile_writes_off(s: Switch) -> None:
    clean, on = s.clean(), s.on()
    for http in (clean, on):
        profile_id = track(http)["profile_id"]
        assert http.get(f"{PROFILES}/{profile_id}").status_code == 200
    writes = [
        lambda http: http.put(f"{PROFILES}?identifier=shoppingnow:customer:email:x@example.com", json={}),
        lambda http: http.patch(f"{PROFILES}/{profile_id}", json={"profile": {"name": "N"}}),
        lambda http: http.delete(f"{PROFILES}/{profile_id}"),
    ]
    for send in writes:
        assert send(clean).status_code != 405
        response = send(on)
        assert (response.status_code, error_code(response)) == (405, "MethodNotAllowed")
        assert response.headers["allow"] == "GET, HEAD"
    assert on.get(f"{PROFILES}/{profile_id}").status_code == 200


def error_codes_generic(s: Switch) -> None:
    cases = [
        (
            lambda http: http.post(TRACK, json=track_body(event={"properties": {"n": 1}})),
            400,
            "NumbersMustBeStrings",
        ),
        (lambda http: http.get(f"{PROFILES}/{UNKNOWN_PROFILE}"), 404, "ProfileNotFound"),
        (lambda http: http.delete(TRACK), 405, "MethodNotAllowed"),
        (lambda http: http.post(TRACK, content=b"{}"), 415, "UnsupportedMediaType"),
    ]
    clean, on = s.clean(), s.on()
    for send, status, code in cases:
        response = send(clean)
        assert (response.status_code, error_code(response)) == (status, code)
        response = send(on)
        assert (response.status_code, error_code(response)) == (status, "ClientError")
    track(on)
    on.patch("/__zdevents/settings", json={"quirks": ["server_error_on_bad_timestamp"]})
    response = read(on, **{"filter[start_time]": "bad"})
    assert (response.status_code, error_code(response)) == (500, "InternalError")


SCENARIOS: dict[str, Callable[[Switch], None]] = {
    # Quirks: filters
    "start_time_exclusive": start_time_exclusive,
    "end_time_exclusive": end_time_exclusive,
    "source_filter_ignored": source_filter_ignored,
    "type_filter_ignored": type_filter_ignored,
    "offset_ignored": offset_ignored,
    "bad_timestamp_ignored": bad_timestamp_ignored,
    # Quirks: pagination
    "page_skips_item": page_skips_item,
    "page_repeats_item": page_repeats_item,
    "has_more_always_false": has_more_always_false,
    "cursor_ignored": cursor_ignored,
    "page_size_ignored": page_size_ignored,
    "links_as_object": links_as_object,
    # Quirks: ingestion and identity
    "email_case_kept": email_case_kept,
    "twitter_case_kept": twitter_case_kept,
    "identifier_value_split": identifier_value_split,
    "identifiers_not_added": identifiers_not_added,
    "first_identifier_only": first_identifier_only,
    "created_at_overwritten": created_at_overwritten,
    "nested_properties_flattened": nested_properties_flattened,
    "numbers_accepted": numbers_accepted,
    "protected_source_accepted": protected_source_accepted,
    "length_limits_ignored": length_limits_ignored,
    "identifier_limit_ignored": identifier_limit_ignored,
    "track_returns_200": track_returns_200,
    "received_at_missing": received_at_missing,
    "user_id_as_number": user_id_as_number,
    "user_events_first_profile_only": user_events_first_profile_only,
    "anonymous_user_per_profile": anonymous_user_per_profile,
    # Quirks: profiles
    "put_merges": put_merges,
    "patch_replaces_attributes": patch_replaces_attributes,
    "delete_keeps_events": delete_keeps_events,
    "unknown_profile_empty": unknown_profile_empty,
    # Quirks: errors and auth
    "auth_ignored": auth_ignored,
    "error_envelope_singular": error_envelope_singular,
    "server_error_on_bad_timestamp": server_error_on_bad_timestamp,
    "retry_after_missing": retry_after_missing,
    # Variations
    "oldest_first": oldest_first,
    "page_size_max_50": page_size_max_50,
    "date_only_end_of_day": date_only_end_of_day,
    "type_without_source_ignored": type_without_source_ignored,
    "error_codes_generic": error_codes_generic,
    "profile_writes_off": profile_writes_off,
}


def test_every_switch_has_a_scenario() -> None:
    assert set(SCENARIOS) == set(QUIRKS) | set(VARIATIONS)
    assert not set(QUIRKS) & set(VARIATIONS)


@pytest.fixture
def stack() -> Iterator[ExitStack]:
    with ExitStack() as stack:
        yield stack


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_switch_is_wired(name: str, make_emulator: Callable[..., Emulator], stack: ExitStack) -> None:
    SCENARIOS[name](Switch(name, make_emulator, stack))


@pytest.mark.parametrize("name", sorted(QUIRKS))
def test_quirk_can_be_switched_at_run_time(name: str, client: httpx.Client) -> None:
    response = client.patch("/__zdevents/settings", json={"quirks": [name]})
    assert response.status_code == 200
    assert response.json()["quirks"] == [name]


@pytest.mark.parametrize("name", sorted(VARIATIONS))
def test_variation_can_be_switched_at_run_time(name: str, client: httpx.Client) -> None:
    response = client.patch("/__zdevents/settings", json={"variations": [name]})
    assert response.status_code == 200
    assert response.json()["variations"] == [name]
