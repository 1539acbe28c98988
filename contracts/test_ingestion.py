"""Ingestion: tracking events (E4, E5, E6), what the 202 says, and what is stored.

Every event carries a unique ``marker`` property, so a contract finds its own events in a read
without assuming an order. Reads of what was just written go through ``zd_eventually``; a check
that something was *not* stored first waits for a later, valid event of the same profile.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from pytest_zdevents.runtime.cleanup import Created
from pytest_zdevents.runtime.client import ZdClient
from pytest_zdevents.runtime.isolation import EVENT_SOURCES, EVENT_TYPES, Namespace, identifier_query
from pytest_zdevents.runtime.paths import (
    IDENTIFIER_EVENTS_PATH,
    TRACK_PATH,
    profile_events_path,
    user_events_path,
)
from pytest_zdevents.runtime.reads import read_all, shown
from pytest_zdevents.runtime.tracking import Tracked

#: How far the target's clock may be from ours when a timestamp is compared with "now".
CLOCK_SKEW = timedelta(minutes=5)
#: One character over the documented 40-character limit for sources and types (S14).
TOO_LONG = "zdevents_conformance_" + "x" * 20

_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?")


# Helpers


def instant(value: Any) -> datetime | None:
    """``value`` as an ISO-8601 date-time, or None if it is not one. Naive when it has no offset."""
    if not isinstance(value, str) or not _DATE_TIME.fullmatch(value):
        return None
    text = value.replace("t", "T").replace("z", "Z")
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def now() -> datetime:
    return datetime.now(UTC)


def new_event(namespace: Namespace, **fields: Any) -> tuple[str, dict[str, Any]]:
    """(marker, event body): an event of the suite's fixed source and type carrying a unique marker."""
    marker = namespace.value()
    event = {
        "source": EVENT_SOURCES[0],
        "type": EVENT_TYPES[0],
        "properties": {"run": namespace.run_id, "marker": marker},
        **fields,
    }
    return marker, event


def marked(events: list[dict[str, Any]], marker: str) -> list[dict[str, Any]]:
    return [
        e for e in events if isinstance(e.get("properties"), dict) and e["properties"].get("marker") == marker
    ]


def one_event(
    client: ZdClient, path: str, marker: str, params: dict[str, str] | None = None
) -> dict[str, Any]:
    """The one event with ``marker`` in every page of ``path``; AssertionError until it is there."""
    found = marked(read_all(client, path, params), marker)
    assert len(found) == 1, (
        f"GET {path} {params or ''} should return the tracked event (marker {marker}) once; it returned it "
        f"{len(found)} times"
    )
    return found[0]


def assert_refused(response: httpx.Response, created: Created, promise: str) -> None:
    created.add_from(response)
    assert 400 <= response.status_code < 500, f"{promise}; the target answered {shown(response)}"


def assert_accepted(response: httpx.Response, created: Created, operation: str) -> dict[str, Any]:
    created.add_from(response)
    assert response.status_code == 202, (
        f"{operation} MUST answer 202 Accepted when the event is created (S1); got {shown(response)}"
    )
    return response.json()


@pytest.fixture
def make_profile(zd_client: ZdClient, zd_namespace: Namespace, zd_created: Created) -> Callable[[], Tracked]:
    """Makes a profile of this run for the contracts about E4 and E6, through E5 accepting any 2xx:
    whether E5 answers 202 is another contract's concern, so its status does not fail these."""

    def make() -> Tracked:
        body = {"profile": zd_namespace.profile(), "event": new_event(zd_namespace)[1]}
        response = zd_client.post(TRACK_PATH, json=body)
        zd_created.add_from(response)
        assert 200 <= response.status_code < 300, (
            f"Setting up: tracking an event for a new profile (E5) failed: {shown(response)}"
        )
        answer = response.json()
        return Tracked(response, body, str(answer["profile_id"]), str(answer.get("user_id", "")))

    return make


# Tracking answers 202 (E5, E4, E6)


@pytest.mark.contract("ingestion.track_profile.accepted")
def test_track_against_a_profile_answers_202(
    zd_client: ZdClient, zd_namespace: Namespace, zd_created: Created
) -> None:
    """POST /api/v2/user_profiles/events MUST answer 202 Accepted when the event is created.

    Source: S1 (Track Event Against a Sunshine Profile), example response 'HTTP/1.1 202 Accepted';
    S8 'You'll get a response with a "202" status if an event is created successfully'.
    """
    _, event = new_event(zd_namespace)
    body = {"profile": zd_namespace.profile(), "event": event}
    assert_accepted(zd_client.post(TRACK_PATH, json=body), zd_created, "POST /api/v2/user_profiles/events")
    # A second event for the now existing profile is created too, and answered the same way.
    _, event = new_event(zd_namespace, type=EVENT_TYPES[1])
    assert_accepted(
        zd_client.post(TRACK_PATH, json={**body, "event": event}),
        zd_created,
        "POST /api/v2/user_profiles/events for an existing profile",
    )


