"""Reading the ``Host`` header (RFC 9110 7.2): a host name or IP literal and an optional port.

A request whose ``Host`` is not one is answered 400 (RFC 9112 3.2), before anything else reads it:
the API builds its ``links`` from it, and the control plane decides by it whom it serves.
"""

from __future__ import annotations

import functools
import re

from .errors import InvalidHost

# RFC 3986 3.2.2: an IP literal in brackets, or a reg-name (unreserved, pct-encoded, sub-delims).
_HOST = re.compile(r"(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~%!$&'()*+,;=]*)(?::([0-9]{0,5}))?")


def split_host(value: str) -> tuple[str, int | None]:
    """``value`` as (host lower-cased, port or None), or 400 ``InvalidHost``. Every request
    reads it, and a client sends the same one each time: the answers for short ones are kept."""
    return _split_cached(value) if len(value) <= 300 else _split(value)


@functools.lru_cache(maxsize=256)
def _split_cached(value: str) -> tuple[str, int | None]:
    return _split(value)


def _split(value: str) -> tuple[str, int | None]:
    match = _HOST.fullmatch(value)
    if match is None or (match[2] and int(match[2]) > 65535):
        raise InvalidHost(
            f"The Host header {value[:80]!r} is not a host name or IP address with an optional port."
        )
    return match[1].lower(), int(match[2]) if match[2] else None
