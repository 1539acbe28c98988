"""Filters on the three ways of reading events (E1 by user, E2 by identifier query, E3 by
profile id): filter[source], filter[type], filter[start_time], filter[end_time] (seed 001, S3).

Every test tracks its own events against a fresh profile, waits until an unfiltered read shows
all of them, then reads once per filter and compares the events it gets with the ones that
should match, by a unique mark each event carries in its properties, never by order. Time bounds
are full date-times with an offset (never date-only), filter[type] is always sent with
filter[source], and reads by user (which may also list Zendesk standard events, S23) always send
filter[source].
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from pytest_zdevents.runtime.cleanup import Created
from pytest_zdevents.runtime.client import ZdClient
from pytest_zdevents.runtime.isolation import (
    EVENT_SOURCES,
    EVENT_TYPES,
    MARK,
    PROFILE_SOURCE,
    PROFILE_TYPE,
    Namespace,
    identifier_query,
    recent_instant,
)
from pytest_zdevents.runtime.paths import (
    IDENTIFIER_EVENTS_PATH,
    TRACK_PATH,
    profile_events_path,
    user_events_path,
)
from pytest_zdevents.runtime.reads import read_all

SCOPES = ("profile", "identifier", "user")
A, B = EVENT_SOURCES
T0, T1, T2 = EVENT_TYPES


def stamp(instant: datetime, offset_minutes: int = 0, *, zulu: bool = False) -> str:
    """RFC 3339 date-time of ``instant`` written with the given UTC offset (``Z`` when asked)."""
    local = instant.astimezone(timezone(timedelta(minutes=offset_minutes)))
    text = local.isoformat(timespec="seconds")
    return text[:-6] + "Z" if zulu and offset_minutes == 0 else text


def show(events: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """What came back, short: (mark, source, type, created_at) per event."""
    return [
        ((e.get("properties") or {}).get(MARK), e.get("source"), e.get("type"), e.get("created_at"))
        for e in events
    ]


class Timeline:
    """Events of one fresh profile, each with a unique mark, readable in three scopes."""

    def __init__(
        self, client: ZdClient, namespace: Namespace, created: Created, eventually: Callable[..., Any]
    ) -> None:
        self.client = client
        self.namespace = namespace
        self.created = created
        self.eventually = eventually
        self.identifier = namespace.identifier("email")
        self.profile_id = ""
        self.user_id = ""
        self.sent: dict[str, dict[str, Any]] = {}

    def track(self, source: str, type_: str, created_at: str) -> str:
        """Track one event (E5) and return its mark."""
        mark = self.namespace.value()
        event = {"source": source, "type": type_, "created_at": created_at, "properties": {MARK: mark}}
        body = {
            "profile": {"source": PROFILE_SOURCE, "type": PROFILE_TYPE, "identifiers": [self.identifier]},
            "event": event,
        }
        response = self.client.post(TRACK_PATH, json=body)
        assert response.status_code == 202, (
            f"Tracking an event must be answered 202 (S1); got {response.status_code}: {response.text[:500]}"
        )
        answer = response.json()
        profile_id = str(answer["profile_id"])
        self.created.add(profile_id)
        if not self.profile_id:
            self.profile_id, self.user_id = profile_id, str(answer.get("user_id", ""))
        assert profile_id == self.profile_id, (
            f"Events tracked with the same identifier must go to the same profile (S1); the first "
            f"went to {self.profile_id}, this one to {profile_id}."
        )
        self.sent[mark] = event
        return mark

    def place(self, scope: str) -> tuple[str, dict[str, str]]:
        """The path and base query of a read in ``scope``."""
        if scope == "profile":
            return profile_events_path(self.profile_id), {}
        if scope == "identifier":
            return IDENTIFIER_EVENTS_PATH, {"identifier": identifier_query(self.identifier)}
        return user_events_path(self.user_id), {}

    def read(self, scope: str, filters: dict[str, str]) -> list[dict[str, Any]]:
        """Every event of the scope that the filters select, across all pages."""
        path, params = self.place(scope)
        return read_all(self.client, path, {**params, **filters}, page_size=50)

    def wait(self, scope: str) -> None:
        """Until an unfiltered read of the scope shows every tracked event (ingestion may lag)."""

        def visible() -> None:
            events = self.read(scope, {})
            missing = set(self.sent) - {(e.get("properties") or {}).get(MARK) for e in events}
            assert not missing, (
                f"{len(missing)} of the {len(self.sent)} tracked events are not readable yet "
                f"({scope} read); got {show(events)}"
            )

        self.eventually(visible)

    def check(
        self, scope: str, filters: dict[str, str], expected: list[str], promise: str
    ) -> list[dict[str, Any]]:
        """Read once with ``filters`` and compare with the ``expected`` marks, each once."""
        if scope == "user" and "filter[source]" not in filters:
            raise AssertionError("reads by user always send filter[source] (S23 standard events)")
        events = self.read(scope, filters)
        got = Counter((e.get("properties") or {}).get(MARK) for e in events)
        tracked = [(m, e["source"], e["type"], e["created_at"]) for m, e in self.sent.items()]
        assert got == Counter(expected), (
            f"{promise}\nRead by {scope} with {filters}: expected exactly the events {sorted(expected)} "
            f"of those tracked {tracked}; got {show(events)}"
        )
        return events


@pytest.fixture
def timeline(
    zd_client: ZdClient, zd_namespace: Namespace, zd_created: Created, zd_eventually: Any
) -> Timeline:
    return Timeline(zd_client, zd_namespace, zd_created, zd_eventually)


def with_source(scope: str, filters: dict[str, str], source: str = A) -> dict[str, str]:
    """Reads by user are compared within filter[source] (S23: Zendesk standard events)."""
    return {"filter[source]": source, **filters} if scope == "user" else filters


@pytest.mark.contract("filters.source.matches")
@pytest.mark.parametrize("scope", SCOPES)
def test_source_filter_includes_only_that_source(timeline: Timeline, scope: str) -> None:
    """filter[source] MUST include only events of the specified source.

    seed 001 (Events API reference), Get Events: filter[source] 'Include events of the specified
    source'; 'source - Include only events of the specified source'"""
    t = recent_instant()
    by_source = {A: [], B: []}
    for i, (source, type_) in enumerate([(A, T0), (A, T1), (B, T0), (B, T2)]):
        by_source[source].append(timeline.track(source, type_, stamp(t + timedelta(minutes=i))))
    timeline.wait(scope)
    for source, marks in by_source.items():
        events = timeline.check(
            scope,
            {"filter[source]": source},
            marks,
            f"filter[source]={source} must include only, and all, the events of source {source} (seed 001).",
        )
        wrong = [e for e in events if e.get("source") != source]
        assert not wrong, (
            f"filter[source]={source} must include only events of the specified source (seed 001); "
            f"got events of other sources: {show(wrong)}"
        )