@pytest.mark.contract("ingestion.track_user.accepted")
def test_track_against_a_user_answers_202_and_stores_for_user_and_profile(
    zd_client: ZdClient,
    zd_namespace: Namespace,
    zd_created: Created,
    make_profile: Callable[[], Tracked],
    zd_eventually: Callable[..., Any],
) -> None:
    """POST /api/v2/users/{user_id}/events MUST answer 202 Accepted and store the event for the
    given Zendesk user and profile.

    Source: seed 001 (Events API reference), Track Event Against Zendesk User and Given Profile:
    'Stores an event for a given Zendesk user and profile'; S1 example response 202.
    """
    # A user this run owns, and its profile: the ones a first tracked event was stored for.
    first = make_profile()
    assert first.user_id, f"The answer to tracking named no user_id: {first.response.text[:300]}"
    marker, event = new_event(zd_namespace, source=EVENT_SOURCES[1], type=EVENT_TYPES[2])
    body = {"profile": first.body["profile"], "event": event}
    assert_accepted(
        zd_client.post(user_events_path(first.user_id), json=body),
        zd_created,
        f"POST /api/v2/users/{first.user_id}/events",
    )

    def stored_for_user_and_profile() -> None:
        # The event is the given user's (E1) and the given profile's (E3).
        one_event(zd_client, user_events_path(first.user_id), marker)
        one_event(zd_client, profile_events_path(first.profile_id), marker)

    zd_eventually(stored_for_user_and_profile)


@pytest.mark.contract("ingestion.track_profile_id.accepted")
def test_track_against_a_profile_id_answers_202_and_stores_for_that_profile(
    zd_client: ZdClient,
    zd_namespace: Namespace,
    zd_created: Created,
    make_profile: Callable[[], Tracked],
    zd_eventually: Callable[..., Any],
) -> None:
    """POST /api/v2/user_profiles/{profile_id}/events with an event for an existing profile MUST
    answer 202 Accepted and store the event against that profile.

    Source: S1 (Track Event Against a Sunshine Profile by Profile ID), reference §1.1 E6 and §2.3:
    body {"event"} only, answer 202.
    """
    profile_id = make_profile().profile_id
    marker, event = new_event(zd_namespace, type=EVENT_TYPES[1])
    assert_accepted(
        zd_client.post(profile_events_path(profile_id), json={"event": event}),
        zd_created,
        f"POST /api/v2/user_profiles/{profile_id}/events",
    )
    zd_eventually(lambda: one_event(zd_client, profile_events_path(profile_id), marker))


# The 202 body


