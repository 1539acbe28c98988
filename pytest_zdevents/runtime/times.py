"""The events every time-bound filter contract reads (test_filters_time.py, test_filters_calendar.py):
one profile's, tracked once a run (``Kit.shared_timeline``) in groups minutes apart, so that a
bound near one group selects all of another or none of it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pytest_zdevents.runtime.isolation import EVENT_SOURCES, EVENT_TYPES, recent_instant
from pytest_zdevents.runtime.kit import Kit
from pytest_zdevents.runtime.timeline import Timeline, within_source
from pytest_zdevents.runtime.timestamps import stamp

A = EVENT_SOURCES[0]
T0 = EVENT_TYPES[0]


@dataclass(frozen=True)
class Times:
    """The events every time-bound contract reads, each group minutes from the others so that a
    bound near one group selects all of another or none of it: three a minute apart from ``t``
    (``minute``), three created_at written in +02:00, Z and -05:30 a minute apart from
    ``t`` + 10 minutes (``offsets``), and three 250 ms apart within one second (``subsecond``, at
    ``moments``)."""

    t: datetime
    minute: list[str]
    offsets: list[str]
    moments: list[datetime]
    subsecond: list[str]


def build_times(timeline: Timeline) -> Times:
    t = recent_instant()
    minute = [timeline.track(A, T0, stamp(t + timedelta(minutes=i))) for i in range(3)]
    u = t + timedelta(minutes=10)
    offsets = [
        timeline.track(A, T0, stamp(u, 120)),  # created_at in +02:00
        timeline.track(A, T0, stamp(u + timedelta(minutes=1), "Z")),  # created_at in Z
        timeline.track(A, T0, stamp(u + timedelta(minutes=2), -330)),  # created_at in -05:30
    ]
    moments = [t + timedelta(minutes=20, milliseconds=ms) for ms in (250, 500, 750)]
    subsecond = [timeline.track(A, T0, stamp(moment, "Z", "milliseconds")) for moment in moments]
    return Times(t, minute, offsets, moments, subsecond)


def times(zd: Kit, scope: str) -> tuple[Timeline, Times, list[dict[str, Any]]]:
    """The time-bound contracts' events (one profile, tracked once a run: ``Kit.shared_timeline``),
    once a read in ``scope`` shows them all: their timeline, what was tracked, and that read."""
    timeline, built = zd.shared_timeline("filters: time", build_times)
    return timeline, built, timeline.wait(scope, within_source(scope))
