"""Every quirk and variation is wired: one small scenario per switch shows the documented behaviour
on a clean emulator and a different, specific behaviour with the switch on.

A switch added to ``switches/`` without a scenario here fails ``test_every_switch_has_a_scenario``.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from helpers import TRACK, error_code, track_body

from pytest_zdevents.emulator import QUIRKS, VARIATIONS, Emulator

JANE = "shoppingnow:customer:email:jane@example.com"
JOHN = "shoppingnow:customer:email:john@example.com"
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


def time_bounds_whole_seconds(s: Switch) -> None:
    for http, after, before in ((s.clean(), ["late"], ["early"]), (s.on(), ["late", "early"], [])):
        at(http, "2020-02-23T10:00:00.250Z", type="early")
        at(http, "2020-02-23T10:00:00.750Z", type="late")
        assert types(http, **{"filter[start_time]": "2020-02-23T10:00:00.5Z"}) == after
        assert types(http, **{"filter[end_time]": "2020-02-23T10:00:00.5Z"}) == before


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


def has_more_when_page_full(s: Switch) -> None:
    for http, has_more in ((s.clean(), False), (s.on(), True)):
        five_events(http)
        body = read(http, **{"page[size]": "5"}).json()
        assert len(body["events"]) == 5
        assert body["meta"]["has_more"] is has_more
        assert read(http, **{"page[size]": "6"}).json()["meta"]["has_more"] is False


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


def limits_off_by_one(s: Switch) -> None:
    forty, sixty = "s" * 40, "t" * 60
    twenty = [{"type": f"custom{i}", "value": f"v{i}"} for i in range(20)]
    at_the_limit = [
        track_body(event={"source": forty, "type": forty}, profile={"source": forty, "type": forty}),
        track_body(identifiers=[{"type": sixty, "value": "v"}]),
        track_body(identifiers=twenty),
    ]
    clean, on = s.clean(), s.on()
    for body in at_the_limit:
        assert clean.post(TRACK, json=body).status_code == 202
        assert on.post(TRACK, json=body).status_code == 400
    for http, status in ((clean, 202), (on, 409)):
        user = track(http, "cap@example.com")["user_id"]
        for n in range(1, 19):
            body = track_body(identifiers=[{"type": "custom", "value": f"cap-{n}"}])
            assert http.post(f"/api/v2/users/{user}/events", json=body).status_code == 202
        body = track_body(identifiers=[{"type": "custom", "value": "cap-20th"}])
        assert http.post(f"/api/v2/users/{user}/events", json=body).status_code == status


def profile_cap_ignored(s: Switch) -> None:
    for http, status in ((s.clean(), 409), (s.on(), 202)):
        user = track(http, "cap@example.com")["user_id"]
        for n in range(1, 21):
            body = track_body(identifiers=[{"type": "custom", "value": f"cap-{n}"}])
            answer = http.post(f"/api/v2/users/{user}/events", json=body)
            assert answer.status_code == (202 if n < 20 else status), answer.text


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


# Near misses and reserved characters


#: Each store filters on its own: in memory, and SQLite.
STORES: tuple[dict[str, Any], ...] = ({}, {"db_path": ":memory:"})


def source_filter_prefix(s: Switch) -> None:
    for store in STORES:
        for http, exact, prefix in (
            (s.clean(**store), ["shop"], []),
            (s.on(**store), ["shop_b", "shop"], ["shop_b", "shop"]),
        ):
            at(http, "2020-01-01T00:00:00Z", type="shop", source="shoppingnow")
            at(http, "2020-01-02T00:00:00Z", type="shop_b", source="shoppingnow_b")
            at(http, "2020-01-03T00:00:00Z", type="inner", source="xshoppingnow")
            assert types(http, **{"filter[source]": "shoppingnow"}) == exact
            assert types(http, **{"filter[source]": "shopping"}) == prefix
            assert types(http, **{"filter[source]": "shoppingnow_b"}) == ["shop_b"]


def type_filter_substring(s: Switch) -> None:
    for store in STORES:
        for http, exact, inner in (
            (s.clean(**store), ["checkout"], []),
            (s.on(**store), ["checkout_done", "checkout"], ["checkout_done", "checkout"]),
        ):
            at(http, "2020-01-01T00:00:00Z", type="checkout")
            at(http, "2020-01-02T00:00:00Z", type="checkout_done")
            at(http, "2020-01-03T00:00:00Z", type="refund")
            at(http, "2020-01-04T00:00:00Z", type="checkout", source="coolbikes")
            only = {"filter[source]": "shoppingnow"}
            assert types(http, **only, **{"filter[type]": "checkout"}) == exact
            assert types(http, **only, **{"filter[type]": "heck"}) == inner
            assert types(http, **{"filter[source]": "shopping", "filter[type]": "heck"}) == []


def found_by(http: httpx.Client, query: str) -> dict[str, Any] | None:
    """The profile an identifier query (P3) finds, or None for a 404."""
    response = http.get(PROFILES, params={"identifier": query})
    assert response.status_code in (200, 404), response.text
    if response.status_code == 404:
        assert error_code(response) == "ProfileNotFound"
        return None
    return response.json()["profile"]


def profile_type_ignored_in_match(s: Switch) -> None:
    for http, same in ((s.clean(), False), (s.on(), True)):
        first = track(http)
        visitor = track(http, profile={"type": "visitor"})
        assert (visitor["profile_id"] == first["profile_id"]) is same
        found = found_by(http, "shoppingnow:visitor:email:jane@example.com")
        assert found is not None and found["type"] == ("customer" if same else "visitor")
        assert track(http, profile={"source": "coolbikes"})["profile_id"] != first["profile_id"]


def identifier_type_ignored_in_match(s: Switch) -> None:
    for http, same in ((s.clean(), False), (s.on(), True)):
        first = track(http, identifiers=[{"type": "crm", "value": "c-1"}])
        found = found_by(http, "shoppingnow:customer:erp:c-1")
        assert (found is not None and found["id"] == first["profile_id"]) is same
        second = track(http, identifiers=[{"type": "erp", "value": "c-1"}])
        assert (second["profile_id"] == first["profile_id"]) is same
        assert track(http, identifiers=[{"type": "crm", "value": "c-2"}])["profile_id"] != first["profile_id"]


def identifier_prefix_match(s: Switch) -> None:
    for http, same in ((s.clean(), False), (s.on(), True)):
        first = track(http, identifiers=[{"type": "crm", "value": "c-12"}])
        found = found_by(http, "shoppingnow:customer:crm:c-1")
        assert (found is not None and found["id"] == first["profile_id"]) is same
        second = track(http, identifiers=[{"type": "crm", "value": "c-1"}])
        assert (second["profile_id"] == first["profile_id"]) is same
    # An extension of a stored value finds nothing, even with the quirk on.
    on = s.on()
    first = track(on, identifiers=[{"type": "crm", "value": "c-1"}])
    assert track(on, identifiers=[{"type": "crm", "value": "c-12"}])["profile_id"] != first["profile_id"]


def identifier_plus_as_space(s: Switch) -> None:
    plus = "shoppingnow:customer:crm:a+b"  # httpx sends the + as %2B
    for http, found in ((s.clean(), True), (s.on(), False)):
        answer = track(http, identifiers=[{"type": "crm", "value": "a+b"}])
        got = found_by(http, plus)
        assert (got is not None and got["id"] == answer["profile_id"]) is found
        assert read(http, plus).status_code == (200 if found else 404)
    on = s.on()
    space = track(on, identifiers=[{"type": "crm", "value": "a b"}])
    assert found_by(on, plus)["id"] == space["profile_id"]  # type: ignore[index]
    assert found_by(on, "shoppingnow:customer:crm:a b")["id"] == space["profile_id"]  # type: ignore[index]


def identifier_decoded_twice(s: Switch) -> None:
    escaped = "shoppingnow:customer:crm:a%41"  # sent as a%2541
    for http, found in ((s.clean(), True), (s.on(), False)):
        answer = track(http, identifiers=[{"type": "crm", "value": "a%41"}])
        got = found_by(http, escaped)
        assert (got is not None and got["id"] == answer["profile_id"]) is found
        assert read(http, escaped).status_code == (200 if found else 404)
    on = s.on()
    plain = track(on, identifiers=[{"type": "crm", "value": "aA"}])
    assert found_by(on, escaped)["id"] == plain["profile_id"]  # type: ignore[index]


def identifier_not_decoded(s: Switch) -> None:
    clean, on = s.clean(), s.on()
    for http in (clean, on):
        track(http)
        raw = http.get(f"{PROFILES}?identifier={JANE}")  # raw colons and @, as curl -g sends them
        assert raw.status_code == 200, raw.text
    assert found_by(clean, JANE) is not None  # httpx sends %3A and %40
    response = on.get(PROFILES, params={"identifier": JANE})
    assert (response.status_code, error_code(response)) == (400, "InvalidIdentifierQuery")
    assert read(on).status_code == 400
    track(on, identifiers=[{"type": "crm", "value": "a%20b"}])
    assert on.get(f"{PROFILES}?identifier=shoppingnow:customer:crm:a%20b").status_code == 200


def identifier_decoded_as_latin1(s: Switch) -> None:
    query = "shoppingnow:customer:crm:jürgen"  # sent as j%C3%BCrgen
    for http, found in ((s.clean(), True), (s.on(), False)):
        answer = track(http, identifiers=[{"type": "crm", "value": "jürgen"}])
        got = found_by(http, query)
        assert (got is not None and got["id"] == answer["profile_id"]) is found
        assert read(http, query).status_code == (200 if found else 404)
    on = s.on()
    mojibake = track(on, identifiers=[{"type": "crm", "value": "jÃ¼rgen"}])
    assert found_by(on, query)["id"] == mojibake["profile_id"]  # type: ignore[index]


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


def deleted_profile_readable(s: Switch) -> None:
    for http, status in ((s.clean(), 404), (s.on(), 200)):
        answer = track(http)
        path = f"{PROFILES}/{answer['profile_id']}"
        before = http.get(path).json()
        assert http.delete(path).status_code == 204
        response = http.get(path)
        assert response.status_code == status, response.text
        if status == 200:
            assert response.json() == before
        # Only the read by id is stale: the profile's events and identifiers are gone.
        assert http.get(f"{path}/events").status_code == 404
        assert http.get(PROFILES, params={"identifier": JANE}).status_code == 404


def unknown_profile_empty(s: Switch) -> None:
    clean, on = s.clean(), s.on()
    response = clean.get(f"{PROFILES}/{UNKNOWN_PROFILE}/events")
    assert response.status_code == 404
    assert error_code(response) == "ProfileNotFound"
    response = on.get(f"{PROFILES}/{UNKNOWN_PROFILE}/events")
    assert response.status_code == 200
    assert response.json()["events"] == []
    assert response.json()["meta"]["has_more"] is False


# Profiles: a user's profiles, names, timestamps, PATCH and PUT beyond attributes, identities

SHOP_ID = {"type": "shop_id", "value": "1"}
EMAIL = {"type": "email", "value": "jane@example.com"}
LONG_AGO = "2001-01-01T00:00:00Z"


def unnamed(http: httpx.Client) -> dict[str, Any]:
    """The profile of a tracked event whose profile was sent without a name."""
    body = track_body()
    del body["profile"]["name"]
    response = http.post(TRACK, json=body)
    assert response.status_code == 202, response.text
    return profile(http, response.json()["profile_id"])


def user_of_visitor(http: httpx.Client, identifier: dict[str, str]) -> str:
    """The user a new profile (type visitor) with only ``identifier`` is linked to."""
    return track(http, identifiers=[identifier], profile={"type": "visitor"})["user_id"]


def user_profiles_first_only(s: Switch) -> None:
    for http, count in ((s.clean(), 2), (s.on(), 1)):
        first = track(http)
        second = track(http, profile={"type": "visitor"})
        assert first["user_id"] == second["user_id"]
        body = http.get(f"/api/v2/users/{first['user_id']}/profiles").json()
        assert [p["id"] for p in body["profiles"]] == [first["profile_id"], second["profile_id"]][:count]


def profile_timestamps_missing(s: Switch) -> None:
    for http, expected in ((s.clean(), (NOW, NOW)), (s.on(), (None, None))):
        got = profile(http, track(http)["profile_id"])
        assert (got.get("created_at"), got.get("updated_at")) == expected


def profile_timestamps_writable(s: Switch) -> None:
    for http, expected in ((s.clean(), NOW), (s.on(), LONG_AGO)):
        profile_id = track(http)["profile_id"]
        body = {"profile": {"identifiers": [EMAIL], "created_at": LONG_AGO, "updated_at": LONG_AGO}}
        assert http.put(f"{PROFILES}/{profile_id}", json=body).status_code == 200
        got = profile(http, profile_id)
        assert (got["created_at"], got["updated_at"]) == (expected, expected)


def default_name_from_first_identifier(s: Switch) -> None:
    for http, expected in ((s.clean(), "jane@example.com"), (s.on(), "Email user jane@example.com")):
        assert unnamed(http)["name"] == expected


def profile_name_dropped(s: Switch) -> None:
    for http, expected in ((s.clean(), "Jane Smith"), (s.on(), "jane@example.com")):
        assert profile(http, track(http)["profile_id"])["name"] == expected


def patch_name_ignored(s: Switch) -> None:
    for http, expected in ((s.clean(), "Jane Doe"), (s.on(), "Jane Smith")):
        profile_id = track(http)["profile_id"]
        response = http.patch(f"{PROFILES}/{profile_id}", json={"profile": {"name": "Jane Doe"}})
        assert response.status_code == 200, response.text
        assert profile(http, profile_id)["name"] == expected


def patch_updates_identifier(s: Switch) -> None:
    new = {"type": "shop_id", "value": "2"}
    for http, expected in ((s.clean(), [EMAIL, SHOP_ID, new]), (s.on(), [EMAIL, new])):
        profile_id = track(http, identifiers=[EMAIL, SHOP_ID])["profile_id"]
        response = http.patch(f"{PROFILES}/{profile_id}", json={"profile": {"identifiers": [new]}})
        assert response.status_code == 200, response.text
        assert profile(http, profile_id)["identifiers"] == expected


def patch_upserts(s: Switch) -> None:
    clean, on = s.clean(), s.on()
    body = {"profile": {"attributes": {"plan": "gold"}}}
    response = clean.patch(PROFILES, params={"identifier": JANE}, json=body)
    assert (response.status_code, error_code(response)) == (404, "ProfileNotFound")
    assert clean.get(PROFILES, params={"identifier": JANE}).status_code == 404
    response = on.patch(PROFILES, params={"identifier": JANE}, json=body)
    assert response.status_code == 200, response.text
    found = on.get(PROFILES, params={"identifier": JANE})
    assert found.status_code == 200
    assert found.json()["profile"]["attributes"] == {"plan": "gold"}


def put_identities_not_added(s: Switch) -> None:
    for http, same in ((s.clean(), True), (s.on(), False)):
        user_id = track(http, identifiers=[SHOP_ID])["user_id"]
        body = {"profile": {"identifiers": [SHOP_ID, EMAIL]}}
        response = http.put(PROFILES, params={"identifier": "shoppingnow:customer:shop_id:1"}, json=body)
        assert response.status_code == 200, response.text
        assert (user_of_visitor(http, EMAIL) == user_id) is same


def put_replaces_identities(s: Switch) -> None:
    for http, same in ((s.clean(), True), (s.on(), False)):
        user_id = track(http, identifiers=[SHOP_ID, EMAIL])["user_id"]
        body = {"profile": {"identifiers": [SHOP_ID]}}
        response = http.put(PROFILES, params={"identifier": "shoppingnow:customer:shop_id:1"}, json=body)
        assert response.status_code == 200, response.text
        assert (user_of_visitor(http, EMAIL) == user_id) is same


def patch_identities_not_added(s: Switch) -> None:
    for http, same in ((s.clean(), True), (s.on(), False)):
        answer = track(http, identifiers=[SHOP_ID])
        body = {"profile": {"identifiers": [EMAIL]}}
        assert http.patch(f"{PROFILES}/{answer['profile_id']}", json=body).status_code == 200
        assert (user_of_visitor(http, EMAIL) == answer["user_id"]) is same


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


# Quirks: credentials part by part, unique ids, the docs' own examples, empty values


AGENT, API_TOKEN, OAUTH = "e@example.com", "t0ken-of-the-agent", "oauth-token-0123456789"


def as_agent(user: str = f"{AGENT}/token", token: str = API_TOKEN) -> dict[str, str]:
    """The Authorization header of Basic ``user:token``."""
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{token}".encode()).decode()}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def status_with(http: httpx.Client, headers: dict[str, str]) -> int:
    """The status of tracking the documented body with ``headers`` as credentials."""
    return http.post(TRACK, json=track_body(), headers=headers).status_code


def basic_email_not_checked(s: Switch) -> None:
    credentials = {"email": AGENT, "token": API_TOKEN}
    stranger = as_agent("nobody@example.com/token")
    clean, on = s.clean(**credentials), s.on(**credentials)
    for http in (clean, on):
        assert status_with(http, as_agent()) == 202
        assert status_with(http, as_agent(token="wrong")) == 401
        assert status_with(http, as_agent(AGENT)) == 401  # no /token
    response = clean.post(TRACK, json=track_body(), headers=stranger)
    assert (response.status_code, error_code(response)) == (401, "MissingOrInvalidAuthentication")
    assert status_with(on, stranger) == 202
    assert len(on.get(TRACK, params={"identifier": JANE}, headers=as_agent()).json()["events"]) == 2


def token_prefix_checked(s: Switch) -> None:
    credentials = {"email": AGENT, "token": API_TOKEN, "oauth_tokens": [OAUTH]}
    clean, on = s.clean(**credentials), s.on(**credentials)
    for http in (clean, on):
        assert status_with(http, as_agent()) == 202
        assert status_with(http, bearer(OAUTH)) == 202
        # Shorter than the compared prefix, or different within it: refused either way.
        for token in (API_TOKEN[:7], "X" + API_TOKEN[1:]):
            assert status_with(http, as_agent(token=token)) == 401
        assert status_with(http, bearer(OAUTH[:7])) == 401
        assert status_with(http, as_agent("nobody@example.com/token")) == 401
    for http, status in ((clean, 401), (on, 202)):
        for near in (API_TOKEN[:-1], API_TOKEN[:-1] + "X", API_TOKEN + "x", API_TOKEN[:8]):
            assert status_with(http, as_agent(token=near)) == status, near
        for near in (OAUTH[:-1], OAUTH[:-1] + "X", OAUTH + "x", OAUTH[:8]):
            assert status_with(http, bearer(near)) == status, near


def added_identities_not_claimed(s: Switch) -> None:
    for http, same in ((s.clean(), True), (s.on(), False)):
        first = track(http)
        track(
            http,
            identifiers=[
                {"type": "email", "value": "jane@example.com"},
                {"type": "email", "value": "j@example.com"},
            ],
        )
        other = track(http, "j@example.com", profile={"source": "othersource"})
        assert (other["user_id"] == first["user_id"]) is same


def bearer_writes_refused(s: Switch) -> None:
    credentials = {"email": AGENT, "token": API_TOKEN, "oauth_tokens": [OAUTH]}
    for http, status in ((s.clean(**credentials), 202), (s.on(**credentials), 403)):
        assert status_with(http, as_agent()) == 202
        assert status_with(http, bearer(OAUTH)) == status
        # Reads with the token are served either way.
        assert http.get(TRACK, params={"identifier": JANE}, headers=bearer(OAUTH)).status_code == 200


def event_id_per_profile(s: Switch) -> None:
    clean, on = s.clean(), s.on()
    for http in (clean, on):
        for email in ("jane@example.com", "john@example.com"):
            for day in (1, 2):
                track(http, email, event={"created_at": f"2020-01-0{day}T00:00:00Z"})
    clean_ids = [e["id"] for q in (JANE, JOHN) for e in events(clean, q)]
    assert len(set(clean_ids)) == 4
    assert all(re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{26}", i) for i in clean_ids)
    assert [e["id"] for e in events(on)] == ["2", "1"]
    assert [e["id"] for e in events(on, JOHN)] == ["2", "1"]


def profile_id_per_second(s: Switch) -> None:
    clean, on = s.clean(), s.on()
    first, second = track(clean), track(clean, "john@example.com")
    assert first["profile_id"] != second["profile_id"]
    first, second = track(on), track(on, "john@example.com")
    assert first["profile_id"] == second["profile_id"]
    # The first profile was saved over: its identifier finds nothing now.
    assert on.get(PROFILES, params={"identifier": JANE}).status_code == 404
    assert profile(on, first["profile_id"])["identifiers"] == [{"type": "email", "value": "john@example.com"}]


def digit_strings_refused(s: Switch) -> None:
    digits = {"phone": "16505556789", "item": {"price": "499.99"}}
    clean, on = s.clean(), s.on()
    track(clean, event={"properties": digits}, profile={"attributes": {"zip": "94103"}})
    assert events(clean)[0]["properties"] == digits
    for body in (
        track_body(event={"properties": {"phone": "16505556789"}}),
        track_body(event={"properties": {"item": {"price": "499.99"}}}),
        track_body(profile={"attributes": {"zip": "94103"}}),
    ):
        response = on.post(TRACK, json=body)
        assert (response.status_code, error_code(response)) == (400, "NumbersMustBeStrings")
    # Digit strings in identifiers, and strings with digits and letters, are still taken.
    track(
        on, identifiers=[{"type": "external_id", "value": "0987654321"}], event={"properties": {"v": "1.2.3"}}
    )


def deep_nesting_refused(s: Switch) -> None:
    one_level = {"item": {"name": "Canon 429 EOS HD"}}
    two_levels = {"shipping": {"address": {"city": "San Francisco"}}}
    clean, on = s.clean(), s.on()
    for properties in (one_level, two_levels):
        track(clean, event={"properties": properties})
    assert [e["properties"] for e in events(clean)] == [two_levels, one_level]
    track(on, event={"properties": one_level})
    response = on.post(TRACK, json=track_body(event={"properties": two_levels}))
    assert (response.status_code, error_code(response)) == (400, "NestingTooDeep")
    response = on.post(TRACK, json=track_body(profile={"attributes": two_levels}))
    assert (response.status_code, error_code(response)) == (400, "NestingTooDeep")


def type_leading_digit_refused(s: Switch) -> None:
    clean, on = s.clean(), s.on()
    track(clean, event={"type": "2fa_enabled"}, profile={"type": "1st_party"})
    assert [e["type"] for e in events(clean, "shoppingnow:1st_party:email:jane@example.com")] == [
        "2fa_enabled"
    ]
    for body in (track_body(event={"type": "2fa_enabled"}), track_body(profile={"type": "1st_party"})):
        response = on.post(TRACK, json=body)
        assert (response.status_code, error_code(response)) == (400, "InvalidFieldValue")
    track(on, event={"type": "enabled_2fa", "source": "2fa_app"})
    assert types(on) == ["enabled_2fa"]


def date_only_filter_refused(s: Switch) -> None:
    clean, on = s.clean(), s.on()
    for http in (clean, on):
        at(http, "2020-02-25T12:00:00Z", type="inside")
        at(http, "2020-02-21T12:00:00Z", type="before")
        window = {"filter[start_time]": "2020-02-23T00:00:00Z", "filter[end_time]": "2020-02-29T00:00:00Z"}
        assert types(http, **window) == ["inside"]
    assert types(clean, **{"filter[start_time]": "2020-02-23", "filter[end_time]": "2020-02-29"}) == [
        "inside"
    ]
    for name, code in (
        ("filter[start_time]", "StartTimestampNotValid"),
        ("filter[end_time]", "EndTimestampNotValid"),
    ):
        response = read(on, **{name: "2020-02-23"})
        assert (response.status_code, error_code(response)) == (400, code)


def empty_values_dropped(s: Switch) -> None:
    sent = {"note": "", "details": {}, "item": {"name": "Swag", "size": ""}, "nested": {"inner": {}}}
    clean, on = s.clean(), s.on()
    for http in (clean, on):
        track(
            http,
            event={"properties": sent, "description": ""},
            profile={"attributes": {"tier": "", "prefs": {}}},
        )
        track(http, "john@example.com", event={"properties": {}})
    (event,) = events(clean)
    assert (event["properties"], event["description"]) == (sent, "")
    assert clean.get(PROFILES, params={"identifier": JANE}).json()["profile"]["attributes"] == {
        "tier": "",
        "prefs": {},
    }
    (event,) = events(on)
    assert event["properties"] == {"item": {"name": "Swag"}}
    assert "description" not in event
    assert on.get(PROFILES, params={"identifier": JANE}).json()["profile"]["attributes"] == {}
    assert [e["properties"] for e in events(on, JOHN)] == [{}]


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


def support_errors_on_user_routes(s: Switch) -> None:
    clean, on = s.clean(rate_limit=1000), s.on(rate_limit=1000)
    answers = {id(http): track(http) for http in (clean, on)}
    cases: list[tuple[Callable[[httpx.Client, str], httpx.Response], int, str]] = [
        (lambda http, user: http.get("/api/v2/users/abc/events"), 400, "InvalidUserId"),
        (lambda http, user: http.get("/api/v2/users/999/events"), 404, "UserNotFound"),
        (lambda http, user: http.get("/api/v2/users/999/profiles"), 404, "UserNotFound"),
        (lambda http, user: http.delete(f"/api/v2/users/{user}/events"), 405, "MethodNotAllowed"),
        (
            lambda http, user: http.post(f"/api/v2/users/{user}/events", content=b"{}"),
            415,
            "UnsupportedMediaType",
        ),
        (
            lambda http, user: http.post(
                f"/api/v2/users/{user}/events", json=track_body(profile={"type": "x" * 41})
            ),
            400,
            "InvalidProfileTypeLength",
        ),
    ]
    for send, status, code in cases:
        response = send(clean, answers[id(clean)]["user_id"])
        assert (response.status_code, error_code(response)) == (status, code)
        response = send(on, answers[id(on)]["user_id"])
        assert response.status_code == status
        body = response.json()
        if status == 404:
            assert body == {"error": "RecordNotFound", "description": "Not found"}
        elif status == 400:
            assert set(body) == {"error"} and set(body["error"]) == {"title", "message"}
            assert body["error"]["title"] == "Invalid attribute"
            assert body["error"]["message"].endswith(".") and " " in body["error"]["message"]
        else:
            assert set(body) == {"error", "description"}
            assert body["error"] == code and body["description"].endswith(".")
    assert on.delete("/api/v2/users/1/events").headers["allow"] == "GET, POST, HEAD"
    assert (
        on.get("/api/v2/users/abc/events").json()["error"]["message"]
        == "user_id must be an integer, not 'abc'."
    )
    # E4 and P4 with another user's profile: 409, Support-style.
    other = track(on, "other@example.com")
    assert other["user_id"] != answers[id(on)]["user_id"]
    response = on.post(f"/api/v2/users/{other['user_id']}/events", json=track_body())
    assert response.status_code == 409
    assert response.json()["error"] == "ProfileUserMismatch"
    # Routes outside /api/v2/users keep the envelope; reads and writes on user routes still work.
    response = on.get(f"{PROFILES}/{UNKNOWN_PROFILE}")
    assert (response.status_code, error_code(response)) == (404, "ProfileNotFound")
    user = answers[id(on)]["user_id"]
    assert on.post(f"/api/v2/users/{user}/events", json=track_body()).status_code == 202
    assert len(on.get(f"/api/v2/users/{user}/events").json()["events"]) == 2
    assert len(on.get(f"/api/v2/users/{user}/profiles").json()["profiles"]) == 1
    # 429 keeps Retry-After; 401 is Support-style too.
    limited = s.on(rate_limit=1)
    limited.get("/api/v2/users/1/events")
    response = limited.get("/api/v2/users/1/events")
    assert response.status_code == 429
    assert response.json()["error"] == "TooManyRequests"
    assert int(response.headers["retry-after"]) >= 1
    response = s.on(email="e@example.com", token="t").get("/api/v2/users/1/profiles")
    assert response.status_code == 401
    assert response.json()["error"] == "MissingOrInvalidAuthentication"
    assert "www-authenticate" in response.headers


def other_ids(s: Switch) -> None:
    clean = s.clean()
    answer = track(clean)
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{26}", answer["profile_id"])
    assert re.fullmatch(r"[1-9][0-9]{11}", answer["user_id"])
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{26}", events(clean)[0]["id"])
    on = s.on()
    answers = [track(on, f"p{n}@example.com", event={"type": f"t{m}"}) for n in range(3) for m in range(3)]
    profile_ids = {a["profile_id"] for a in answers}
    user_ids = {a["user_id"] for a in answers}
    assert len(profile_ids) == len(user_ids) == 3
    assert all(re.fullmatch(r"[0-9a-f]{24}", p) for p in profile_ids)
    assert all(re.fullmatch(r"[1-9][0-9]{13}", u) for u in user_ids)
    event_ids = []
    for a in answers[::3]:
        by_profile = on.get(f"{PROFILES}/{a['profile_id']}/events").json()["events"]
        by_user = on.get(f"/api/v2/users/{a['user_id']}/events").json()["events"]
        assert by_profile == by_user and len(by_profile) == 3
        assert profile(on, a["profile_id"])["user_id"] == a["user_id"]
        event_ids += [e["id"] for e in by_profile]
    assert len(set(event_ids)) == 9
    assert all(re.fullmatch(r"[0-9a-f]{24}", e) for e in event_ids)
    tracked = on.post(f"{PROFILES}/{answers[0]['profile_id']}/events", json={"event": track_body()["event"]})
    assert tracked.status_code == 202
    for unknown in (UNKNOWN_PROFILE, "5c42123e98326c0001b0b25c", "0" * 24, answers[0]["profile_id"].upper()):
        response = on.get(f"{PROFILES}/{unknown}")
        assert (response.status_code, error_code(response)) == (404, "ProfileNotFound")
    for unknown_user in ("50184591324691", "123456789012"):
        response = on.get(f"/api/v2/users/{unknown_user}/events")
        assert (response.status_code, error_code(response)) == (404, "UserNotFound")


def other_cursors(s: Switch) -> None:
    clean, on = s.clean(), s.on()
    for http in (clean, on):
        five_events(http)
        for n in range(5):  # five more sharing one instant: ties are broken by arrival
            at(http, "2020-03-03T00:00:00Z", type=f"tie{n}")
    cursor = read(clean, **{"page[size]": "2"}).json()["meta"]["after_cursor"]
    assert re.fullmatch(r"-?[0-9]+\.[0-9]+", cursor)
    body = read(on, **{"page[size]": "2"}).json()
    other = body["meta"]["after_cursor"]
    assert re.fullmatch(r"[A-Za-z0-9_-]{34}==", other)
    # The next link carries the cursor percent-encoded, and decodes to it exactly.
    (link,) = body["links"]
    assert "%3D%3D" in link["next"]
    assert parse_qs(urlsplit(link["next"]).query)["page[after]"] == [other]
    # Each form refuses the other, and a string that is not a cursor.
    for http, foreign in ((clean, other), (on, cursor)):
        response = read(http, **{"page[after]": foreign})
        assert (response.status_code, error_code(response)) == (400, "InvalidCursor")
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    unused_bit_set = other[:33] + alphabet[alphabet.index(other[33]) | 1] + "=="
    version_2 = base64.urlsafe_b64encode(bytes([2]) + base64.urlsafe_b64decode(other)[1:]).decode()
    foreign_forms = (other[:-2], other[:-1], other[:-3] + "/==", other[:-3] + "+==", "A" * 36)
    for garbage in ("garbage", unused_bit_set, version_2, *foreign_forms):
        response = read(on, **{"page[after]": garbage})
        assert (response.status_code, error_code(response)) == (400, "InvalidCursor")
    # Paging is exact with either form, following the cursor or the link.
    expected = [["e5", "e4"], ["tie4", "tie3"], ["tie2", "tie1"], ["tie0", "e3"], ["e2", "e1"]]
    assert walk(clean) == walk(on) == expected
    pages, body = [], read(on, **{"page[size]": "3", "filter[source]": "shoppingnow"}).json()
    while True:
        pages.append([e["type"] for e in body["events"]])
        if not body["meta"]["has_more"]:
            break
        body = on.get(body["links"][0]["next"]).json()
    assert [t for page in pages for t in page] == [t for page in expected for t in page]


def nanosecond_timestamps(s: Switch) -> None:
    nine = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}(Z|[+-]\d\d:\d\d)")
    clean, on = s.clean(), s.on()
    for http in (clean, on):
        at(http, "2020-01-31T00:44:07+00:00", type="offset")
        at(http, "2020-02-28T18:13:28.175841347Z", type="nine")
        at(http, "2020-02-28T18:13:28.1758413479999Z", type="thirteen")
    by_type = {e["type"]: e for e in events(clean)}
    assert by_type["offset"]["created_at"] == "2020-01-31T00:44:07+00:00"
    assert by_type["offset"]["received_at"] == NOW
    assert profile(clean, by_type["offset"]["profile_id"])["created_at"] == NOW
    by_type = {e["type"]: e for e in events(on)}
    assert by_type["offset"]["created_at"] == "2020-01-31T00:44:07.000000000+00:00"
    assert by_type["nine"]["created_at"] == "2020-02-28T18:13:28.175841347Z"
    assert by_type["thirteen"]["created_at"] == "2020-02-28T18:13:28.175841347Z"
    assert by_type["offset"]["received_at"] == "2023-11-14T22:13:20.000000000Z"
    stored = profile(on, by_type["offset"]["profile_id"])
    for event in by_type.values():
        assert nine.fullmatch(event["created_at"]) and nine.fullmatch(event["received_at"])
    assert nine.fullmatch(stored["created_at"]) and nine.fullmatch(stored["updated_at"])
    # Filters compare the instants: a bound equal to the nine-digit instant finds both events on it.
    bound = "2020-02-28T18:13:28.175841347Z"
    for http in (clean, on):
        assert types(http, **{"filter[start_time]": bound, "filter[end_time]": bound}) == ["thirteen", "nine"]
        assert types(http, **{"filter[start_time]": "2020-02-28T18:13:28.175841348Z"}) == []
        assert types(http, **{"filter[end_time]": "2020-02-28T18:13:28.175841346Z"}) == ["offset"]


def last_page_cursor_null(s: Switch) -> None:
    clean, on = s.clean(), s.on()
    for http in (clean, on):
        five_events(http)
    last = read(clean, **{"page[size]": "5"}).json()
    assert last["links"] == [{"next": ""}] and last["meta"]["after_cursor"] is not None
    assert walk(on) == walk(clean) == [["e5", "e4"], ["e3", "e2"], ["e1"]]
    first = read(on, **{"page[size]": "2"}).json()
    assert first["meta"]["after_cursor"] is not None and "page%5Bafter%5D=" in first["links"][0]["next"]
    second = on.get(first["links"][0]["next"]).json()
    third = on.get(second["links"][0]["next"]).json()
    assert [e["type"] for e in third["events"]] == ["e1"]
    for page in (
        third,
        read(on, **{"page[size]": "5"}).json(),
        read(on, **{"filter[source]": "none"}).json(),
    ):
        # The docs show a last page's links as [{"next": ""}] (seeds 000, 002): kept.
        assert page["links"] == [{"next": ""}]
        assert page["meta"] == {"has_more": False, "after_cursor": None}


def unauthorized_generic_body(s: Switch) -> None:
    credentials = {"email": "e@example.com", "token": "t"}
    clean, on = s.clean(**credentials), s.on(**credentials)
    response = clean.get("/api/v2/users/1/events")
    assert (response.status_code, error_code(response)) == (401, "MissingOrInvalidAuthentication")
    for path in ("/api/v2/users/1/events", TRACK, f"{PROFILES}/{UNKNOWN_PROFILE}"):
        response = on.get(path)
        assert response.status_code == 401
        assert response.json() == {"error": "Couldn't authenticate you"}
        assert response.headers["www-authenticate"] == 'Basic realm="Zendesk"'
    auth = ("e@example.com/token", "t")
    assert on.post(TRACK, json=track_body(), auth=auth).status_code == 202
    response = on.get(f"{PROFILES}/{UNKNOWN_PROFILE}", auth=auth)
    assert (response.status_code, error_code(response)) == (404, "ProfileNotFound")


def conflicts_as_400(s: Switch) -> None:
    crm = {"type": "crm", "value": "c-1"}
    for http, status in ((s.clean(), 409), (s.on(), 400)):
        track(http)
        other = track(http, identifiers=[crm])
        response = http.post(
            TRACK, json=track_body(identifiers=[{"type": "email", "value": "jane@example.com"}, crm])
        )
        assert (response.status_code, error_code(response)) == (status, "IdentifierConflict")
        response = http.post(f"/api/v2/users/{other['user_id']}/events", json=track_body())
        assert (response.status_code, error_code(response)) == (status, "ProfileUserMismatch")
        assert response.json()["errors"][0]["detail"].startswith("Profile ")
        assert len(events(http)) == 1
        assert track(http, identifiers=[{"type": "external_id", "value": "X-1"}])["status"] == "received"
    on = s.on()
    response = on.post(TRACK, json=track_body(event={"properties": {"n": 1}}))
    assert (response.status_code, error_code(response)) == (400, "NumbersMustBeStrings")
    # The control plane is not the API: an import conflict stays 409.
    user = {"id": "501", "name": "Jane"}
    assert on.post("/__zdevents/state", json={"users": [user]}).status_code == 200
    assert on.post("/__zdevents/state", json={"users": [user]}).status_code == 409


def page_size_clamped(s: Switch) -> None:
    clean, on = s.clean(), s.on()
    for http in (clean, on):
        for n in range(101):
            track(http, event={"type": f"t{n}"})
    for size in ("101", "1000", "9" * 5000):
        response = read(clean, **{"page[size]": size})
        assert (response.status_code, error_code(response)) == (400, "InvalidPageSize")
        body = read(on, **{"page[size]": size}).json()
        assert len(body["events"]) == 100 and body["meta"]["has_more"] is True
        rest = read(on, **{"page[size]": size, "page[after]": body["meta"]["after_cursor"]}).json()
        assert [e["type"] for e in rest["events"]] == ["t0"] and rest["meta"]["has_more"] is False
    assert len(events(on, **{"page[size]": "7"})) == 7
    for size in ("0", "-1", "abc", "1.5", "1e3"):
        response = read(on, **{"page[size]": size})
        assert (response.status_code, error_code(response)) == (400, "InvalidPageSize")


# Quirks: requests refused, users and access


def user_track_profile_optional(s: Switch) -> None:
    clean, on = s.clean(), s.on()
    for http in (clean, on):
        user = track(http)["user_id"]
        response = http.post(f"/api/v2/users/{user}/events", json={"event": track_body()["event"]})
        if http is clean:
            assert (response.status_code, error_code(response)) == (400, "MissingField")
            assert len(events(http)) == 1
        else:
            assert response.status_code == 202
            assert len(events(http)) == 2
    # A user without profiles, or a body without an event, is still refused.
    response = on.post("/api/v2/users/1/events", json={"event": track_body()["event"]})
    assert (response.status_code, error_code(response)) == (404, "UserNotFound")
    user = track(on)["user_id"]
    response = on.post(f"/api/v2/users/{user}/events", json={"profile": track_body()["profile"]})
    assert (response.status_code, error_code(response)) == (400, "MissingField")


def profile_names_from_event(s: Switch) -> None:
    body = track_body()
    del body["profile"]["source"], body["profile"]["type"]
    response = s.clean().post(TRACK, json=body)
    assert (response.status_code, error_code(response)) == (400, "MissingField")
    on = s.on()
    answer = on.post(TRACK, json=body).json()
    stored = profile(on, answer["profile_id"])
    assert (stored["source"], stored["type"]) == ("shoppingnow", "checkout")
    empty = track_body()
    empty["profile"]["identifiers"] = []
    response = on.post(TRACK, json=empty)
    assert (response.status_code, error_code(response)) == (400, "InvalidFieldValue")


def properties_optional(s: Switch) -> None:
    body = track_body()
    del body["event"]["properties"]
    response = s.clean().post(TRACK, json=body)
    assert (response.status_code, error_code(response)) == (400, "MissingField")
    on = s.on()
    assert on.post(TRACK, json=body).status_code == 202
    assert [e["properties"] for e in events(on)] == [{}]
    del body["event"]["source"]
    assert error_code(on.post(TRACK, json=body)) == "MissingField"


def keys_case_insensitive(s: Switch) -> None:
    body = track_body()
    body["event"]["Source"] = body["event"].pop("source")
    body["Profile"] = body.pop("profile")
    body["Profile"]["Identifiers"] = body["Profile"].pop("identifiers")
    response = s.clean().post(TRACK, json=body)
    assert (response.status_code, error_code(response)) == (400, "MissingField")
    on = s.on()
    assert on.post(TRACK, json=body).status_code == 202
    assert [e["source"] for e in events(on)] == ["shoppingnow"]


def read_only_fields_kept(s: Switch) -> None:
    sent = {"id": "client-id-1", "received_at": "2001-02-03T04:05:06Z"}
    for http, kept in ((s.clean(), False), (s.on(), True)):
        track(http, event=sent)
        (event,) = events(http)
        assert (event["id"] == sent["id"]) is kept
        assert event["received_at"] == (sent["received_at"] if kept else NOW)


def anonymous_user_shared(s: Switch) -> None:
    clean, on = s.clean(), s.on()
    for http, shared in ((clean, False), (on, True)):
        first = track(http, "a@example.com")
        second = track(http, "b@example.com")
        custom = track(http, identifiers=[{"type": "crm", "value": "c-1"}])
        assert (len({first["user_id"], second["user_id"], custom["user_id"]}) == 1) is shared
        assert len({first["profile_id"], second["profile_id"], custom["profile_id"]}) == 3
        # A profile with an identity of an existing user still goes to that user.
        assert track(http, "a@example.com", profile={"source": "other"})["user_id"] == first["user_id"]


def partial_identifier_query(s: Switch) -> None:
    clean, on = s.clean(), s.on()
    for http in (clean, on):
        expected = track(http)["profile_id"]
    for query in ("shoppingnow:customer", "shoppingnow:customer:email"):
        for path in (PROFILES, TRACK):
            response = clean.get(path, params={"identifier": query})
            assert (response.status_code, error_code(response)) == (400, "InvalidIdentifierQuery")
        assert on.get(PROFILES, params={"identifier": query}).json()["profile"]["id"] == expected
        assert len(events(on, query)) == 1
    response = on.get(PROFILES, params={"identifier": "shoppingnow:visitor"})
    assert (response.status_code, error_code(response)) == (404, "ProfileNotFound")
    response = on.get(PROFILES, params={"identifier": "shoppingnow"})
    assert (response.status_code, error_code(response)) == (400, "InvalidIdentifierQuery")


def user_conflict_first_wins(s: Switch) -> None:
    both = [{"type": "email", "value": "a@example.com"}, {"type": "email", "value": "b@example.com"}]
    body = track_body(identifiers=both, profile={"source": "other"})
    for http, refused in ((s.clean(), True), (s.on(), False)):
        first = track(http, "a@example.com")
        track(http, "b@example.com")
        response = http.post(TRACK, json=body)
        if refused:
            assert (response.status_code, error_code(response)) == (409, "UserConflict")
            missing = http.get(PROFILES, params={"identifier": "other:customer:email:a@example.com"})
            assert missing.status_code == 404
        else:
            assert response.status_code == 202
            assert response.json()["user_id"] == first["user_id"]
            assert len(profile(http, response.json()["profile_id"])["identifiers"]) == 2
        # Two profiles of one source and type are still a conflict.
        response = http.post(TRACK, json=track_body(identifiers=both))
        assert (response.status_code, error_code(response)) == (409, "IdentifierConflict")


def identifier_missing_empty(s: Switch) -> None:
    clean, on = s.clean(), s.on()
    for http in (clean, on):
        track(http)
    response = clean.get(TRACK)
    assert (response.status_code, error_code(response)) == (400, "InvalidIdentifierQuery")
    response = on.get(TRACK)
    assert response.status_code == 200
    assert response.json()["events"] == [] and response.json()["meta"]["has_more"] is False
    assert len(events(on)) == 1
    response = on.get(PROFILES)
    assert (response.status_code, error_code(response)) == (400, "InvalidIdentifierQuery")


def user_id_not_checked(s: Switch) -> None:
    clean, on = s.clean(), s.on()
    for path in ("/api/v2/users/abc/events", "/api/v2/users/abc/profiles"):
        response = clean.get(path)
        assert (response.status_code, error_code(response)) == (400, "InvalidUserId")
        response = on.get(path)
        assert (response.status_code, error_code(response)) == (404, "UserNotFound")
    user = track(on)["user_id"]
    assert on.get(f"/api/v2/users/{user}/events").status_code == 200


def read_scope_refused(s: Switch) -> None:
    settings = {"email": "e@example.com", "token": "t", "read_only_oauth_tokens": ["r"]}
    agent = ("e@example.com/token", "t")
    reader = {"Authorization": "Bearer r"}
    for http, status in ((s.clean(**settings), 200), (s.on(**settings), 403)):
        answer = http.post(TRACK, json=track_body(), auth=agent).json()
        response = http.get(f"{PROFILES}/{answer['profile_id']}", headers=reader)
        assert response.status_code == status
        if status == 403:
            assert error_code(response) == "PermissionDenied"
        assert http.post(TRACK, json=track_body(), headers=reader).status_code == 403
        assert http.get(f"{PROFILES}/{answer['profile_id']}", auth=agent).status_code == 200


def end_user_served(s: Switch) -> None:
    settings = {"email": "agent@example.com", "token": "t"}
    agent = ("agent@example.com/token", "t")
    end_user = ("jane@example.com/token", "t")
    for http, served in ((s.clean(**settings), False), (s.on(**settings), True)):
        answer = http.post(TRACK, json=track_body(), auth=agent).json()
        answers = [
            http.get(f"{PROFILES}/{answer['profile_id']}", auth=end_user),
            http.get(TRACK, params={"identifier": JANE}, auth=("JANE@example.com/token", "t")),
            http.post(TRACK, json=track_body(), auth=end_user),
        ]
        for response in answers:
            if served:
                assert response.is_success, response.text
            else:
                assert (response.status_code, error_code(response)) == (403, "PermissionDenied")
        # Another token, or an email no user has, is still 401.
        for auth in (("jane@example.com/token", "wrong"), ("nobody@example.com/token", "t")):
            assert http.get(TRACK, params={"identifier": JANE}, auth=auth).status_code == 401
        stored = http.get(TRACK, params={"identifier": JANE}, auth=agent).json()["events"]
        assert len(stored) == (2 if served else 1)


# Profile conflicts, received created_at and calendar dates


def profile_conflict_first_wins(s: Switch) -> None:
    a, b = {"type": "system_a", "value": "A-1"}, {"type": "system_b", "value": "B-1"}
    for http, refused in ((s.clean(), True), (s.on(), False)):
        first, second = track(http, identifiers=[a]), track(http, identifiers=[b])
        response = http.post(TRACK, json=track_body(identifiers=[a, b]))
        if refused:
            assert (response.status_code, error_code(response)) == (409, "IdentifierConflict")
        else:
            assert response.status_code == 202
            assert response.json()["profile_id"] in {first["profile_id"], second["profile_id"]}
        assert profile(http, first["profile_id"])["identifiers"] == [a]
        assert profile(http, second["profile_id"])["identifiers"] == [b]


def received_created_at_at_epoch(s: Switch) -> None:
    body = track_body()
    del body["event"]["created_at"]
    for http, found in ((s.clean(), 1), (s.on(), 0)):
        assert http.post(TRACK, json=body).status_code == 202
        (event,) = events(http)
        assert event["created_at"] == NOW
        assert len(events(http, **{"filter[start_time]": "2023-11-14T22:00:00Z"})) == found
        assert len(events(http, **{"filter[end_time]": "2023-11-14T22:00:00Z"})) == 1 - found


def calendar_days_rolled_over(s: Switch) -> None:
    clean, on = s.clean(), s.on()
    for bound in ("2021-02-29T23:00:00Z", "2021-04-31T00:00:00+05:00", "2021-09-31T00:00:00Z"):
        response = read(clean, **{"filter[start_time]": bound})
        assert (response.status_code, error_code(response)) == (400, "StartTimestampNotValid")
    at(on, "2021-03-01T12:00:00Z")
    assert len(events(on, **{"filter[end_time]": "2021-02-29T23:00:00Z"})) == 1  # 1 March, 23:00
    assert len(events(on, **{"filter[end_time]": "2021-02-29T11:00:00Z"})) == 0
    assert len(events(on, **{"filter[start_time]": "2021-04-31T00:00:00+05:00"})) == 0  # 1 May


def leap_day_refused(s: Switch) -> None:
    for http, refused in ((s.clean(), False), (s.on(), True)):
        at(http, "2024-03-01T00:00:00Z")
        for bound in ("2024-02-29T12:00:00Z", "2000-02-29T00:00:00Z"):
            response = read(http, **{"filter[start_time]": bound})
            if refused:
                assert (response.status_code, error_code(response)) == (400, "StartTimestampNotValid")
            else:
                assert response.status_code == 200 and len(response.json()["events"]) == 1
        assert len(events(http, **{"filter[start_time]": "2024-03-01T00:00:00Z"})) == 1


# Profiles: what DELETE frees, a profile without events, numbers in PUT and PATCH


def deleted_identifiers_kept(s: Switch) -> None:
    for http, status in ((s.clean(), 202), (s.on(), 500)):
        old = track(http)["profile_id"]
        assert http.delete(f"{PROFILES}/{old}").status_code == 204
        assert http.get(PROFILES, params={"identifier": JANE}).status_code == 404
        response = http.post(TRACK, json=track_body())
        assert response.status_code == status, response.text
        if status == 202:
            assert response.json()["profile_id"] != old


def empty_profile_events_not_found(s: Switch) -> None:
    body = {"profile": {"identifiers": [{"type": "email", "value": "jane@example.com"}]}}
    for http, status in ((s.clean(), 200), (s.on(), 404)):
        profile_id = http.put(PROFILES, params={"identifier": JANE}, json=body).json()["profile"]["id"]
        for response in (http.get(f"{PROFILES}/{profile_id}/events"), read(http)):
            assert response.status_code == status, response.text
            if status == 200:
                assert response.json()["events"] == [] and response.json()["meta"]["has_more"] is False
        track(http)  # once it has an event, it is read as any profile
        assert len(events(http)) == 1


def profile_write_numbers_accepted(s: Switch) -> None:
    jane = {"type": "email", "value": "jane@example.com"}
    put = {"profile": {"identifiers": [jane], "attributes": {"age": 30}}}
    patch = {"profile": {"attributes": {"zip": {"code": 94103}}}}
    for http, refused in ((s.clean(), True), (s.on(), False)):
        created = http.put(PROFILES, params={"identifier": JANE}, json=put)
        patched = http.patch(PROFILES, params={"identifier": JANE}, json=patch)
        if refused:
            assert (created.status_code, error_code(created)) == (400, "NumbersMustBeStrings")
            assert (patched.status_code, error_code(patched)) == (400, "NumbersMustBeStrings")
        else:
            assert created.status_code == 201 and patched.status_code == 200, patched.text
            assert patched.json()["profile"]["attributes"] == {"age": 30, "zip": {"code": 94103}}
        # Track requests refuse numbers either way.
        response = http.post(TRACK, json=track_body(profile={"attributes": {"age": 30}}))
        assert error_code(response) == "NumbersMustBeStrings"


def profile_writes_take_identifiers(s: Switch) -> None:
    taken, other = {"type": "shop_id", "value": "1"}, {"type": "shop_id", "value": "2"}
    for http, refused in ((s.clean(), True), (s.on(), False)):
        owner = track(http, identifiers=[taken])["profile_id"]
        profile_id = track(http, "john@example.com")["profile_id"]
        patched = http.patch(f"{PROFILES}/{profile_id}", json={"profile": {"identifiers": [taken]}})
        created = http.put(
            PROFILES,
            params={"identifier": "shoppingnow:customer:shop_id:2"},
            json={"profile": {"identifiers": [other, taken]}},
        )
        if refused:
            assert (patched.status_code, created.status_code) == (409, 409), created.text
            assert error_code(patched) == error_code(created) == "IdentifierConflict"
        else:
            assert (patched.status_code, created.status_code) == (200, 201), created.text
        found = http.get(PROFILES, params={"identifier": "shoppingnow:customer:shop_id:1"}).json()["profile"]
        assert (found["id"] == owner) is refused


SCENARIOS: dict[str, Callable[[Switch], None]] = {
    # Quirks: filters
    "start_time_exclusive": start_time_exclusive,
    "end_time_exclusive": end_time_exclusive,
    "time_bounds_whole_seconds": time_bounds_whole_seconds,
    "source_filter_ignored": source_filter_ignored,
    "type_filter_ignored": type_filter_ignored,
    "offset_ignored": offset_ignored,
    "bad_timestamp_ignored": bad_timestamp_ignored,
    # Quirks: pagination
    "page_skips_item": page_skips_item,
    "page_repeats_item": page_repeats_item,
    "has_more_always_false": has_more_always_false,
    "has_more_when_page_full": has_more_when_page_full,
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
    "limits_off_by_one": limits_off_by_one,
    "profile_cap_ignored": profile_cap_ignored,
    "track_returns_200": track_returns_200,
    "received_at_missing": received_at_missing,
    "user_id_as_number": user_id_as_number,
    "user_events_first_profile_only": user_events_first_profile_only,
    "anonymous_user_per_profile": anonymous_user_per_profile,
    # Quirks: near misses and reserved characters
    "source_filter_prefix": source_filter_prefix,
    "type_filter_substring": type_filter_substring,
    "profile_type_ignored_in_match": profile_type_ignored_in_match,
    "identifier_type_ignored_in_match": identifier_type_ignored_in_match,
    "identifier_prefix_match": identifier_prefix_match,
    "identifier_plus_as_space": identifier_plus_as_space,
    "identifier_decoded_twice": identifier_decoded_twice,
    "identifier_not_decoded": identifier_not_decoded,
    "identifier_decoded_as_latin1": identifier_decoded_as_latin1,
    # Quirks: profiles
    "put_merges": put_merges,
    "patch_replaces_attributes": patch_replaces_attributes,
    "delete_keeps_events": delete_keeps_events,
    "deleted_profile_readable": deleted_profile_readable,
    "unknown_profile_empty": unknown_profile_empty,
    # Quirks: a user's profiles, names, timestamps, PATCH and PUT beyond attributes, identities
    "user_profiles_first_only": user_profiles_first_only,
    "profile_timestamps_missing": profile_timestamps_missing,
    "profile_timestamps_writable": profile_timestamps_writable,
    "default_name_from_first_identifier": default_name_from_first_identifier,
    "profile_name_dropped": profile_name_dropped,
    "patch_name_ignored": patch_name_ignored,
    "patch_updates_identifier": patch_updates_identifier,
    "patch_upserts": patch_upserts,
    "put_identities_not_added": put_identities_not_added,
    "put_replaces_identities": put_replaces_identities,
    "patch_identities_not_added": patch_identities_not_added,
    # Quirks: errors and auth
    "auth_ignored": auth_ignored,
    "error_envelope_singular": error_envelope_singular,
    "server_error_on_bad_timestamp": server_error_on_bad_timestamp,
    "retry_after_missing": retry_after_missing,
    # Quirks: credentials part by part, unique ids, the docs' own examples, empty values
    "basic_email_not_checked": basic_email_not_checked,
    "token_prefix_checked": token_prefix_checked,
    "bearer_writes_refused": bearer_writes_refused,
    "added_identities_not_claimed": added_identities_not_claimed,
    "event_id_per_profile": event_id_per_profile,
    "profile_id_per_second": profile_id_per_second,
    "digit_strings_refused": digit_strings_refused,
    "deep_nesting_refused": deep_nesting_refused,
    "type_leading_digit_refused": type_leading_digit_refused,
    "date_only_filter_refused": date_only_filter_refused,
    "empty_values_dropped": empty_values_dropped,
    # Quirks: requests refused, users and access
    "user_track_profile_optional": user_track_profile_optional,
    "profile_names_from_event": profile_names_from_event,
    "properties_optional": properties_optional,
    "keys_case_insensitive": keys_case_insensitive,
    "read_only_fields_kept": read_only_fields_kept,
    "anonymous_user_shared": anonymous_user_shared,
    "partial_identifier_query": partial_identifier_query,
    "user_conflict_first_wins": user_conflict_first_wins,
    "identifier_missing_empty": identifier_missing_empty,
    "user_id_not_checked": user_id_not_checked,
    "read_scope_refused": read_scope_refused,
    "end_user_served": end_user_served,
    # Profile conflicts, received created_at and calendar dates
    "profile_conflict_first_wins": profile_conflict_first_wins,
    "received_created_at_at_epoch": received_created_at_at_epoch,
    "calendar_days_rolled_over": calendar_days_rolled_over,
    "leap_day_refused": leap_day_refused,
    "deleted_identifiers_kept": deleted_identifiers_kept,
    "empty_profile_events_not_found": empty_profile_events_not_found,
    "profile_write_numbers_accepted": profile_write_numbers_accepted,
    "profile_writes_take_identifiers": profile_writes_take_identifiers,
    # Variations
    "oldest_first": oldest_first,
    "page_size_max_50": page_size_max_50,
    "date_only_end_of_day": date_only_end_of_day,
    "type_without_source_ignored": type_without_source_ignored,
    "error_codes_generic": error_codes_generic,
    "profile_writes_off": profile_writes_off,
    "support_errors_on_user_routes": support_errors_on_user_routes,
    "other_ids": other_ids,
    "other_cursors": other_cursors,
    "nanosecond_timestamps": nanosecond_timestamps,
    "last_page_cursor_null": last_page_cursor_null,
    "unauthorized_generic_body": unauthorized_generic_body,
    "conflicts_as_400": conflicts_as_400,
    "page_size_clamped": page_size_clamped,
}


def test_every_switch_has_a_scenario() -> None:
    assert set(SCENARIOS) == set(QUIRKS) | set(VARIATIONS)
    assert not set(QUIRKS) & set(VARIATIONS)


def test_every_variation_is_described_in_the_choices_table() -> None:
    """docs/emulator.md names each variation in the "a variation switch" column of its table."""
    doc = (Path(__file__).parents[2] / "docs" / "emulator.md").read_text(encoding="utf-8")
    table = doc.split("## Choices where the docs are silent", 1)[1].split("\n## ", 1)[0]
    switch_column = " ".join(line.rsplit(" | ", 1)[-1] for line in table.splitlines() if line.startswith("|"))
    assert {name for name in VARIATIONS if f"`{name}`" not in switch_column} == set()


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
