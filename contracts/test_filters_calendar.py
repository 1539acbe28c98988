"""Time bounds on the calendar's edges: a 29 February, the 31st of a month of 31 days, the last
second of a year, and a bound whose date in its own offset is another day than in UTC are real
ISO 8601 date-times, so they are read and compared like any other (seed 001, S3).

The days that are not real (2021-02-29, 2021-04-31, ...) are filters.start_time.invalid's.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest

from pytest_zdevents.runtime.isolation import mark_of
from pytest_zdevents.runtime.kit import Kit
from pytest_zdevents.runtime.reads import read_all
from pytest_zdevents.runtime.timeline import PAGE_SIZE, matching, show
from pytest_zdevents.runtime.times import times
from pytest_zdevents.runtime.timestamps import stamp

#: Real date-times on calendar edges, every one before the events of this run: leap days (2000 is a
#: leap year, being divisible by 400), the 31st of October, the last second of a year.
CALENDAR_EDGES = [
    "2000-02-29T00:00:00Z",
    "2024-02-29T12:00:00Z",
    "2021-10-31T00:00:00Z",
    "2023-12-31T23:59:59Z",
]


@pytest.mark.contract("filters.time.calendar")
def test_bounds_on_calendar_edges_are_read_and_compared(zd: Kit) -> None:
    """The time-bound contracts' recent events (test_filters_time.py), read by profile id (E3):
    each calendar edge as filter[start_time] holds them all and as filter[end_time] none; then
    bounds equal to the first one's instant, and a second after and before it, written in -12:00 or
    +12:00, whichever puts them on another day than in UTC."""
    timeline, built, _ = times(zd, "profile")
    t = built.t
    other_day = 720 if t.hour >= 12 else -720  # minutes of offset
    cases = [
        *({"filter[start_time]": edge} for edge in CALENDAR_EDGES),
        *({"filter[end_time]": edge} for edge in CALENDAR_EDGES),
        {"filter[start_time]": stamp(t, other_day), "filter[end_time]": stamp(t, other_day)},
        {"filter[start_time]": stamp(t + timedelta(seconds=1), other_day)},
        {"filter[end_time]": stamp(t - timedelta(seconds=1), other_day)},
    ]
    path, _ = timeline.place("profile")
    for filters in cases:
        query = {**filters, "page[size]": str(PAGE_SIZE)}
        response = timeline.client.get(path, params=query)
        assert response.status_code == 200, (
            f"{filters} are ISO 8601 date-times, which filter[start_time] and filter[end_time] take (S3, "
            f"seed 001), so GET {path} must answer 200; got {response.status_code}: {response.text[:500]}"
        )
        page = response.json()
        events = page["events"]
        if page["meta"]["has_more"]:  # the rest of the pages, through the cursor (S1)
            events += read_all(timeline.client, path, {**query, "page[after]": page["meta"]["after_cursor"]})
        expected = matching(timeline, filters)
        assert Counter(mark_of(e) for e in events) == Counter(expected), (
            f"filter[start_time] includes events whose created_at is equal to or later than it, "
            f"filter[end_time] equal to or before it (seed 001), compared as the instants they denote (ISO "
            f"8601). The events were created at {show(list(timeline.sent.values()))}; {filters} should "
            f"hold {sorted(expected)}; got {show(events)}"
        )
