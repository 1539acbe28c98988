"""Filters on the three ways of reading events (E1 by user, E2 by identifier query, E3 by
profile id): filter[source] and filter[type], and all four filters together (seed 001, S3); the
time bounds alone are in test_filters_time.py.

Every test tracks its own events against a fresh profile, once for the three scopes it reads them
in (``Kit.shared_timeline``), waits until an unfiltered read shows all of them, then reads once per
filter and compares the events it gets with the ones that should match, by a unique mark each
event carries in its properties, never by order. Time bounds
are full date-times with an offset (never date-only), filter[type] is always sent with
filter[source], and reads by user (which may also list Zendesk standard events, S23) always send
filter[source].
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from pytest_zdevents.runtime.isolation import (
    EVENT_SOURCES,
    EVENT_TYPES,
    SOURCE_NEAR_MISSES,
    TYPE_NEAR_MISSES,
    recent_instant,
)
from pytest_zdevents.runtime.kit import Kit
from pytest_zdevents.runtime.timeline import SCOPES, Timeline, check, show
from pytest_zdevents.runtime.timestamps import stamp

A, B = EVENT_SOURCES
T0, T1, T2 = EVENT_TYPES


@pytest.mark.contract("filters.source.matches")
@pytest.mark.parametrize("scope", SCOPES)
def test_source_filter_includes_only_that_source(zd: Kit, scope: str) -> None:
    """Four events of two sources; a read per source holds exactly that source's events."""

    def build(timeline: Timeline) -> dict[str, list[str]]:
        t = recent_instant()
        by_source: dict[str, list[str]] = {A: [], B: []}
        for i, (source, type_) in enumerate([(A, T0), (A, T1), (B, T0), (B, T2)]):
            by_source[source].append(timeline.track(source, type_, stamp(t + timedelta(minutes=i))))
        return by_source

    timeline, by_source = zd.shared_timeline("filters.source.matches", build)
    timeline.wait(scope)
    for source, marks in by_source.items():
        events = check(
            timeline,
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
def test_type_filter_includes_only_that_type_of_the_source(zd: Kit, scope: str) -> None:
    """Five events over two sources and three types; a read per (source, type) holds exactly that
    pair's events."""

    def build(timeline: Timeline) -> dict[tuple[str, str], list[str]]:
        t = recent_instant()
        expected: dict[tuple[str, str], list[str]] = {(A, T0): [], (A, T1): [], (B, T0): [], (B, T1): []}
        for i, (source, type_) in enumerate([(A, T0), (A, T1), (B, T0), (A, T2), (A, T0)]):
            mark = timeline.track(source, type_, stamp(t + timedelta(minutes=i)))
            expected.setdefault((source, type_), []).append(mark)
        return expected

    timeline, expected = zd.shared_timeline("filters.type.matches", build)
    timeline.wait(scope)
    for source, type_ in [(A, T0), (A, T1), (B, T0), (B, T1)]:
        events = check(
            timeline,
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


@pytest.mark.contract("filters.source.exact")
@pytest.mark.parametrize("scope", SCOPES)
def test_source_filter_matches_the_whole_source_only(zd: Kit, scope: str) -> None:
    """An event of each suite source (the second's name extends the first's); a read per source and
    per near miss of them: a prefix, an extension, a suffix."""

    def build(timeline: Timeline) -> tuple[str, str]:
        t = recent_instant()
        return timeline.track(A, T0, stamp(t)), timeline.track(B, T0, stamp(t + timedelta(minutes=1)))

    timeline, (a, b) = zd.shared_timeline("filters.source.exact", build)
    timeline.wait(scope)
    for value, expected in [(A, [a]), (B, [b]), *((near, []) for near in SOURCE_NEAR_MISSES)]:
        check(
            timeline,
            scope,
            {"filter[source]": value},
            expected,
            f"filter[source]={value!r} must include only events of the specified source (seed 001): "
            f"an event whose source merely starts with, extends or contains {value!r} is of another "
            "source and must not come back.",
        )


@pytest.mark.contract("filters.type.exact")
@pytest.mark.parametrize("scope", SCOPES)
def test_type_filter_matches_the_whole_type_only(zd: Kit, scope: str) -> None:
    """Events of two types of the first source and one of the second; a read per type and per near
    miss of the types (a prefix, an extension, a suffix, a part inside), and a near miss of the
    source with an exact type."""

    def build(timeline: Timeline) -> tuple[str, str]:
        t = recent_instant()
        viewed = timeline.track(A, T0, stamp(t))
        signed_up = timeline.track(A, T2, stamp(t + timedelta(minutes=1)))
        timeline.track(B, T0, stamp(t + timedelta(minutes=2)))
        return viewed, signed_up

    timeline, (viewed, signed_up) = zd.shared_timeline("filters.type.exact", build)
    timeline.wait(scope)
    cases = [
        ((A, T0), [viewed]),
        ((A, T2), [signed_up]),
        *(((A, near), []) for near in TYPE_NEAR_MISSES),
        ((SOURCE_NEAR_MISSES[0], T0), []),
    ]
    for (source, type_), expected in cases:
        check(
            timeline,
            scope,
            {"filter[source]": source, "filter[type]": type_},
            expected,
            f"filter[source]={source!r}&filter[type]={type_!r} must include only events of the specified "
            f"type for the given event source (seed 001): an event whose type or source merely starts "
            "with, extends or contains the value is of another type or source and must not come back.",
        )


@pytest.mark.contract("filters.combined.and")
@pytest.mark.parametrize("scope", SCOPES)
def test_filters_combine_with_and(zd: Kit, scope: str) -> None:
    """Events on both bounds match; each other event misses exactly one filter, or is of the other
    source."""

    def build(timeline: Timeline) -> tuple[datetime, datetime, list[str], str]:
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
        return start, end, matching, other_source

    timeline, (start, end, matching, other_source) = zd.shared_timeline("filters.combined.and", build)
    timeline.wait(scope)
    window = {"filter[start_time]": stamp(start, "Z"), "filter[end_time]": stamp(end, "Z")}
    for source, expected in [(A, matching), (B, [other_source])]:
        filters = {"filter[source]": source, "filter[type]": T0, **window}
        events = check(
            timeline,
            scope,
            filters,
            expected,
            "filter[source], filter[type], filter[start_time] and filter[end_time] sent together must "
            "include only, and all, the events that match every one of them (S3).",
        )
        wrong = [e for e in events if (e.get("source"), e.get("type")) != (source, T0)]
        assert not wrong, f"Events that do not match every filter came back: {show(wrong)}"
