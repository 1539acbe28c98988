"""What the target chose and what the emulator chose in its place: ids, cursors and timestamps,
learnt pair by pair from the two answers to one request, and put into the requests that follow.

Ids and cursors are replaced as whole tokens (in the path, the query string, raw or
percent-encoded, and the body). A timestamp in a query value is moved by the line through the two
learnt instants either side of it (or by the offset of the nearest one outside their range): a
``filter[start_time]`` of an event's ``created_at`` plus one millisecond lands between the same
two events on the emulator as on the target. Timestamps in bodies are the client's own and stay.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from urllib.parse import quote, unquote_plus

from pytest_zdevents.emulator.timestamps import format_ns, parse_timestamp

_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.(?P<fraction>\d+))?(?:Z|z|[+-]\d{2}:\d{2})")
#: Characters that continue a token: a mapped value next to one of them is part of something else.
_TOKEN = r"[A-Za-z0-9_\-=.]"


def instant(text: object) -> int | None:
    """``text`` as nanoseconds since the epoch when it is an RFC 3339 date-time, else None."""
    if not isinstance(text, str) or not _TIMESTAMP.fullmatch(text):
        return None
    parsed = parse_timestamp(text, allow_date=False)
    return parsed.ns if parsed is not None else None


def shape(text: str) -> str:
    """The form of a value the server chose, without the value: the report says "profile ids are
    26 upper-case letters and digits here, 24 hex digits there", never that two ids differ."""
    match = _TIMESTAMP.fullmatch(text)
    if match:
        digits = len(match["fraction"] or "")
        return f"date-time with {digits} fractional digits" + ("" if text[-1] in "Zz" else " and an offset")
    for pattern, name, sized in (
        (r"[0-9]+", "digits", True),
        (r"-?[0-9]+\.[0-9]+", "digits.digits", False),
        (r"[0-9a-f]+", "lower-case hex", True),
        (r"[0-9A-Z]+", "upper-case letters and digits", True),
        (r"[0-9a-z]+", "lower-case letters and digits", True),
        (r"[0-9A-Za-z_-]+=*", "URL-safe base64", True),
        (r"[0-9A-Za-z+/]+=*", "base64", True),
    ):
        if re.fullmatch(pattern, text):
            return f"{len(text)} {name}" if sized else name
    return f"{len(text)} characters"


@dataclass
class ValueMap:
    """Target value -> emulator value, for the values the server chooses."""

    values: dict[str, str] = field(default_factory=dict)
    #: Learnt (target instant, emulator instant) pairs, sorted by the target's.
    instants: list[tuple[int, int]] = field(default_factory=list)

    def learn(self, target: str, emulator: str) -> bool:
        """Remember that the target's ``target`` is the emulator's ``emulator``. False when the
        target's value is known already as another emulator value: the two answers name different
        things."""
        target_ns, emulator_ns = instant(target), instant(emulator)
        if target_ns is not None and emulator_ns is not None:
            index = bisect.bisect_left(self.instants, (target_ns, emulator_ns))
            if index == len(self.instants) or self.instants[index][0] != target_ns:
                self.instants.insert(index, (target_ns, emulator_ns))
            return True
        if target == emulator:
            return True
        known = self.values.setdefault(target, emulator)
        return known == emulator

    def known(self, target: str) -> str | None:
        return self.values.get(target)

    def same(self, target: str, emulator: str) -> bool:
        """Whether the target's value and the emulator's name the same thing, as far as is known."""
        if target == emulator:
            return target not in self.values or self.values[target] == emulator
        return self.values.get(target) == emulator

    # Requests -------------------------------------------------------------------------------

    def text(self, text: str) -> str:
        """``text`` (a path, a body) with every known id and cursor replaced where it stands whole."""
        for old in sorted(self.values, key=len, reverse=True):
            if old in text:
                new = self.values[old]
                text = re.sub(rf"(?<!{_TOKEN}){re.escape(old)}(?!{_TOKEN})", lambda _m, n=new: n, text)
        return text

    def query(self, query: str) -> str:
        """A raw query string with ids, cursors (raw or percent-encoded) and timestamps mapped."""
        parts = []
        for part in query.split("&") if query else []:
            name, equals, value = part.partition("=")
            parts.append(name + equals + self._query_value(value))
        return "&".join(parts)

    def _query_value(self, raw: str) -> str:
        decoded = unquote_plus(raw)
        if decoded in self.values:
            return quote(self.values[decoded], safe="")
        moved = self.moved(decoded)
        if moved is not None:
            return quote(moved, safe=":")
        return self.text(raw)

    def moved(self, text: str) -> str | None:
        """A date-time of a request mapped onto the emulator's clock, with the same number of
        fractional digits (rounded away from the nearest learnt instant, so that it stays on its
        side of it); None when ``text`` is no date-time or nothing is learnt."""
        ns = instant(text)
        if ns is None or not self.instants:
            return None
        keys = [pair[0] for pair in self.instants]
        index = bisect.bisect_left(keys, ns)
        if index < len(keys) and keys[index] == ns:
            mapped, anchor = self.instants[index][1], 0
        elif 0 < index < len(keys):
            (t0, e0), (t1, e1) = self.instants[index - 1], self.instants[index]
            mapped = e0 + (ns - t0) * (e1 - e0) // (t1 - t0)
            anchor = 1 if ns - t0 <= t1 - ns else -1
        else:
            t0, e0 = self.instants[0] if index == 0 else self.instants[-1]
            mapped, anchor = e0 + ns - t0, 1 if ns > t0 else -1
        if mapped == ns:
            return text
        match = _TIMESTAMP.fullmatch(text)
        digits = len(match["fraction"] or "") if match else 0
        step = 10 ** (9 - min(digits, 9))
        mapped = -(-mapped // step) * step if anchor > 0 else mapped // step * step
        shown = format_ns(mapped, 9)
        head, fraction = shown[:19], shown[20:29]
        return head + (f".{fraction[:digits]}" if digits else "") + "Z"
