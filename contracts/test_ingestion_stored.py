"""Ingestion: what is stored. An event reads back as sent, empty values included, its created_at
as sent or as received, and every event carries received_at; every id handed out is unique.

Every event carries a unique mark, so a contract finds its own events in a read without assuming
an order; reads of what was just written go through zd.eventually. A contract about one event it
finds by its mark tracks it for the run's shared profile (``Kit.shared_profile``): a tenant spends
no profile, and no clean-up DELETE, on it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from pytest_zdevents.runtime.isolation import EVENT_SOURCES, EVENT_TYPES, MARK, mark_of, recent_instant
from pytest_zdevents.runtime.kit import Kit
from pytest_zdevents.runtime.paths import profile_events_path
from pytest_zdevents.runtime.reads import events_shown, one_event, read_all
from pytest_zdevents.runtime.timeline import SCOPES, within_source
from pytest_zdevents.runtime.timestamps import CLOCK_SKEW, instant, stamp


def assert_received_then(
    got: Any, before: datetime, after: datetime, is_date_time: str, is_then: str
) -> None:
    """``got`` is an ISO 8601 date-time (``is_date_time`` says the promise) and, when it has an
    offset to compare by, within the request's time give or take clock skew (``is_then``)."""
    parsed = instant(got)
    assert parsed is not None, f"{is_date_time}; got {got!r}"
    if parsed.tzinfo is not None:
        assert before - CLOCK_SKEW <= parsed <= after + CLOCK_SKEW, (
            f"{is_then}: sent between {before.isoformat()} and {after.isoformat()}, got {got!r}"
        )


@pytest.mark.contract("ingestion.event.read_back")
def test_an_event_reads_back_as_sent(zd: Kit) -> None:
    """An event with properties nested two levels deep, read back through E3."""
    sent = {
        "source": EVENT_SOURCES[1],
        "type": EVENT_TYPES[1],
        "description": "Order complete",
        "properties": {
            "run": zd.namespace.run_id,
            MARK: zd.namespace.value(),
            "item": {"name": "Zendesk Swag", "price": "499.99"},
            "billing": {
                "city": "San Francisco",
                "zipcode": "94103",
                "address": {"address1": "1019 Market St", "state": "CA"},
            },
        },
    }
    path = profile_events_path(zd.track(*zd.shared_profile().identifiers, event=sent).profile_id)

    def reads_back_as_sent() -> None:
        event = one_event(zd.client, path, mark_of(sent))
        got = {key: event.get(key) for key in sent}
        assert got == sent, (
            "An event read back MUST have the source, type, description and properties that were sent, "
            f"nested objects included (seed 001).\nsent: {sent}\nread: {got}"
        )

    zd.eventually(reads_back_as_sent)


@pytest.mark.contract("ingestion.created_at.as_sent_or_received")
def test_created_at_reads_back_as_the_instant_sent(zd: Kit) -> None:
    """One was sent: a day ago, with a +02:00 offset; read back through E3."""
    sent_instant = (datetime.now(UTC) - timedelta(days=1, hours=3)).replace(microsecond=0)
    sent = stamp(sent_instant, 120)
    tracked = zd.track(*zd.shared_profile().identifiers, event={"created_at": sent})
    path = profile_events_path(tracked.profile_id)

    def as_sent() -> None:
        got = one_event(zd.client, path, mark_of(tracked.body["event"])).get("created_at")
        parsed = instant(got)
        assert parsed is not None and parsed.tzinfo is not None, (
            f"created_at must read back as an ISO-8601 date-time denoting the instant sent ({sent}); got "
            f"{got!r}"
        )
        assert parsed == sent_instant, (
            f"created_at MUST read back as the instant that was sent (seed 001): sent {sent}, read {got!r}"
        )

    zd.eventually(as_sent)


@pytest.mark.contract("ingestion.created_at.as_sent_or_received")
def test_created_at_defaults_to_the_time_received(zd: Kit) -> None:
    """None was sent: checked against this client's clock before and after the request, with a
    tolerance for clock skew."""
    identifiers = zd.shared_profile().identifiers
    before = datetime.now(UTC)
    tracked = zd.track(*identifiers)
    after = datetime.now(UTC)
    path = profile_events_path(tracked.profile_id)

    def set_when_received() -> None:
        assert_received_then(
            one_event(zd.client, path, mark_of(tracked.body["event"])).get("created_at"),
            before,
            after,
            "When none is sent, the API MUST set created_at, an ISO-8601 date-time (seed 001)",
            "When none is sent, created_at MUST be the time the API received the event (seed 001)",
        )

    zd.eventually(set_when_received)


@pytest.mark.contract("ingestion.received_at.set")
def test_every_event_read_back_carries_received_at(zd: Kit) -> None:
    """Read through E3, E2 and E1; created_at is sent a day back, so received_at cannot be
    mistaken for it."""
    timeline = zd.timeline()
    created_at = stamp(datetime.now(UTC) - timedelta(days=1))
    before = datetime.now(UTC)
    mark = timeline.track(EVENT_SOURCES[0], EVENT_TYPES[0], created_at)
    after = datetime.now(UTC)

    def carries_received_at() -> None:
        for scope in SCOPES:
            path, params = timeline.place(scope)
            assert_received_then(
                one_event(zd.client, path, mark, {**params, **within_source(scope)}).get("received_at"),
                before,
                after,
                f"Every event read back MUST carry received_at, an ISO-8601 date-time (seed 001); GET {path}",
                f"received_at MUST be the time the event was received (seed 001); GET {path}",
            )

    zd.eventually(carries_received_at)


