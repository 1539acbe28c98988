"""Reading events (E1, E2, E3): scopes, filters, identifier queries, ingestion lag."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from helpers import TRACK, error_code, track_body

EVENTS_BY_IDENTIFIER = "/api/v2/user_profiles/events"
JANE = "shoppingnow:customer:email:jane@example.com"


def read(client: httpx.Client, identifier: str = JANE, **params: str) -> list[dict[str, Any]]:
    response = client.get(EVENTS_BY_IDENTIFIER, params={"identifier": identifier, **params})
    assert response.status_code == 200, response.text
    return response.json()["events"]


def types(events: list[dict[str, Any]]) -> set[str]:
    return {event["type"] for event in events}


@pytest.fixture
def timeline(track: Callable[..., dict[str, Any]]) -> dict[str, Any]:
    """Five events of Jane's, at known instants, from two sources."""
    events = [
        ("a", "shoppingnow", "2020-02-22T23:59:59.999999999Z"),
        ("b", "shoppingnow", "2020-02-23T00:00:00Z"),
        ("c", "shoppingnow", "2020-02-25T12:00:00+02:00"),  # 10:00Z
        ("d", "coolbikes", "2020-02-29T00:00:00Z"),
        ("e", "shoppingnow", "2020-02-29T00:00:00.000000001Z"),
    ]
    answer = {}
    for type_, source, created_at in events:
        answer = track(event={"type": type_, "source": source, "created_at": created_at})
    return answer


def test_all_scopes_read_the_same_events(client: httpx.Client, timeline: dict[str, Any]) -> None:
    """S1, S4: events can be read by identifier query, by profile id and by user id."""
    by_identifier = read(client)
    by_profile = client.get(f"/api/v2/user_profiles/{timeline['profile_id']}/events").json()["events"]
    by_user = client.get(f"/api/v2/users/{timeline['user_id']}/events").json()["events"]
    assert len(by_identifier) == 5
    assert by_identifier == by_profile == by_user


def test_user_reads_cover_every_profile_of_the_user(
    client: httpx.Client, track: Callable[..., dict[str, Any]]
) -> None:
    """S1, S4: a user's events are the events of all the user's profiles."""
    first = track(profile={"source": "shoppingnow"}, event={"type": "one"})
    second = track(profile={"source": "coolbikes", "type": "rider"}, event={"type": "two"})
    assert first["user_id"] == second["user_id"]
    assert first["profile_id"] != second["profile_id"]
    events = client.get(f"/api/v2/users/{first['user_id']}/events").json()["events"]
    assert types(events) == {"one", "two"}


def test_start_and_end_time_are_inclusive(client: httpx.Client, timeline: dict[str, Any]) -> None:
    """S1: start_time includes events "equal to or later", end_time "equal to or before"."""
    events = read(
        client, **{"filter[start_time]": "2020-02-23T00:00:00Z", "filter[end_time]": "2020-02-29T00:00:00Z"}
    )
    assert types(events) == {"b", "c", "d"}


def test_time_filters_compare_instants_not_strings(client: httpx.Client, timeline: dict[str, Any]) -> None:
    """S1 filters on the created_at time: 12:00+02:00 is 10:00Z, so a bound of 11:00Z excludes it."""
    assert types(read(client, **{"filter[start_time]": "2020-02-25T11:00:00Z"})) == {"d", "e"}
    assert "c" in types(read(client, **{"filter[start_time]": "2020-02-25T09:30:00-00:30"}))


def test_date_only_bounds_are_midnight_utc(client: httpx.Client, timeline: dict[str, Any]) -> None:
    """Emulator choice: a date means its first instant, so end_time=2020-02-29 keeps the event
    at exactly midnight and drops the one a nanosecond later."""
    events = read(client, **{"filter[start_time]": "2020-02-23", "filter[end_time]": "2020-02-29"})
    assert types(events) == {"b", "c", "d"}


def test_date_only_end_of_day_variation(make_emulator: Callable[..., Any]) -> None:
    """The date_only_end_of_day variation reads end_time=2020-02-29 as the end of that day."""
    with make_emulator(variations=["date_only_end_of_day"]).client() as client:
        for type_, created_at in (
            ("midnight", "2020-02-29T00:00:00Z"),
            ("last-instant", "2020-02-29T23:59:59.999999999Z"),
            ("next-day", "2020-03-01T00:00:00Z"),
        ):
            answer = client.post(TRACK, json=track_body(event={"type": type_, "created_at": created_at}))
            assert answer.status_code == 202, answer.text
        events = read(client, **{"filter[end_time]": "2020-02-29"})
    assert types(events) == {"midnight", "last-instant"}