@pytest.mark.contract("filters.type.matches")
@pytest.mark.parametrize("scope", SCOPES)
def test_type_filter_includes_only_that_type_of_the_source(timeline: Timeline, scope: str) -> None:
    """filter[type] sent with filter[source] MUST include only events of the specified type for
    the given event source.

    seed 001 (Events API reference), Get Events: filter[type] 'Include events of the specified
    type for the given event source. The filter[source] parameter must be included'"""
    t = recent_instant()
    expected: dict[tuple[str, str], list[str]] = {(A, T0): [], (A, T1): [], (B, T0): [], (B, T1): []}
    for i, (source, type_) in enumerate([(A, T0), (A, T1), (B, T0), (A, T2), (A, T0)]):
        mark = timeline.track(source, type_, stamp(t + timedelta(minutes=i)))
        expected.setdefault((source, type_), []).append(mark)
    timeline.wait(scope)
    for source, type_ in [(A, T0), (A, T1), (B, T0), (B, T1)]:
        events = timeline.check(
            scope,
            {"filter[source]": source, "filter[type]": type_},
            expected[(source, type_)],
            f"filter[source]={source}&filter[type]={type_} must include only, and all, the events of "
            f"type {type_} for source {source} (seed 001).",
        )
        wrong = [e for e in events if (e.get("source"), e.get("type")) != (source, type_)]
        assert not wrong, (
            f"filter[type]={type_} with filter[source]={source} must include only events of that type "
            f"for that source (seed 001); got {show(wrong)}"
        )


