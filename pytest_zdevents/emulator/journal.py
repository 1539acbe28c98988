"""The request journal: what the API was asked and what it answered, secrets masked.

Bounded in bytes as well as in entries: an entry keeps at most :data:`BODY_LIMIT` bytes of the body,
:data:`TEXT_LIMIT` characters of the path and of the query, and :data:`HEADERS_LIMIT` characters of
header names and values, so the default 1,000 entries hold at most about 16 MiB whatever clients
send. The body is kept as the bytes that came and read when the journal is read: it is shown as JSON
when it is whole and valid (by the same rules as the API's), else as text. The headers too are kept
as they came when they fit the limit, and masked when the journal is read: a request pays for
neither, and the journal is read far less often than it is written.
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


#: Headers as the ASGI scope holds them: lower-case names and values, as bytes.
RawHeaders = list[tuple[bytes, bytes]]


class Journal:
    """The last ``size`` API requests, oldest first."""

    def __init__(self, size: int) -> None:
        self._entries: deque[tuple[dict[str, Any], RawHeaders | dict[str, str], bytes, int]] = deque(
            maxlen=size
        )
        self._lock = threading.Lock()

    def record(self, entry: dict[str, Any], body: bytes = b"", headers: RawHeaders | None = None) -> None:
        """Keep ``entry`` (its text fields cut to the limits; the journal's from now on), the
        request's ``headers`` (masked when read) and the first :data:`BODY_LIMIT` bytes of ``body``."""
        if self._entries.maxlen == 0:
            return
        entry["path"], entry["query"] = clipped(entry["path"]), clipped(entry["query"])  # the caller's own
        kept: RawHeaders | dict[str, str] = headers or []
        if sum(len(name) + len(value) for name, value in kept) > HEADERS_LIMIT:
            kept = masked_headers(_decoded(kept))  # past the limit: cut now, not kept whole
        with self._lock:
            self._entries.append((entry, kept, body[:BODY_LIMIT], len(body)))

    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            kept = list(self._entries)
        return [
            {
                **entry,
                "headers": headers if isinstance(headers, dict) else masked_headers(_decoded(headers)),
                "body": _shown(body, size),
            }
            for entry, headers, body, size in kept
        ]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def _decoded(headers: RawHeaders) -> list[tuple[str, str]]:
    """Headers as text, the way Starlette reads them (latin-1)."""
    return [(name.decode("latin-1"), value.decode("latin-1")) for name, value in headers]


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