def test_filters_combine_with_and(client: httpx.Client, timeline: dict[str, Any]) -> None:
    """S3: filters combine; source, type and time bounds all apply."""
    events = read(
        client,
        **{"filter[source]": "shoppingnow", "filter[type]": "c", "filter[start_time]": "2020-02-23"},
    )
    assert types(events) == {"c"}
    assert types(read(client, **{"filter[source]": "coolbikes"})) == {"d"}
    assert read(client, **{"filter[source]": "coolbikes", "filter[type]": "a"}) == []


def test_type_filter_needs_source(client: httpx.Client, timeline: dict[str, Any]) -> None:
    """S1: "The filter[source] parameter must be included"; the emulator answers 400."""
    response = client.get(EVENTS_BY_IDENTIFIER, params={"identifier": JANE, "filter[type]": "a"})
    assert response.status_code == 400
    assert error_code(response) == "TypeFilterRequiresSource"


@pytest.mark.parametrize(
    "query_string",
    [
        pytest.param(
            "identifier=" + quote("shoppingnow:customer:email:jane+news@example.com", safe=""),
            id="percent-encoded",
        ),
        pytest.param("identifier=shoppingnow:customer:email:jane%2Bnews@example.com", id="raw-colons-and-at"),
    ],
)
def test_identifier_query_raw_or_percent_encoded(
    client: httpx.Client, track: Callable[..., dict[str, Any]], query_string: str
) -> None:
    """S1 asks for url-encoding, S4 sends raw colons and @ (curl -g): both find the profile."""
    track("jane+news@example.com")
    response = client.get(f"{EVENTS_BY_IDENTIFIER}?{query_string}")
    assert response.status_code == 200, response.text
    assert len(response.json()["events"]) == 1


def test_unencoded_plus_is_a_space(client: httpx.Client, track: Callable[..., dict[str, Any]]) -> None:
    """A raw + in a query string decodes to a space (form encoding), so an unencoded
    jane+news@example.com does not find jane+news: the bug S26's client has, caught here."""
    track("jane+news@example.com")
    response = client.get(
        f"{EVENTS_BY_IDENTIFIER}?identifier=shoppingnow:customer:email:jane+news@example.com"
    )
    assert response.status_code == 404


def test_identifier_value_may_contain_colons(
    client: httpx.Client, track: Callable[..., dict[str, Any]]
) -> None:
    """Emulator choice: split on the first three colons, so the value keeps its colons."""
    track(identifiers=[{"type": "urn", "value": "x:y:z"}])
    assert len(read(client, "shoppingnow:customer:urn:x:y:z")) == 1
    assert (
        client.get(EVENTS_BY_IDENTIFIER, params={"identifier": "shoppingnow:customer:urn:x"}).status_code
        == 404
    )


def test_identifier_query_is_case_insensitive_for_email_only(
    client: httpx.Client, track: Callable[..., dict[str, Any]]
) -> None:
    """S2 lowercases email and twitter values; other parts keep their case."""
    track(identifiers=[{"type": "email", "value": "Jane@Example.com"}, {"type": "crm", "value": "AbC"}])
    assert len(read(client, "shoppingnow:customer:email:JANE@EXAMPLE.COM")) == 1
    assert len(read(client, "shoppingnow:customer:crm:AbC")) == 1
    for other in ("shoppingnow:customer:crm:abc", "ShoppingNow:customer:email:jane@example.com"):
        assert client.get(EVENTS_BY_IDENTIFIER, params={"identifier": other}).status_code == 404


def test_events_become_readable_after_the_lag(make_emulator: Callable[..., Any], clock: Any) -> None:
    """Realism switch: with lag N, an event acknowledged with 202 is readable N seconds later."""
    with make_emulator(lag=2.0).client() as client:
        assert client.post(TRACK, json=track_body()).status_code == 202
        assert read(client) == []
        clock.advance(1.999)
        assert read(client) == []
        clock.advance(0.001)
        assert len(read(client)) == 1


def test_event_fields_read_back_as_sent(client: httpx.Client, track: Callable[..., dict[str, Any]]) -> None:
    """S1, S6: the event comes back with its source, type, description, properties and
    created_at as sent, plus the server's id and received_at."""
    body = track_body(event={"created_at": "2020-02-28T18:13:28.175841347Z"})
    answer = client.post(TRACK, json=body).json()
    (event,) = read(client)
    sent = body["event"]
    assert {k: event[k] for k in sent} == sent
    assert event["profile_id"] == answer["profile_id"]
    assert event["user_id"] == answer["user_id"]
    assert len(event["id"]) == 26
    assert event["received_at"].endswith("Z")


