"""The request journal: what the API was asked and what it answered, secrets masked.

Bounded in bytes as well as in entries: an entry keeps at most :data:`BODY_LIMIT` bytes of the body,
:data:`TEXT_LIMIT` characters of the path and of the query, and :data:`HEADERS_LIMIT` characters of
header names and values, so the default 1,000 entries hold at most about 16 MiB whatever clients
send. The body is kept as the bytes that came and read when the journal is read: it is shown as JSON
when it is whole and valid (by the same rules as the API's), else as text.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Any

from pytest_zdevents.credentials import MASK

from .decoding import parse_json
from .errors import InvalidJson

_SECRET_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization", "x-api-key"})
BODY_LIMIT = 8 * 1024
TEXT_LIMIT = 2 * 1024
HEADERS_LIMIT = 4 * 1024


def clipped(text: str, limit: int = TEXT_LIMIT) -> str:
    """``text``, or its first ``limit`` characters and a note of how long it was."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… (cut at {limit:,} of {len(text):,} characters)"


def masked_headers(headers: list[tuple[str, str]]) -> dict[str, str]:
    """Headers with every credential replaced, within :data:`HEADERS_LIMIT` characters; the auth
    scheme stays, so a reader can tell Basic from Bearer."""
    result: dict[str, str] = {}
    budget = HEADERS_LIMIT
    for name, value in headers:
        name = name.lower()
        if name in _SECRET_HEADERS:
            scheme, _, rest = value.partition(" ")
            value = f"{clipped(scheme, 32)} {MASK}" if rest else MASK
        if budget <= 0:
            result["…"] = f"{len(headers) - len(result)} more headers left out"
            break
        value = clipped(value, max(budget - len(name), 0))
        budget -= len(name) + len(value)
        result[clipped(name, 256)] = value
    return result


class Journal:
    """The last ``size`` API requests, oldest first."""

    def __init__(self, size: int) -> None:
        self._entries: deque[tuple[dict[str, Any], bytes, int]] = deque(maxlen=size)
        self._lock = threading.Lock()

    def record(self, entry: dict[str, Any], body: bytes = b"") -> None:
        """Keep ``entry`` (its text fields cut to the limits) and the first :data:`BODY_LIMIT`
        bytes of ``body``."""
        entry = {**entry, "path": clipped(entry["path"]), "query": clipped(entry["query"])}
        with self._lock:
            self._entries.append((entry, body[:BODY_LIMIT], len(body)))

    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            kept = list(self._entries)
        return [{**entry, "body": _shown(body, size)} for entry, body, size in kept]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def _shown(body: bytes, size: int) -> Any:
    """The body as the journal shows it: JSON when whole and valid, else text; None when empty."""
    if not size:
        return None
    if size == len(body):
        try:
            return parse_json(body)
        except InvalidJson:
            pass
    text = body.decode("utf-8", errors="replace")
    return text if size == len(body) else f"{text}… (cut at {BODY_LIMIT:,} of {size:,} bytes)"
