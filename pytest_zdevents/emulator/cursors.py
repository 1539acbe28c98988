"""Opaque pagination cursors: the key of the last event a page returned."""

from __future__ import annotations

import base64
import binascii

from .errors import bad_request

_PREFIX = "zdc1"


def encode(key: tuple[int, int]) -> str:
    text = f"{_PREFIX}:{key[0]}:{key[1]}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode(cursor: str) -> tuple[int, int]:
    """The key inside ``cursor``, or 400 ``InvalidCursor``."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        prefix, created_ns, seq = text.split(":")
        if prefix != _PREFIX:
            raise ValueError(prefix)
        return int(created_ns), int(seq)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise bad_request(
            "InvalidCursor",
            "Cursor not valid",
            "page[after] must be a meta.after_cursor value from an earlier page of this server.",
        ) from None