@pytest.mark.contract("ingestion.track.response_body")
@pytest.mark.parametrize("route", ["E5", "E4", "E6"])
def test_the_202_body_names_the_profile_and_its_user(
    route: str,
    zd_client: ZdClient,
    zd_namespace: Namespace,
    zd_created: Created,
    make_profile: Callable[[], Tracked],
    zd_eventually: Callable[..., Any],
) -> None:
    """The 202 answer to a tracked event MUST be {"profile_id", "status": "received", "user_id"},
    naming the profile the event was stored against and that profile's Zendesk user id as a
    string.

    Source: S1 example response {"profile_id":"01E1DPYAA7HW7645KMJEY9CXRJ","status":"received",
    "user_id":"123456"} (reference §2.3); S2 profile user_id is a string. Seed 000's tutorial shows
    only {"status": "received"}: an abridged older example that agrees on status; the reference's
    response, shown for each of E4, E5 and E6, is followed.
    """
    marker, event = new_event(zd_namespace)
    if route == "E5":
        path, body = TRACK_PATH, {"profile": zd_namespace.profile(), "event": event}
        expected_profile = expected_user = None
    else:
        known = make_profile()
        expected_profile, expected_user = known.profile_id, known.user_id
        if route == "E4":
            path, body = user_events_path(known.user_id), {"profile": known.body["profile"], "event": event}
        else:
            path, body = profile_events_path(known.profile_id), {"event": event}
    response = zd_client.post(path, json=body)
    answer = assert_accepted(response, zd_created, f"POST {path}")
    where = f"The 202 answer to POST {path} ({route})"
    assert isinstance(answer, dict), f"{where} must be a JSON object; got {shown(response)}"
    assert answer.get("status") == "received", f'{where} must say "status": "received"; got {shown(response)}'
    profile_id, user_id = answer.get("profile_id"), answer.get("user_id")
    assert isinstance(profile_id, str) and profile_id, (
        f"{where} must name the profile_id the event was stored against; got {shown(response)}"
    )
    assert isinstance(user_id, str) and user_id, (
        f'{where} must give the profile\'s Zendesk user_id as a string (S1 \'"user_id":"123456"\'); '
        f"got {shown(response)}"
    )
    if expected_profile is not None:
        assert profile_id == expected_profile, (
            f"{where} must name the profile the event was stored against, {expected_profile}; got "
            f"{shown(response)}"
        )
        assert user_id == expected_user, (
            f"{where} must name that profile's user, {expected_user}; got {shown(response)}"
        )

    # The profile it names holds the event, and its user is the user the answer names.
    profile = zd_client.get(f"/api/v2/user_profiles/{profile_id}")
    assert profile.status_code == 200, (
        f"{where} named profile {profile_id}, but GET /api/v2/user_profiles/{profile_id} answered "
        f"{shown(profile)}"
    )
    stored_user = profile.json().get("profile", {}).get("user_id")
    assert str(stored_user) == user_id, (
        f"{where} named user_id {user_id!r}, but the profile's user_id is {stored_user!r}: {shown(profile)}"
    )
    zd_eventually(lambda: one_event(zd_client, profile_events_path(profile_id), marker))


# What is stored


@pytest.mark.contract("ingestion.event.read_back")
def test_an_event_reads_back_as_sent(
    zd_client: ZdClient,
    zd_namespace: Namespace,
    zd_track: Callable[..., Tracked],
    zd_eventually: Callable[..., Any],
) -> None:
    """An event read back MUST have the source, type, description and properties that were sent,
    nested objects in properties included.

    Source: seed 001 (Events API reference), JSON format: properties 'A custom JSON object with
    details about the event', description 'An event description'; the reference's track body and
    Get Events responses carry the same nested properties (billing.zipcode, item.name).
    """
    marker = zd_namespace.value()
    sent = {
        "source": EVENT_SOURCES[1],
        "type": EVENT_TYPES[1],
        "description": "Order complete",
        "properties": {
            "run": zd_namespace.run_id,
            "marker": marker,
            "item": {"name": "Zendesk Swag", "price": "499.99"},
            "billing": {
                "city": "San Francisco",
                "zipcode": "94103",
                "address": {"address1": "1019 Market St", "state": "CA"},
            },
        },
    }
    tracked = zd_track(event=sent)
    path = profile_events_path(tracked.profile_id)

    def reads_back_as_sent() -> None:
        event = one_event(zd_client, path, marker)
        got = {key: event.get(key) for key in sent}
        assert got == sent, (
            "An event read back MUST have the source, type, description and properties that were sent, "
            f"nested objects included (seed 001).\nsent: {sent}\nread: {got}"
        )

    zd_eventually(reads_back_as_sent)


@pytest.mark.contract("ingestion.created_at.as_sent_or_received")
def test_created_at_reads_back_as_the_instant_sent(
    zd_client: ZdClient,
    zd_namespace: Namespace,
    zd_track: Callable[..., Tracked],
    zd_eventually: Callable[..., Any],
) -> None:
    """An event's created_at MUST read back as the instant that was sent, or, when none was sent,
    as the time the API received the event.

    Source: seed 001 (Events API reference), JSON format: created_at 'ISO-8601 compliant date-time
    reflecting the time the event was created. If not set, the API sets the value when it
    receives the event'. Here: the case where one was sent, with a +02:00 offset, a day ago.
    """
    sent_instant = (now() - timedelta(days=1, hours=3)).replace(microsecond=0)
    sent = sent_instant.astimezone(timezone(timedelta(hours=2))).isoformat()
    marker, event = new_event(zd_namespace, created_at=sent)
    tracked = zd_track(event=event)

    def as_sent() -> None:
        got = one_event(zd_client, profile_events_path(tracked.profile_id), marker).get("created_at")
        parsed = instant(got)
        assert parsed is not None and parsed.tzinfo is not None, (
            f"created_at must read back as an ISO-8601 date-time denoting the instant sent ({sent}); got "
            f"{got!r}"
        )
        assert parsed == sent_instant, (
            f"created_at MUST read back as the instant that was sent (seed 001): sent {sent}, read {got!r}"
        )

    zd_eventually(as_sent)


