"""Pagination cursors: the key of the last event a page returned.

Clients treat cursors as opaque (S1 shows ``page[after]=hkjhdjk``). The emulator's are
``<created_ns>.<seq>``, and every string of that shape reads as a position, so a cursor that
matches the pattern in ``openapi.yaml`` is never refused; anything else is 400 ``InvalidCursor``.
"""

from __future__ import annotations

import re

from .errors import bad_request
from .store.base import SEQ_MAX, SEQ_MIN

#: The same pattern as ``page[after]`` in openapi.yaml.
PATTERN = re.compile(r"-?[0-9]{1,21}\.[0-9]{1,19}")
#: Instants of years 0000 to 9999, in nanoseconds: the range of RFC 3339 timestamps.
NS_MIN = -62_167_219_200 * 10**9
NS_MAX = 253_402_300_800 * 10**9


def encode(key: tuple[int, int]) -> str:
    return f"{key[0]}.{key[1]}"


def decode(cursor: str) -> tuple[int, int]:
    """The position ``cursor`` names, or 400 ``InvalidCursor``. Positions outside the range of
    real keys are moved to its edge, which orders the same way."""
    if not PATTERN.fullmatch(cursor):
        raise bad_request(
            "InvalidCursor",
            "Cursor not valid",
            "page[after] must be a meta.after_cursor value from an earlier page of this server.",
        )
    created_ns, seq = cursor.split(".")
    return min(max(int(created_ns), NS_MIN), NS_MAX), min(max(int(seq), SEQ_MIN), SEQ_MAX)
