"""What the property contracts draw about events, and how they track it.

Events are created at a handful of instants, so that ties and equality with a bound are common,
and written in assorted UTC offsets; each is tracked for one fresh profile (a Timeline).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from hypothesis import strategies as st

from pytest_zdevents.runtime.isolation import EVENT_SOURCES, EVENT_TYPES
from pytest_zdevents.runtime.timeline import Timeline
from pytest_zdevents.runtime.timestamps import OFFSETS, Offset, stamp

#: Seconds after the example's base instant at which events are created.
EVENT_AT = (0, 1, 60, 120)

#: One event: its source, type, ``at`` (one of EVENT_AT) and the offset its created_at is written in.
EVENT_SPEC = st.fixed_dictionaries(
    {
        "source": st.sampled_from(EVENT_SOURCES),
        "type": st.sampled_from(EVENT_TYPES),
        "at": st.sampled_from(EVENT_AT),
        "offset": st.sampled_from(OFFSETS),
    }
)


def written(base: datetime, at: int, offset: Offset) -> str:
    """The date-time ``at`` seconds after ``base``, written in ``offset``."""
    return stamp(base + timedelta(seconds=at), offset)


def track_drawn(timeline: Timeline, base: datetime, specs: list[dict[str, Any]]) -> list[str]:
    """Track the drawn events for ``timeline``'s profile, each ``at`` seconds after ``base`` in its
    offset; their marks."""
    return [timeline.track(e["source"], e["type"], written(base, e["at"], e["offset"])) for e in specs]
