"""The time filters on the three ways of reading events (E1 by user, E2 by identifier query, E3 by
profile id): filter[start_time] and filter[end_time], inclusive, compared as instants (seed 001, S3).

As in test_filters.py: the events of every contract here are one profile's, tracked once a run for
the scopes and contracts that read them (``Kit.shared_timeline``, :func:`times`), and what a read
must hold is worked out by a matcher over what was tracked (``matching``), compared by mark, never
by order. Time bounds are full date-times with an offset (never date-only),
and reads by user always send filter[source] (S23 standard events).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pytest_zdevents.runtime.isolation import EVENT_SOURCES, EVENT_TYPES, mark_of
from pytest_zdevents.runtime.kit import Kit
from pytest_zdevents.runtime.paths import profile_events_path
from pytest_zdevents.runtime.reads import one_event, read_all
from pytest_zdevents.runtime.timeline import SCOPES, Timeline, check, matching, within_source
from pytest_zdevents.runtime.times import times
from pytest_zdevents.runtime.timestamps import CLOCK_SKEW, instant, stamp

A = EVENT_SOURCES[0]
T0 = EVENT_TYPES[0]


def check_bound(timeline: Timeline, scope: str, name: str, meaning: str, bounds: list[str]) -> None:
    """Read once per bound of ``bounds`` with the time filter ``name``, which includes the events
    whose created_at is ``meaning`` the bound (seed 001): those :func:`matching` selects."""
    for bound in bounds:
        filters = {**within_source(scope), name: bound}
        check(
            timeline,
            scope,
            filters,
            matching(timeline, filters),
            f"{name}={bound} must include the events whose created_at is {meaning} it, and only those "
            f"(seed 001: '{meaning}').",
        )


@pytest.mark.contract("filters.start_time.inclusive")
@pytest.mark.parametrize("scope", SCOPES)
def test_start_time_is_inclusive(zd: Kit, scope: str) -> None:
    """Three events a minute apart; bounds equal to the middle and last, just after one, and
    before all (the other events of the timeline come later)."""
    timeline, built, _ = times(zd, scope)
    t = built.t
    bounds = [
        stamp(t + timedelta(minutes=1), "Z"),  # equal to the middle event
        stamp(t + timedelta(minutes=1, seconds=1)),  # just after it
        stamp(t - timedelta(seconds=1), "Z"),  # before every event
        stamp(t + timedelta(minutes=2)),  # equal to the last event of the three
    ]
    check_bound(timeline, scope, "filter[start_time]", "equal to or later than", bounds)


@pytest.mark.contract("filters.end_time.inclusive")
@pytest.mark.parametrize("scope", SCOPES)
def test_end_time_is_inclusive(zd: Kit, scope: str) -> None:
    """Three events a minute apart; bounds equal to the first and middle, just before one, and
    after all three (the other events of the timeline come later)."""
    timeline, built, _ = times(zd, scope)
    t = built.t
    bounds = [
        stamp(t + timedelta(minutes=1), "Z"),  # equal to the middle event
        stamp(t + timedelta(minutes=1) - timedelta(seconds=1)),  # just before it
        stamp(t + timedelta(minutes=2, seconds=1), "Z"),  # after the three
        stamp(t),  # equal to the first event
    ]
    check_bound(timeline, scope, "filter[end_time]", "equal to or before", bounds)


@pytest.mark.contract("filters.time.created_when_received")
def test_time_bounds_find_an_event_created_when_received(zd: Kit) -> None:
    """One event sent without created_at, read by profile id (E3) with bounds the clock skew before
    and after the request (inside them), and with a start bound after it or an end bound before it."""
    before = datetime.now(UTC)
    tracked = zd.track()
    after = datetime.now(UTC)
    mark = mark_of(tracked.body["event"])
    path = profile_events_path(tracked.profile_id)
    zd.eventually(lambda: one_event(zd.client, path, mark))
    early, late = stamp(before - CLOCK_SKEW, "Z"), stamp(after + CLOCK_SKEW + timedelta(seconds=1), 60)
    cases = [
        ({"filter[start_time]": early}, [mark]),
        ({"filter[end_time]": late}, [mark]),
        ({"filter[start_time]": early, "filter[end_time]": late}, [mark]),
        ({"filter[start_time]": late}, []),
        ({"filter[end_time]": early}, []),
    ]
    for filters, expected in cases:
        got = [mark_of(event) for event in read_all(zd.client, path, filters)]
        assert got == expected, (
            "An event sent without created_at gets the time the API received it ('If not set, the API sets "
            "the value when it receives the event', seed 001), and filter[start_time] / filter[end_time] "
            "include the events whose created_at is equal to or later than / equal to or before them (seed "
            f"001). Sent between {before.isoformat()} and {after.isoformat()}; GET {path} with {filters} "
            f"(bounds {CLOCK_SKEW} of clock skew either side) should hold {expected}; got {got}"
        )


@pytest.mark.contract("filters.time.offsets")
@pytest.mark.parametrize("scope", SCOPES)
def test_time_bounds_compare_instants_honouring_offsets(zd: Kit, scope: str) -> None:
    """Events created in +02:00, Z and -05:30, read with bounds written in other offsets."""

    timeline, built, _ = times(zd, scope)
    e1, e2, e3 = built.offsets
    u1 = built.t + timedelta(minutes=10)
    u2, u3 = u1 + timedelta(minutes=1), u1 + timedelta(minutes=2)
    cases = [
        (stamp(u1, "Z"), stamp(u1, "Z"), [e1]),  # +02:00 event, bounds in Z
        (stamp(u2, 120), stamp(u2, 120), [e2]),  # Z event, bounds in +02:00
        (stamp(u2, -600), stamp(u3, 585), [e2, e3]),  # bounds in -10:00 and +09:45
        (stamp(u1 + timedelta(seconds=1), 60), stamp(u3 - timedelta(seconds=1), -60), [e2]),
    ]
    for start, end, expected in cases:
        check(
            timeline,
            scope,
            {**within_source(scope), "filter[start_time]": start, "filter[end_time]": end},
            expected,
            f"filter[start_time]={start} and filter[end_time]={end} must be compared with created_at "
            "as the instants they denote, honouring each one's UTC offset (ISO 8601; S3, seed 001).",
        )


#: Values that are no date-time: not one at all, a month 13, no 29 February in 2021, no 31st in
#: April or September, no minute 60 of an offset, no hour 24 but 24:00 (allowed by ISO 8601:2004 as
#: the end of a day, so not sent).
UNREADABLE_TIMES = [
    "not-a-date",
    "2020-13-45T99:00:00Z",
    "2021-02-29T00:00:00Z",
    "2021-04-31T00:00:00Z",
    "2021-09-31T12:00:00Z",
    "2021-01-01T00:00:00+05:60",
    "2021-01-01T24:30:00Z",
]


@pytest.mark.contract("filters.start_time.invalid")
@pytest.mark.parametrize("scope", ["profile", "identifier"])
def test_unreadable_start_time_is_start_timestamp_not_valid(zd: Kit, scope: str) -> None:
    """Each unreadable value of UNREADABLE_TIMES, read by profile id and by identifier query."""
    timeline, _, _ = times(zd, scope)  # the profile and its events exist: a 404 cannot be the answer
    path, params = timeline.place(scope)
    for value in UNREADABLE_TIMES:
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


@pytest.mark.contract("filters.time.subsecond")
@pytest.mark.parametrize("scope", SCOPES)
def test_time_bounds_separate_events_less_than_a_second_apart(zd: Kit, scope: str) -> None:
    """Three events 250 ms apart within one second, read with bounds equal to the middle one and
    between it and the last. What each read must hold is worked out from the created_at instants the
    target reads back, so a target that keeps less precision than was sent is held to its own values
    (the timeline's other events, minutes away, with them)."""
    timeline, built, read = times(zd, scope)
    stored = {mark_of(e): instant(e.get("created_at")) for e in read}
    created = {mark: stored.get(mark) for mark in timeline.sent}
    assert all(created.values()), (
        f"created_at must read back as an ISO-8601 date-time (seed 001); read {created} for {timeline.marks}"
    )
    moments = built.moments
    for bound in (moments[1], moments[1] + timedelta(milliseconds=100)):
        text = stamp(bound, "Z", "milliseconds")
        for name, meaning in (
            ("filter[start_time]", "equal to or later than"),
            ("filter[end_time]", "equal to or before"),
        ):
            filters = {**within_source(scope), name: text}
            check(
                timeline,
                scope,
                filters,
                matching(timeline, filters, created),
                f"{name}={text} must include the events whose created_at is {meaning} it, compared at the "
                f"precision of the values, not to the whole second (seed 001, ISO 8601); created_at read "
                f"back: {sorted((m, str(at)) for m, at in created.items())}.",
            )
