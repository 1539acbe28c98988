"""The request journal: what the API was asked and what it answered, secrets masked."""

from __future__ import annotations

import json
import threading
from collections import deque
from typing import Any

from pytest_zdevents.credentials import MASK

_SECRET_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization", "x-api-key"})
_BODY_LIMIT = 64 * 1024


def masked_headers(headers: list[tuple[str, str]]) -> dict[str, str]:
    """Headers with every credential replaced; the auth scheme stays, so a reader can tell
    Basic from Bearer."""
    result = {}
    for name, value in headers:
        if name.lower() in _SECRET_HEADERS:
            scheme, _, rest = value.partition(" ")
            value = f"{scheme} {MASK}" if rest else MASK
        result[name.lower()] = value
    return result


def body_for_journal(raw: bytes) -> Any:
    """The request body as JSON when it parses, else as text, cut at 64 KiB."""
    text = raw[:_BODY_LIMIT].decode("utf-8", errors="replace")
    try:
        return json.loads(text)
    except (ValueError, RecursionError):
        return text or None


class Journal:
    """The last ``size`` API requests, oldest first."""

    def __init__(self, size: int) -> None:
        self._entries: deque[dict[str, Any]] = deque(maxlen=size)
        self._lock = threading.Lock()

    def record(self, entry: dict[str, Any]) -> None:
        with self._lock:
            self._entries.append(entry)

    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