@pytest.mark.contract("filters.start_time.inclusive")
@pytest.mark.parametrize("scope", SCOPES)
def test_start_time_is_inclusive(timeline: Timeline, scope: str) -> None:
    """filter[start_time] MUST include events whose created_at is equal to or later than it, and
    only those.

    seed 001 (Events API reference), Get Events: filter[start_time] 'Include events equal to or
    later than the created_at time' (reference §4: inclusive)"""
    t = recent_instant()
    marks = [timeline.track(A, T0, stamp(t + timedelta(minutes=i))) for i in range(3)]
    timeline.wait(scope)
    cases = [
        (stamp(t + timedelta(minutes=1), zulu=True), marks[1:]),  # equal to the middle event
        (stamp(t + timedelta(minutes=1, seconds=1)), marks[2:]),  # just after it
        (stamp(t - timedelta(seconds=1), zulu=True), marks),  # before every event
        (stamp(t + timedelta(minutes=2)), marks[2:]),  # equal to the last event
    ]
    for bound, expected in cases:
        timeline.check(
            scope,
            with_source(scope, {"filter[start_time]": bound}),
            expected,
            f"filter[start_time]={bound} must include the events whose created_at is equal to or "
            "later than it, and only those (seed 001: 'equal to or later than').",
        )


@pytest.mark.contract("filters.end_time.inclusive")
@pytest.mark.parametrize("scope", SCOPES)
def test_end_time_is_inclusive(timeline: Timeline, scope: str) -> None:
    """filter[end_time] MUST include events whose created_at is equal to or before it, and only
    those.

    seed 001 (Events API reference), Get Events by Sunshine Profile: filter[end_time] 'Include
    events equal to or before the created_at time' (reference §4: inclusive)"""
    t = recent_instant()
    marks = [timeline.track(A, T0, stamp(t + timedelta(minutes=i))) for i in range(3)]
    timeline.wait(scope)
    cases = [
        (stamp(t + timedelta(minutes=1), zulu=True), marks[:2]),  # equal to the middle event
        (stamp(t + timedelta(minutes=1) - timedelta(seconds=1)), marks[:1]),  # just before it
        (stamp(t + timedelta(minutes=2, seconds=1), zulu=True), marks),  # after every event
        (stamp(t), marks[:1]),  # equal to the first event
    ]
    for bound, expected in cases:
        timeline.check(
            scope,
            with_source(scope, {"filter[end_time]": bound}),
            expected,
            f"filter[end_time]={bound} must include the events whose created_at is equal to or "
            "before it, and only those (seed 001: 'equal to or before').",
        )


@pytest.mark.contract("filters.combined.and")
@pytest.mark.parametrize("scope", SCOPES)
def test_filters_combine_with_and(timeline: Timeline, scope: str) -> None:
    """filter[source], filter[type], filter[start_time] and filter[end_time] sent together MUST
    include only the events that match every one of them.

    reference §4, S3 (Filtering events):
    'filter[source]=coolbikes&filter[end_date]=2020-03-16&page[size]=5' (end_date is a doc typo
    for end_time); seed 002 (Accessing events) combines filter[start_time] and filter[end_time] in
    every example"""
    t = recent_instant()
    start, end = t + timedelta(minutes=2), t + timedelta(minutes=4)
    matching = [
        timeline.track(A, T0, stamp(start)),  # on the start bound
        timeline.track(A, T0, stamp(end)),  # on the end bound
    ]
    other_source = timeline.track(B, T0, stamp(start + timedelta(seconds=30)))
    timeline.track(A, T1, stamp(start + timedelta(seconds=30)))  # every filter but type
    timeline.track(A, T0, stamp(start - timedelta(minutes=1)))  # every filter but start_time
    timeline.track(A, T0, stamp(end + timedelta(minutes=1)))  # every filter but end_time
    timeline.wait(scope)
    window = {"filter[start_time]": stamp(start, zulu=True), "filter[end_time]": stamp(end, zulu=True)}
    for source, expected in [(A, matching), (B, [other_source])]:
        filters = {"filter[source]": source, "filter[type]": T0, **window}
        events = timeline.check(
            scope,
            filters,
            expected,
            "filter[source], filter[type], filter[start_time] and filter[end_time] sent together must "
            "include only, and all, the events that match every one of them (S3).",
        )
        wrong = [e for e in events if (e.get("source"), e.get("type")) != (source, T0)]
        assert not wrong, f"Events that do not match every filter came back: {show(wrong)}"


