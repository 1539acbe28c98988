"""Reading the query string of an event read (E1, E2, E3) into an :class:`~.model.EventFilter`.

Part of the HTTP layer: the quirks and variations here are about how parameters are read.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import unquote

from . import cursors
from .errors import (
    EndTimestampNotValid,
    InvalidFilter,
    InvalidPageSize,
    StartTimestampNotValid,
    TypeFilterRequiresSource,
)
from .model import EventFilter
from .settings import EmulatorSettings
from .switches import Quirk, Variation
from .timestamps import NS_PER_DAY, NS_PER_SECOND, Timestamp, parse_timestamp


def event_filter(query: Mapping[str, str], settings: EmulatorSettings) -> EventFilter:
    """The filters, page size and cursor position the query string asks for, or 400."""
    params = _without_empty_options(query)
    if "filter" in params:
        raise InvalidFilter(
            "Send each filter as its own parameter, e.g. "
            "filter[source]=shoppingnow&filter[type]=checkout, not filter=..."
        )
    source, type_ = params.get("filter[source]"), params.get("filter[type]")
    if settings.on(Quirk.SOURCE_FILTER_IGNORED):
        source = None
    if type_ is not None and params.get("filter[source]") is None:
        if not settings.on(Variation.TYPE_WITHOUT_SOURCE_IGNORED):
            raise TypeFilterRequiresSource(
                "filter[type] selects a type of the given event source, so filter[source] "
                "must be included too (S1)."
            )
        type_ = None
    if settings.on(Quirk.TYPE_FILTER_IGNORED):
        type_ = None
    start_ns = _bound(params, "filter[start_time]", StartTimestampNotValid, settings, end=False)
    end_ns = _bound(params, "filter[end_time]", EndTimestampNotValid, settings, end=True)
    if start_ns is not None and settings.on(Quirk.START_TIME_EXCLUSIVE):
        start_ns += 1
    if end_ns is not None and settings.on(Quirk.END_TIME_EXCLUSIVE):
        end_ns -= 1
    page_size = _page_size(params.get("page[size]"), settings)
    after_raw = params.get("page[after]")
    after = None
    if after_raw is not None and not settings.on(Quirk.CURSOR_IGNORED):
        after = cursors.decode(after_raw, other=settings.on(Variation.OTHER_CURSORS))
    return EventFilter(
        page_size=page_size, source=source, type=type_, start_ns=start_ns, end_ns=end_ns, after=after
    )


def identifier_param(query: Mapping[str, str], raw_query: bytes, settings: EmulatorSettings) -> str | None:
    """The ``identifier`` parameter (E2, P3, P4, P5, P8): percent-decoded once as UTF-8, like every
    parameter (seed 001: "The query string must be url-encoded"), unless a quirk reads it otherwise.
    ``query`` is the decoded query string, ``raw_query`` the one sent."""
    latin1 = settings.on(Quirk.IDENTIFIER_DECODED_AS_LATIN1)
    if settings.on(Quirk.IDENTIFIER_NOT_DECODED) or latin1:
        sent = [value for name, _, value in _pairs(raw_query) if name == "identifier"]
        if not sent:
            return None
        return unquote(sent[-1].replace("+", " "), encoding="latin-1") if latin1 else sent[-1]
    value = query.get("identifier")
    if value is not None and settings.on(Quirk.IDENTIFIER_DECODED_TWICE):
        value = unquote(value)
    if value is not None and settings.on(Quirk.IDENTIFIER_PLUS_AS_SPACE):
        value = value.replace("+", " ")
    return value


def _pairs(raw_query: bytes) -> list[tuple[str, str, str]]:
    """The query string's ``name=value`` pairs as sent, not decoded."""
    return [pair.partition("=") for pair in raw_query.decode("latin-1").split("&") if pair]


def _bound(
    params: Mapping[str, str],
    name: str,
    invalid: type[StartTimestampNotValid | EndTimestampNotValid],
    settings: EmulatorSettings,
    *,
    end: bool,
) -> int | None:
    raw = params.get(name)
    if raw is None:
        return None
    allow_date = not settings.on(Quirk.DATE_ONLY_FILTER_REFUSED)
    ignore_offset = settings.on(Quirk.OFFSET_IGNORED)
    parsed = parse_timestamp(raw, allow_date=allow_date, ignore_offset=ignore_offset)
    if parsed is None and settings.on(Quirk.CALENDAR_DAYS_ROLLED_OVER):
        parsed = _rolled_over(raw, allow_date=allow_date, ignore_offset=ignore_offset)
    if raw[4:10] == "-02-29" and settings.on(Quirk.LEAP_DAY_REFUSED):
        parsed = None
    if parsed is None:
        if settings.on(Quirk.SERVER_ERROR_ON_BAD_TIMESTAMP):
            raise RuntimeError(f"could not parse {raw!r}")
        if settings.on(Quirk.BAD_TIMESTAMP_IGNORED):
            return None
        raise invalid(
            f"{name} {raw!r} is not an ISO 8601 date (2020-02-23) or date-time (2020-02-23T10:00:00Z)."
        )
    if end and parsed.date_only and settings.on(Variation.DATE_ONLY_END_OF_DAY):
        return parsed.ns + NS_PER_DAY - 1
    if settings.on(Quirk.TIME_BOUNDS_WHOLE_SECONDS):
        return parsed.ns - parsed.ns % NS_PER_SECOND
    return parsed.ns


def _rolled_over(raw: str, *, allow_date: bool, ignore_offset: bool) -> Timestamp | None:
    """The calendar_days_rolled_over quirk's reading of ``raw``: a day 29 to 31 past the end of its
    month counts on into the next month, as lenient date libraries do."""
    day = raw[8:10]
    if not (day.isdigit() and 29 <= int(day) <= 31):
        return None
    first = parse_timestamp(f"{raw[:8]}01{raw[10:]}", allow_date=allow_date, ignore_offset=ignore_offset)
    return None if first is None else Timestamp(first.ns + (int(day) - 1) * NS_PER_DAY, first.date_only)


def _page_size(raw: str | None, settings: EmulatorSettings) -> int:
    maximum = settings.page_size_max
    if settings.on(Quirk.PAGE_SIZE_IGNORED):
        return 10**9
    if raw is None:
        return maximum
    clamped = settings.on(Variation.PAGE_SIZE_CLAMPED)
    size = 0
    if raw.isascii() and raw.isdigit():
        digits = raw.lstrip("0") or "0"
        # Past six digits the size is over any maximum; int() of thousands of digits would raise.
        size = int(digits) if len(digits) <= 6 else maximum + 1
    if size < 1 or (size > maximum and not clamped):
        allowed = (
            f"1 or more (more than {maximum} is served as {maximum})" if clamped else f"from 1 to {maximum}"
        )
        raise InvalidPageSize(f"page[size] must be an integer {allowed}, not {raw[:40]!r}.")
    return min(size, maximum)


def _without_empty_options(params: Mapping[str, str]) -> dict[str, str]:
    """The query parameters without the ``filter[...]`` and ``page[...]`` ones that are empty.

    Zendesk's generated code samples send every optional parameter, empty when unused
    (``filter[end_time]=&filter[source]=&...&page[size]=``): an empty one is read as not sent.
    A repeated parameter counts by its last value, as everywhere else.
    """
    return {
        name: value
        for name, value in params.items()
        if value or not (name.startswith(("filter[", "page[")) and name.endswith("]"))
    }