@pytest.mark.contract("ingestion.created_at.as_sent_or_received")
def test_created_at_defaults_to_the_time_received(
    zd_client: ZdClient,
    zd_namespace: Namespace,
    zd_track: Callable[..., Tracked],
    zd_eventually: Callable[..., Any],
) -> None:
    """An event's created_at MUST read back as the instant that was sent, or, when none was sent,
    as the time the API received the event.

    Source: seed 001 (Events API reference), JSON format: created_at 'If not set, the API sets the
    value when it receives the event'. Checked against this client's clock before and after the
    request, with a tolerance for clock skew.
    """
    marker, event = new_event(zd_namespace)
    before = now()
    tracked = zd_track(event=event)
    after = now()

    def set_when_received() -> None:
        got = one_event(zd_client, profile_events_path(tracked.profile_id), marker).get("created_at")
        parsed = instant(got)
        assert parsed is not None, (
            f"When none is sent, the API MUST set created_at, an ISO-8601 date-time (seed 001); got {got!r}"
        )
        if parsed.tzinfo is not None:
            assert before - CLOCK_SKEW <= parsed <= after + CLOCK_SKEW, (
                "When none is sent, created_at MUST be the time the API received the event (seed 001): "
                f"sent between {before.isoformat()} and {after.isoformat()}, read {got!r}"
            )

    zd_eventually(set_when_received)


@pytest.mark.contract("ingestion.received_at.set")
def test_every_event_read_back_carries_received_at(
    zd_client: ZdClient,
    zd_namespace: Namespace,
    zd_track: Callable[..., Tracked],
    zd_eventually: Callable[..., Any],
) -> None:
    """Every event read back MUST carry received_at, the ISO-8601 date-time at which the event was
    received.

    Source: seed 001 (Events API reference), JSON format: received_at (read-only) 'ISO-8601
    compliant date-time reflecting the time the event was received'; seed 000 and seed 002 (every
    example response) include it. S1's own Get Events examples omit it; the table and the guides'
    examples are the majority reading (reference §2.1). Read through E3, E2 and E1; created_at is
    sent a day back, so received_at cannot be mistaken for it.
    """
    created_at = (now() - timedelta(days=1)).replace(microsecond=0).isoformat()
    marker, event = new_event(zd_namespace, created_at=created_at)
    before = now()
    tracked = zd_track(event=event)
    after = now()
    reads = {
        "E3": (profile_events_path(tracked.profile_id), None),
        "E2": (IDENTIFIER_EVENTS_PATH, {"identifier": identifier_query(tracked.identifiers[0])}),
        "E1": (user_events_path(tracked.user_id), {"filter[source]": EVENT_SOURCES[0]}),
    }

    def carries_received_at() -> None:
        for route, (path, params) in reads.items():
            got = one_event(zd_client, path, marker, params).get("received_at")
            parsed = instant(got)
            assert parsed is not None, (
                "Every event read back MUST carry received_at, an ISO-8601 date-time (seed 001); GET "
                f"{path} ({route}) gave {got!r}"
            )
            if parsed.tzinfo is not None:
                assert before - CLOCK_SKEW <= parsed <= after + CLOCK_SKEW, (
                    "received_at MUST be the time the event was received (seed 001): sent between "
                    f"{before.isoformat()} and {after.isoformat()}, GET {path} ({route}) gave {got!r}"
                )

    zd_eventually(carries_received_at)


# What is refused


