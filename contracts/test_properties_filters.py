"""Property: any drawn combination of filters returns exactly the events it matches (seed 001
Get Events filters, S3). The hypothesis profile and its limits are in contracts/conftest.py."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from pytest_zdevents.runtime.drawn import EVENT_SPEC, track_drawn, written
from pytest_zdevents.runtime.isolation import (
    EVENT_SOURCES,
    EVENT_TYPES,
    SOURCE_NEAR_MISSES,
    TYPE_NEAR_MISSES,
    mark_of,
    recent_instant,
)
from pytest_zdevents.runtime.kit import Kit
from pytest_zdevents.runtime.timeline import show
from pytest_zdevents.runtime.timestamps import OFFSETS

A, B = EVENT_SOURCES
T0, T1, _ = EVENT_TYPES
#: Bounds around and between the instants events are created at (drawn.EVENT_AT).
BOUND_AT = (-1, 0, 1, 2, 59, 60, 61, 119, 120, 121)


@st.composite
def events_and_filters(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """1-6 events, and 2-4 filters whose source, type and bounds are often those of an event, so
    that equality with a bound and near misses are common; a source or type is sometimes a near miss
    of the suite's (a prefix, an extension, a suffix), which no event has."""
    events = draw(st.lists(EVENT_SPEC, min_size=1, max_size=6))
    at = st.one_of(st.sampled_from(sorted({e["at"] for e in events})), st.sampled_from(BOUND_AT))
    bound = st.one_of(st.none(), st.tuples(at, st.sampled_from(OFFSETS)))
    sources = st.sampled_from(sorted({e["source"] for e in events}))
    filters = []
    for _ in range(draw(st.integers(2, 4))):
        source = draw(
            st.one_of(st.none(), sources, st.sampled_from(EVENT_SOURCES), st.sampled_from(SOURCE_NEAR_MISSES))
        )
        type_ = None
        if source:  # filter[type] only ever with filter[source]
            types = sorted({e["type"] for e in events if e["source"] == source}) or list(EVENT_TYPES)
            type_ = draw(
                st.one_of(
                    st.none(),
                    st.sampled_from(types),
                    st.sampled_from(EVENT_TYPES),
                    st.sampled_from(TYPE_NEAR_MISSES),
                )
            )
        filters.append({"source": source, "type": type_, "start": draw(bound), "end": draw(bound)})
    return events, filters


def matches(event: dict[str, Any], f: dict[str, Any]) -> bool:
    return (
        (f["source"] is None or event["source"] == f["source"])
        and (f["type"] is None or event["type"] == f["type"])
        and (f["start"] is None or event["at"] >= f["start"][0])
        and (f["end"] is None or event["at"] <= f["end"][0])
    )


#: An example every run tries first: events on both bounds, one of another type, one of another
#: source, bounds written with other offsets than the events' created_at, and a type that is only
#: a prefix of an event's.
BOUNDS_EXAMPLE = (
    [
        {"source": A, "type": T0, "at": 0, "offset": "Z"},
        {"source": A, "type": T1, "at": 60, "offset": 120},
        {"source": B, "type": T0, "at": 60, "offset": -300},
        {"source": A, "type": T0, "at": 120, "offset": 585},
    ],
    [
        {"source": A, "type": T0, "start": (0, 330), "end": (120, -600)},
        {"source": B, "type": None, "start": (60, "Z"), "end": None},
        {"source": A, "type": TYPE_NEAR_MISSES[0], "start": None, "end": None},
    ],
)


@pytest.mark.contract("properties.filters.exact_subset")
@given(drawn=events_and_filters(), scope=st.sampled_from(["profile", "identifier"]))
@example(drawn=BOUNDS_EXAMPLE, scope="profile")
def test_filters_return_exactly_the_matching_events(
    zd: Kit, drawn: tuple[list[dict[str, Any]], list[dict[str, Any]]], scope: str
) -> None:
    """Each drawn filter is read once, across all pages, and compared with the events it matches."""
    specs, filters = drawn
    base = recent_instant()
    timeline = zd.timeline()
    marks = track_drawn(timeline, base, specs)
    timeline.wait(scope)
    for f in filters:
        query: dict[str, str] = {}
        if f["source"]:
            query["filter[source]"] = f["source"]
        if f["type"]:
            query["filter[type]"] = f["type"]
        if f["start"]:
            query["filter[start_time]"] = written(base, *f["start"])
        if f["end"]:
            query["filter[end_time]"] = written(base, *f["end"])
        events = timeline.read(scope, query)
        expected = [m for m, e in zip(marks, specs, strict=True) if matches(e, f)]
        assert Counter(mark_of(e) for e in events) == Counter(expected), (
            "The events returned across all pages must be exactly those that match every filter "
            "(seed 001: source; type for the given source; start_time 'equal to or later than'; "
            f"end_time 'equal to or before' the created_at time). Read by {scope} with {query}: "
            f"expected {sorted(expected)} of {show(list(timeline.sent.values()))}; got {show(events)}"
        )
