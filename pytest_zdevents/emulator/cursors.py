"""Pagination cursors: the key of the last event a page returned.

Clients treat cursors as opaque (S1 shows ``page[after]=hkjhdjk``). The emulator's are
``<created_ns>.<seq>``, and every string of that shape reads as a position, so a cursor that
matches the pattern in ``openapi.yaml`` is never refused; anything else is 400 ``InvalidCursor``.

The other_cursors variation issues another legal form: 36 characters of URL-safe base64 (``-``,
``_`` and ``==`` padding) of a 25-byte encoding of the same key, which needs percent-encoding
in a URL. Each form refuses the other.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re

from .errors import InvalidCursor
from .store.base import SEQ_MAX, SEQ_MIN

#: The same pattern as ``page[after]`` in openapi.yaml.
PATTERN = re.compile(r"-?[0-9]{1,21}\.[0-9]{1,19}")
#: Instants of years 0000 to 9999, in nanoseconds: the range of RFC 3339 timestamps.
NS_MIN = -62_167_219_200 * 10**9
NS_MAX = 253_402_300_800 * 10**9

#: The other form: a version byte, the instant (16 bytes, signed) and the arrival number (8 bytes),
#: masked so that cursors look as opaque as they are, in URL-safe base64. 25 bytes always end in ``==``.
_OTHER_VERSION = 1
_OTHER_BYTES = 25
_OTHER_PATTERN = re.compile(r"[A-Za-z0-9_-]{34}==")
_MASK = hashlib.sha256(b"pytest-zdevents cursor").digest()[: _OTHER_BYTES - 1]


def _invalid() -> InvalidCursor:
    return InvalidCursor("page[after] must be a meta.after_cursor value from an earlier page of this server.")


def encode(key: tuple[int, int], *, other: bool = False) -> str:
    """The cursor for ``key``; ``other`` is the other_cursors variation's form."""
    if not other:
        return f"{key[0]}.{key[1]}"
    packed = key[0].to_bytes(16, "big", signed=True) + key[1].to_bytes(8, "big")
    masked = bytes(a ^ b for a, b in zip(packed, _MASK, strict=True))
    return base64.urlsafe_b64encode(bytes([_OTHER_VERSION]) + masked).decode("ascii")


def decode(cursor: str, *, other: bool = False) -> tuple[int, int]:
    """The position ``cursor`` names, or 400 ``InvalidCursor``. Positions outside the range of
    real keys are moved to its edge, which orders the same way."""
    if other:
        created_ns, seq = _decode_other(cursor)
    elif PATTERN.fullmatch(cursor):
        text_ns, text_seq = cursor.split(".")
        created_ns, seq = int(text_ns), int(text_seq)
    else:
        raise _invalid()
    return min(max(created_ns, NS_MIN), NS_MAX), min(max(seq, SEQ_MIN), SEQ_MAX)


def _decode_other(cursor: str) -> tuple[int, int]:
    if not _OTHER_PATTERN.fullmatch(cursor):
        raise _invalid()
    try:
        raw = base64.urlsafe_b64decode(cursor)
    except (binascii.Error, ValueError):
        raise _invalid() from None
    # Only the canonical encoding: the last character carries 4 unused bits, which must be 0.
    if raw[0] != _OTHER_VERSION or base64.urlsafe_b64encode(raw).decode("ascii") != cursor:
        raise _invalid()
    packed = bytes(a ^ b for a, b in zip(raw[1:], _MASK, strict=True))
    return int.from_bytes(packed[:16], "big", signed=True), int.from_bytes(packed[16:], "big")