@pytest.mark.contract("ingestion.ids.unique")
def test_event_ids_are_unique(zd: Kit) -> None:
    """Three fresh profiles with two events each, all six with one created_at and tracked one after
    another; every id read back through E3, compared as strings."""
    created_at = stamp(recent_instant())
    profile_ids: dict[str, None] = {}
    for _ in range(3):
        first = zd.track(event={"created_at": created_at})
        zd.track(*first.identifiers, event={"created_at": created_at})
        profile_ids[first.profile_id] = None

    def ids_unique() -> None:
        ids: list[str] = []
        for profile_id in profile_ids:
            events = read_all(zd.client, profile_events_path(profile_id))
            without = [event for event in events if event.get("id") in (None, "")]
            assert not without, (
                f"Every event read back carries its id, the 'ID of the event' (seed 001); GET "
                f"{profile_events_path(profile_id)} returned events without one: {without}"
            )
            assert len(events) >= 2, (
                f"GET {profile_events_path(profile_id)} should return the profile's two tracked events; "
                f"it returned {len(events)}"
            )
            ids += [str(event["id"]) for event in events]
        repeated = sorted({event_id for event_id in ids if ids.count(event_id) > 1})
        assert not repeated, (
            f"Every event id MUST be unique (seed 001: 'ID of the event'); of the {len(ids)} events of "
            f"profiles {list(profile_ids)}, these ids name more than one: {repeated}"
        )

    zd.eventually(ids_unique, shown=lambda: [events_shown(zd.client, p, 2) for p in profile_ids])


@pytest.mark.contract("ingestion.ids.unique")
def test_profile_ids_and_new_user_ids_are_unique(zd: Kit) -> None:
    """Five profiles, each with a fresh email address no user has, tracked one after another: the
    profile ids and user ids their answers name, compared as strings."""
    tracked = [zd.track() for _ in range(5)]
    emails = [t.identifiers[0]["value"] for t in tracked]
    profile_ids = [t.profile_id for t in tracked]
    assert len(set(profile_ids)) == len(tracked), (
        "Every profile id MUST be unique (S2: a profile is got by its id): five new profiles, one for "
        f"each of {emails}, were answered with the profile ids {profile_ids}"
    )
    user_ids = [t.user_id for t in tracked]
    assert all(user_ids), (
        f"The answer to a tracked event names the profile's Zendesk user (S1); got the user ids {user_ids}"
    )
    assert len(set(user_ids)) == len(tracked), (
        "When no Zendesk user shares any of a new profile's identifiers, the API 'creates an anonymous "
        "Zendesk user' for it (seed 000, S2): five profiles with the fresh emails "
        f"{emails} MUST have five users, with five ids; they were answered with the user ids {user_ids}"
    )


@pytest.mark.contract("ingestion.empty_values.read_back")
def test_empty_properties_read_back_empty(zd: Kit) -> None:
    """The only event of a fresh profile, with properties {}, read back through E3."""
    tracked = zd.track(event={"properties": {}})
    path = profile_events_path(tracked.profile_id)

    def read_back_empty() -> None:
        events = read_all(zd.client, path)
        assert len(events) == 1, f"GET {path} should return the profile's one event; it returned {events}"
        assert "properties" in events[0] and events[0]["properties"] == {}, (
            "An event sent with properties {} MUST read back with properties {} (seed 001: 'A custom "
            f"JSON object'); GET {path} returned {events[0]}"
        )

    zd.eventually(read_back_empty, shown=lambda: events_shown(zd.client, tracked.profile_id, 1))


@pytest.mark.contract("ingestion.empty_values.read_back")
def test_empty_strings_and_objects_read_back_as_sent(zd: Kit) -> None:
    """An event whose description is "" and whose properties hold "", {} and an object holding
    both, read back through E3."""
    sent = {
        "source": EVENT_SOURCES[0],
        "type": EVENT_TYPES[2],
        "description": "",
        "properties": {
            "run": zd.namespace.run_id,
            MARK: zd.namespace.value(),
            "note": "",
            "details": {},
            "item": {"name": "Zendesk Swag", "size": "", "options": {}},
        },
    }
    path = profile_events_path(zd.track(*zd.shared_profile().identifiers, event=sent).profile_id)

    def read_back_as_sent() -> None:
        event = one_event(zd.client, path, mark_of(sent))
        got = {key: event.get(key, "(missing)") for key in sent}
        assert got == sent, (
            'An event read back MUST have the empty values that were sent, "" and {} (seed 001: description '
            f"'An event description', properties 'A custom JSON object').\nsent: {sent}\nread: {got}"
        )

    zd.eventually(read_back_as_sent)
