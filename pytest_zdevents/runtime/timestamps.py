"""Date-times as the contracts write and read them.

The docs call time filters and created_at ISO 8601 date-times and show them with an offset
(``+00:00``), so a target may answer at any precision, in ``Z`` or any offset: a contract writes
with :func:`stamp` and compares the instants :func:`instant` reads, never the text.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any, Literal

#: A UTC offset in minutes, or ``"Z"``.
Offset = int | Literal["Z"]
#: How far the target's clock may be from this client's when a time the target set (created_at
#: of an event sent without one) is compared with the client's "now".
CLOCK_SKEW = timedelta(minutes=5)
#: Offsets to write in: Z and +00:00, whole and part hours either side of UTC.
OFFSETS: tuple[Offset, ...] = ("Z", 0, 120, -300, 330, 585, -600, 840)

_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}(:?\d{2})?)?")


def stamp(moment: datetime, offset: Offset = 0, timespec: str = "seconds") -> str:
    """``moment`` as an RFC 3339 date-time written with ``offset``."""
    local = moment.astimezone(timezone(timedelta(minutes=0 if offset == "Z" else offset)))
    text = local.isoformat(timespec=timespec)
    return text[:-6] + "Z" if offset == "Z" else text


def instant(value: Any) -> datetime | None:
    """The instant an ISO 8601 date-time denotes, at any precision (to the microsecond), in ``Z``
    or any offset; naive when it has no offset (the caller decides what that is worth); None when
    ``value`` is not a date-time."""
    if not isinstance(value, str) or not _DATE_TIME.fullmatch(value):
        return None
    try:
        return datetime.fromisoformat(value.upper())
    except ValueError:  # matches the pattern, but no such day or time
        return None
