"""Masking secrets in everything the suite writes: logs, failure reports, JUnit, JSON and HTML.

Two nets: the secrets a run knows (tokens, and the Basic header value they make) are replaced
wherever they appear, and the value of any ``Authorization`` header in text (a dict's repr, an
HTTP dump, a curl command) is masked whatever it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pytest_zdevents.credentials import MASK

_AUTHORIZATION = re.compile(r"""(?i)(authorization["']?\s*[:=]\s*["']?)(?:(basic|bearer)\s+)?[^"'\s,})\]]+""")

#: The secrets of this process's run, registered where credentials are made.
_known: set[str] = set()


def register(*secrets: str | None) -> None:
    """Remember secrets of this run, so that :func:`scrub` masks them."""
    _known.update(s for s in secrets if s)


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """``text`` with every one of ``secrets`` and every Authorization header value masked."""
    # Longest first, so that a secret containing another is masked whole.
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(secret, MASK)
    return _AUTHORIZATION.sub(lambda m: m.group(1) + (m.group(2) + " " if m.group(2) else "") + MASK, text)


def scrub(text: str) -> str:
    """``text`` with every registered secret and every Authorization header value masked."""
    return redact(text, _known)