@pytest.mark.contract("filters.time.offsets")
@pytest.mark.parametrize("scope", SCOPES)
def test_time_bounds_compare_instants_honouring_offsets(timeline: Timeline, scope: str) -> None:
    """filter[start_time] and filter[end_time] MUST be compared with created_at as the instants
    they denote, honouring each one's UTC offset.

    reference §4, S3: time filters are 'ISO 8601 formatted date-time'; seed 001 JSON format:
    created_at is an 'ISO-8601 compliant date-time', sent with an offset in every example
    ('2020-01-31T00:44:07+00:00'); ISO 8601 date-times with different offsets denote the same
    instant when their UTC times agree"""
    t = recent_instant()
    u1, u2, u3 = t, t + timedelta(minutes=1), t + timedelta(minutes=2)
    e1 = timeline.track(A, T0, stamp(u1, 120))  # created_at in +02:00
    e2 = timeline.track(A, T0, stamp(u2, zulu=True))  # created_at in Z
    e3 = timeline.track(A, T0, stamp(u3, -330))  # created_at in -05:30
    timeline.wait(scope)
    cases = [
        (stamp(u1, zulu=True), stamp(u1, zulu=True), [e1]),  # +02:00 event, bounds in Z
        (stamp(u2, 120), stamp(u2, 120), [e2]),  # Z event, bounds in +02:00
        (stamp(u2, -600), stamp(u3, 585), [e2, e3]),  # bounds in -10:00 and +09:45
        (stamp(u1 + timedelta(seconds=1), 60), stamp(u3 - timedelta(seconds=1), -60), [e2]),
    ]
    for start, end, expected in cases:
        timeline.check(
            scope,
            with_source(scope, {"filter[start_time]": start, "filter[end_time]": end}),
            expected,
            f"filter[start_time]={start} and filter[end_time]={end} must be compared with created_at "
            "as the instants they denote, honouring each one's UTC offset (ISO 8601; S3, seed 001).",
        )


@pytest.mark.contract("filters.start_time.invalid")
@pytest.mark.parametrize("scope", ["profile", "identifier"])
@pytest.mark.parametrize("value", ["not-a-date", "2020-13-45T99:00:00Z"])
def test_unreadable_start_time_is_start_timestamp_not_valid(
    timeline: Timeline, scope: str, value: str
) -> None:
    """A filter[start_time] that is not a date-time MUST be answered 400 with the error code
    StartTimestampNotValid.

    seed 001 (Events API reference), Get Events by Sunshine Profile, 400 Bad Request: {"errors":
    [{"code": "StartTimestampNotValid", "id": ..., "title": "Start Timestamp not valid"}]}
    (reference §4)"""
    timeline.track(A, T0, stamp(recent_instant()))
    timeline.wait(scope)  # the profile and its event exist, so a 404 cannot be the answer
    path, params = timeline.place(scope)
    response = timeline.client.get(path, params={**params, "filter[start_time]": value})
    assert response.status_code == 400, (
        f"filter[start_time]={value!r} is not a date-time, so GET {path} must answer 400 "
        f"StartTimestampNotValid (seed 001); got {response.status_code}: {response.text[:500]}"
    )
    try:
        errors = response.json()["errors"]
        codes = [error.get("code") for error in errors]
    except (ValueError, KeyError, TypeError, AttributeError):
        codes = None
    assert codes and "StartTimestampNotValid" in codes, (
        f"The 400 for filter[start_time]={value!r} must carry the error code StartTimestampNotValid "
        f'in {{"errors": [{{"code", "id", "title"}}]}} (seed 001); got {response.text[:500]}'
    )