@pytest.mark.contract("ingestion.protected_source.event_refused")
@pytest.mark.parametrize("route", ["E5", "E6"])
def test_an_event_with_the_zendesk_source_is_refused_and_not_stored(
    route: str,
    zd_client: ZdClient,
    zd_namespace: Namespace,
    zd_created: Created,
    zd_track: Callable[..., Tracked],
    zd_eventually: Callable[..., Any],
) -> None:
    """An event with the source 'zendesk' MUST be refused with a 4xx and not stored: 'Any attempts
    to use this source when creating an event results in an error'.

    Source: seed 001 (Events API reference), JSON format, source: "'zendesk' is a protected source
    name for Zendesk standard events. Any attempts to use this source when creating an event
    results in an error"; reference §6.2 (status unknown, so any 4xx).
    """
    tracked = zd_track()
    refused_marker, refused_event = new_event(zd_namespace, source="zendesk")
    if route == "E5":
        path, body = TRACK_PATH, {"profile": tracked.body["profile"], "event": refused_event}
    else:
        path, body = profile_events_path(tracked.profile_id), {"event": refused_event}
    assert_refused(
        zd_client.post(path, json=body),
        zd_created,
        f"An event with the source 'zendesk' MUST be refused with a 4xx (seed 001); POST {path} ({route})",
    )
    # Not stored: once a later, valid event of the same profile is readable, the refused one is absent.
    later_marker, later_event = new_event(zd_namespace)
    zd_track(*tracked.identifiers, event=later_event)
    events_path = profile_events_path(tracked.profile_id)
    zd_eventually(lambda: one_event(zd_client, events_path, later_marker))
    stored = marked(read_all(zd_client, events_path), refused_marker)
    assert not stored, f"An event with the source 'zendesk' MUST not be stored (seed 001); it was: {stored}"


@pytest.mark.contract("ingestion.protected_source.profile_refused")
def test_a_profile_with_the_zendesk_source_is_refused(
    zd_client: ZdClient, zd_namespace: Namespace, zd_created: Created
) -> None:
    """A track request whose profile has the source 'zendesk' MUST be refused with a 4xx, since
    that value 'is reserved and cannot be used to create a profile'.

    Source: reference §2.5 and §6.2, S2 Profiles API reference: profile source 'the value
    "zendesk" is reserved and cannot be used to create a profile'.
    """
    _, event = new_event(zd_namespace)
    body = {"profile": zd_namespace.profile(source="zendesk"), "event": event}
    assert_refused(
        zd_client.post(TRACK_PATH, json=body),
        zd_created,
        "A track request whose profile has the source 'zendesk' MUST be refused with a 4xx (S2: 'reserved "
        "and cannot be used to create a profile')",
    )


NUMBERS = {
    "event property": ({"count": 3}, None),
    "nested event property": ({"item": {"price": 499.99}}, None),
    "profile attribute": ({}, {"age": 42}),
}


@pytest.mark.contract("ingestion.numbers.refused")
@pytest.mark.parametrize("where", sorted(NUMBERS))
def test_a_json_number_is_refused(
    where: str, zd_client: ZdClient, zd_namespace: Namespace, zd_created: Created
) -> None:
    """A track request with a JSON number in the event's properties or the profile's attributes
    MUST be refused with a 4xx, since 'The API doesn't accept numeric values' and 'All numbers
    must be strings'.

    Source: seed 000 (Tracking events), step 3: 'The API doesn't accept numeric values. All
    numbers must be strings. Example: "16505556789".'; S6 'All event properties are strings,
    including number values' (reference §2.1). Identifier values are left out: S2 has an example
    with a numeric phone_number value (reference §8 item 4).
    """
    properties, attributes = NUMBERS[where]
    _, event = new_event(zd_namespace)
    event["properties"].update(properties)
    profile = zd_namespace.profile(**({"attributes": attributes} if attributes else {}))
    assert_refused(
        zd_client.post(TRACK_PATH, json={"profile": profile, "event": event}),
        zd_created,
        f"A JSON number in the {where} MUST be refused with a 4xx (seed 000: 'The API doesn't accept "
        "numeric values. All numbers must be strings')",
    )


@pytest.mark.contract("ingestion.length.source_type_refused")
@pytest.mark.parametrize("field", ["event.source", "event.type", "profile.source", "profile.type"])
def test_a_source_or_type_over_40_characters_is_refused(
    field: str, zd_client: ZdClient, zd_namespace: Namespace, zd_created: Created
) -> None:
    """A track request whose event or profile source or type is longer than 40 characters MUST be
    refused with a 4xx.

    Source: reference §6.1, S14 hard limits: profile source/type length 40 chars, event
    source/type length 40 chars; S17 (3rd-party) shows the refusal, 400 InvalidProfileTypeLength
    'Profile type length > 40 chars'.
    """
    assert len(TOO_LONG) == 41
    _, event = new_event(zd_namespace)
    body = {"profile": zd_namespace.profile(), "event": event}
    member, key = field.split(".")
    body[member][key] = TOO_LONG
    assert_refused(
        zd_client.post(TRACK_PATH, json=body),
        zd_created,
        f"A {field} of 41 characters MUST be refused with a 4xx (S14: source and type are at most 40 "
        "characters)",
    )
