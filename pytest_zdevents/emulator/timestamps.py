"""Timestamps as the emulator reads and writes them.

The docs promise "ISO 8601" (S1) and show date-only filter values (S3, S4) and date-times with
``Z``, ``+00:00`` and up to nine fractional digits. The emulator accepts RFC 3339 date-times and,
where a caller allows it, plain dates. Instants are integer nanoseconds since the Unix epoch, so
nine fractional digits compare exactly and a leap second (``23:59:60`` UTC) is simply the next second.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

NS_PER_SECOND = 1_000_000_000
NS_PER_DAY = 86_400 * NS_PER_SECOND

_DATE = r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})"
_TIME = (
    r"[Tt](?P<hour>[0-9]{2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})(?:\.(?P<fraction>[0-9]+))?"
    r"(?P<offset>[Zz]|[+-][0-9]{2}:[0-9]{2})"
)
_PATTERN = re.compile(rf"{_DATE}(?:{_TIME})?")


@dataclass(frozen=True)
class Timestamp:
    """A parsed timestamp: the instant it names and whether it was a bare date."""

    ns: int
    date_only: bool


def _days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 in the proleptic Gregorian calendar (H. Hinnant's algorithm)."""
    year -= month <= 2
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146_097 + day_of_era - 719_468


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


def parse_timestamp(text: str, *, allow_date: bool, ignore_offset: bool = False) -> Timestamp | None:
    """Read ``text`` as an RFC 3339 date-time (or a date when ``allow_date``); None if invalid.

    ``ignore_offset`` reads the wall-clock time as UTC: the bug behind the
    ``offset_ignored`` quirk, kept here so that the bug and the right reading share one parser.
    """
    match = _PATTERN.fullmatch(text)
    if match is None:
        return None
    year, month, day = (int(match[name]) for name in ("year", "month", "day"))
    if not (1 <= month <= 12 and 1 <= day <= _days_in_month(year, month)):
        return None
    ns = _days_from_civil(year, month, day) * NS_PER_DAY
    if match["hour"] is None:
        return Timestamp(ns, date_only=True) if allow_date else None
    hour, minute, second = int(match["hour"]), int(match["minute"]), int(match["second"])
    if hour > 23 or minute > 59 or second > 60:
        return None
    offset = 0
    if match["offset"] not in ("Z", "z"):
        off_hours, off_minutes = int(match["offset"][1:3]), int(match["offset"][4:6])
        if off_hours > 23 or off_minutes > 59:
            return None
        sign = -1 if match["offset"][0] == "-" else 1
        offset = sign * (off_hours * 3600 + off_minutes * 60)
    # A leap second is only ever 23:59:60 UTC (RFC 3339 5.7), as JSON Schema validators check.
    if second == 60 and (hour * 3600 + minute * 60 - offset) // 60 % 1440 != 1439:
        return None
    if ignore_offset:
        offset = 0
    fraction = int((match["fraction"] or "0")[:9].ljust(9, "0"))
    ns += (hour * 3600 + minute * 60 + second - offset) * NS_PER_SECOND + fraction
    return Timestamp(ns, date_only=False)


def with_nine_digits(text: str) -> str:
    """The date-time ``text`` with exactly nine fractional digits and nothing else changed (its
    offset stays), so it names the instant :func:`parse_timestamp` reads from ``text``: digits
    past the ninth, which the parser drops, are dropped. Anything else is returned as it is."""
    match = _PATTERN.fullmatch(text)
    if match is None or match["hour"] is None:
        return text
    fraction = (match["fraction"] or "")[:9].ljust(9, "0")
    return f"{text[: match.end('second')]}.{fraction}{text[match.start('offset') :]}"


def format_ns(ns: int, digits: int = 6) -> str:
    """RFC 3339 UTC with ``digits`` fractional digits (6, microseconds, or 9, nanoseconds): the
    form the emulator writes ``received_at`` and profile times in."""
    seconds, fraction = divmod(ns, NS_PER_SECOND)
    shown = f"{fraction // 10 ** (9 - digits):0{digits}d}"
    return f"{_whole_second(seconds)}.{shown}Z"


@functools.lru_cache(maxsize=64)
def _whole_second(seconds: int) -> str:
    """``YYYY-MM-DDTHH:MM:SS`` of a second since the epoch: the same for every instant a busy
    emulator writes within it, so it is worked out once."""
    days, rest = divmod(seconds, 86_400)
    # civil_from_days, the inverse of _days_from_civil.
    z = days + 719_468
    era = z // 146_097
    day_of_era = z - era * 146_097
    year_of_era = (day_of_era - day_of_era // 1460 + day_of_era // 36_524 - day_of_era // 146_096) // 365
    day_of_year = day_of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    mp = (5 * day_of_year + 2) // 153
    day = day_of_year - (153 * mp + 2) // 5 + 1
    month = mp + 3 if mp < 10 else mp - 9
    year = year_of_era + era * 400 + (month <= 2)
    hour, rest = divmod(rest, 3600)
    minute, second = divmod(rest, 60)
    return f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}"
