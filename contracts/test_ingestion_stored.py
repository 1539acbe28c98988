"""Ingestion: what is stored. An event reads back as sent, its created_at as sent or as received,
and every event carries received_at.

Every event carries a unique mark, so a contract finds its own events in a read without assuming
an order; reads of what was just written go through zd.eventually.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from pytest_zdevents.runtime.isolation import EVENT_SOURCES, EVENT_TYPES, MARK, mark_of
from pytest_zdevents.runtime.kit import Kit
from pytest_zdevents.runtime.paths import profile_events_path
from pytest_zdevents.runtime.reads import one_event
from pytest_zdevents.runtime.timeline import SCOPES, within_source
from pytest_zdevents.runtime.timestamps import instant, stamp

#: How far the target's clock may be from ours when a timestamp is compared with "now".
CLOCK_SKEW = timedelta(minutes=5)


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
    path = profile_events_path(zd.track(event=sent).profile_id)

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
    tracked = zd.track(event={"created_at": sent})
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
    before = datetime.now(UTC)
    tracked = zd.track()
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