@pytest.mark.parametrize(
    "path",
    [
        "/api/v2/user_profiles/events?identifier=" + JANE,
        "/api/v2/user_profiles?identifier=" + JANE,
        "/api/v2/users/{user_id}/events",
        "/api/v2/users/{user_id}/profiles",
        "/api/v2/user_profiles/{profile_id}",
        "/api/v2/user_profiles/{profile_id}/events",
        "/api/v2/user_profiles/01E1G0NJSQPNPZRV096JXKXFAA",
    ],
)
def test_head_is_get_without_the_body(client: httpx.Client, timeline: dict[str, Any], path: str) -> None:
    """RFC 9110 9.3.2: HEAD answers as GET would, headers included, with no body."""
    url = path.format(**timeline)
    get, head = client.get(url), client.head(url)
    assert head.status_code == get.status_code
    assert head.content == b""
    assert head.headers["content-length"] == get.headers["content-length"]
    assert head.headers["content-type"] == get.headers["content-type"]


#: Zendesk's generated code samples for E1-E3 send every optional parameter, empty (S1).
DOCS_SAMPLE_QUERY = "filter[end_time]=&filter[source]=&filter[start_time]=&filter[type]=&page[size]="
EMPTY_OPTIONS = [
    "filter[end_time]",
    "filter[source]",
    "filter[start_time]",
    "filter[type]",
    "page[size]",
    "page[after]",
]


def scoped_urls(timeline: dict[str, Any]) -> list[str]:
    """E1, E2 and E3 for Jane's events, each ending in a query to which more can be appended."""
    return [
        f"/api/v2/users/{timeline['user_id']}/events?",
        f"{EVENTS_BY_IDENTIFIER}?identifier={quote(JANE, safe='')}&",
        f"/api/v2/user_profiles/{timeline['profile_id']}/events?",
    ]


def test_docs_sample_query_with_every_option_empty(client: httpx.Client, timeline: dict[str, Any]) -> None:
    """Emulator choice: an empty filter[...] or page[...] parameter is read as not sent, so the
    docs' own sample, which sends every optional parameter empty, reads every event."""
    for url in scoped_urls(timeline):
        unfiltered = client.get(url).json()
        response = client.get(url + DOCS_SAMPLE_QUERY)
        assert response.status_code == 200, response.text
        body = response.json()
        assert len(body["events"]) == 5
        assert body == unfiltered


@pytest.mark.parametrize("name", EMPTY_OPTIONS)
def test_each_empty_option_alone_is_not_sent(
    client: httpx.Client, timeline: dict[str, Any], name: str
) -> None:
    for url in scoped_urls(timeline):
        response = client.get(f"{url}{name}=")
        assert response.status_code == 200, response.text
        assert [e["type"] for e in response.json()["events"]] == ["e", "d", "c", "b", "a"]


def test_empty_options_beside_real_ones(client: httpx.Client, timeline: dict[str, Any]) -> None:
    """Empty parameters leave the others working, and the next link, which keeps the request's
    own query, leads to the rest of the events."""
    url = scoped_urls(timeline)[1] + DOCS_SAMPLE_QUERY.replace("page[size]=", "page[size]=2")
    body = client.get(url + "&filter[start_time]=2020-02-23").json()
    assert [e["type"] for e in body["events"]] == ["e", "d"]
    assert body["meta"]["has_more"] is True
    seen = [e["type"] for e in body["events"]]
    while body["meta"]["has_more"]:
        body = client.get(body["links"][0]["next"]).json()
        seen += [e["type"] for e in body["events"]]
    assert seen == ["e", "d", "c", "b"]


def test_a_filled_option_still_counts_after_an_empty_one(
    client: httpx.Client, timeline: dict[str, Any]
) -> None:
    """The last value of a repeated parameter counts; an empty value only stands for absence."""
    url = scoped_urls(timeline)[2]
    response = client.get(url + "filter[start_time]=&filter[start_time]=not-a-date")
    assert response.status_code == 400
    assert error_code(response) == "StartTimestampNotValid"
    response = client.get(url + "filter[type]=c&filter[source]=")
    assert response.status_code == 400
    assert error_code(response) == "TypeFilterRequiresSource"
    response = client.get(url + "filter=")
    assert response.status_code == 400
    assert error_code(response) == "InvalidFilter"


def test_a_read_follows_the_switches_of_its_own_moment(
    emulator: Any, client: httpx.Client, timeline: dict[str, Any]
) -> None:
    """Each event's JSON is written once per shape and kept (views.py): a switch that changes the
    shape changes the next read of the same events, and switching it back gives the first again."""
    first = client.get(EVENTS_BY_IDENTIFIER, params={"identifier": JANE}).content
    quirks = ["user_id_as_number", "received_at_missing"]
    emulator.configure(quirks=quirks, variations=["nanosecond_timestamps"])
    changed = read(client)
    assert all(isinstance(event["user_id"], int) and "received_at" not in event for event in changed)
    assert all(re.search(r"\.[0-9]{9}(Z|[+-][0-9:]{5})$", event["created_at"]) for event in changed)
    emulator.configure(quirks=[], variations=[])
    again = client.get(EVENTS_BY_IDENTIFIER, params={"identifier": JANE}).content
    assert again == first
    assert all(isinstance(event["user_id"], str) and "received_at" in event for event in read(client))
