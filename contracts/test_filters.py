"""Filters on the three ways of reading events (E1 by user, E2 by identifier query, E3 by
profile id): filter[source] and filter[type], and all four filters together (seed 001, S3); the
time bounds alone are in test_filters_time.py.

Every contract of this file reads the same events: one fresh profile's, tracked once a run for the
three scopes and the five contracts (``Kit.shared_timeline``): two sources (the second's name extends
the first's), three types, and instants on, inside and outside one window. Each test waits until an
unfiltered read shows them all, then reads once per filter and compares the events it gets with those
that match the filter (:func:`matching`, over what was tracked), by a unique mark each event carries
in its properties, never by order. A read that several contracts send is sent once. Time bounds are
full date-times with an offset (never date-only), filter[type] is always sent with filter[source],
and reads by user (which may also list Zendesk standard events, S23) always send filter[source].
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
from pytest_zdevents.runtime.timeline import SCOPES, Timeline, check, matching, show
from pytest_zdevents.runtime.timestamps import stamp

A, B = EVENT_SOURCES
T0, T1, T2 = EVENT_TYPES


def build(timeline: Timeline) -> tuple[datetime, datetime]:
    """Eight events: each source with two types, a type of one source only, and, of the first
    source and type, events on both bounds of a window and a minute outside each; inside it, one
    event of each other source or type. The window's (start, end)."""
    t = recent_instant()
    start, end = t + timedelta(minutes=2), t + timedelta(minutes=4)
    for source, type_, moment in [
        (A, T0, start),  # on the start bound
        (A, T0, end),  # on the end bound
        (B, T0, start + timedelta(seconds=30)),  # every filter but source
        (A, T1, start + timedelta(seconds=30)),  # every filter but type
        (A, T0, start - timedelta(minutes=1)),  # every filter but start_time
        (A, T0, end + timedelta(minutes=1)),  # every filter but end_time
        (A, T2, t),
        (B, T2, t + timedelta(minutes=1)),
    ]:
        timeline.track(source, type_, stamp(moment))
    return start, end


def shared(zd: Kit) -> tuple[Timeline, tuple[datetime, datetime]]:
    return zd.shared_timeline("filters", build)


@pytest.mark.contract("filters.source.matches")
@pytest.mark.parametrize("scope", SCOPES)
def test_source_filter_includes_only_that_source(zd: Kit, scope: str) -> None:
    """Events of two sources, each of two types; a read per source holds exactly that source's
    events."""
    timeline, _ = shared(zd)
    timeline.wait(scope)
    for source in (A, B):
        filters = {"filter[source]": source}
        events = check(
            timeline,
            scope,
            filters,
            matching(timeline, filters),
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
    """Events over two sources and three types; a read per (source, type) holds exactly that
    pair's events, and a type only the other source has is none of this one's."""
    timeline, _ = shared(zd)
    timeline.wait(scope)
    for source, type_ in [(A, T0), (A, T1), (B, T0), (B, T1)]:
        filters = {"filter[source]": source, "filter[type]": type_}
        events = check(
            timeline,
            scope,
            filters,
            matching(timeline, filters),
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
    """Events of each suite source (the second's name extends the first's); a read per source and
    per near miss of them: a prefix, an extension, a suffix."""
    timeline, _ = shared(zd)
    timeline.wait(scope)
    for value in (A, B, *SOURCE_NEAR_MISSES):
        filters = {"filter[source]": value}
        check(
            timeline,
            scope,
            filters,
            matching(timeline, filters),
            f"filter[source]={value!r} must include only events of the specified source (seed 001): "
            f"an event whose source merely starts with, extends or contains {value!r} is of another "
            "source and must not come back.",
        )


@pytest.mark.contract("filters.type.exact")
@pytest.mark.parametrize("scope", SCOPES)
def test_type_filter_matches_the_whole_type_only(zd: Kit, scope: str) -> None:
    """Events of three types of the first source and two of the second; a read per type and per
    near miss of the types (a prefix, an extension, a suffix, a part inside), and a near miss of the
    source with an exact type."""
    timeline, _ = shared(zd)
    timeline.wait(scope)
    cases = [(A, T0), (A, T2), *((A, near) for near in TYPE_NEAR_MISSES), (SOURCE_NEAR_MISSES[0], T0)]
    for source, type_ in cases:
        filters = {"filter[source]": source, "filter[type]": type_}
        check(
            timeline,
            scope,
            filters,
            matching(timeline, filters),
            f"filter[source]={source!r}&filter[type]={type_!r} must include only events of the specified "
            f"type for the given event source (seed 001): an event whose type or source merely starts "
            "with, extends or contains the value is of another type or source and must not come back.",
        )


@pytest.mark.contract("filters.combined.and")
@pytest.mark.parametrize("scope", SCOPES)
def test_filters_combine_with_and(zd: Kit, scope: str) -> None:
    """Events on both bounds match; each other event misses exactly one filter, or is of the other
    source."""
    timeline, (start, end) = shared(zd)
    timeline.wait(scope)
    window = {"filter[start_time]": stamp(start, "Z"), "filter[end_time]": stamp(end, "Z")}
    for source in (A, B):
        filters = {"filter[source]": source, "filter[type]": T0, **window}
        expected = matching(timeline, filters)
        assert len(expected) == (2 if source == A else 1), "the events on and inside the bounds"
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
