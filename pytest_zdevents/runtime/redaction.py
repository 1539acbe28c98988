"""Masking secrets in everything the suite writes: logs, failure reports, JUnit, JSON and HTML,
so that no secret is ever printed and the output stays readable whatever the secret.

Two nets:

* The secrets a run knows (its tokens, the ``{email}/token:{token}`` pair and the base64 Basic
  value it makes) are replaced by the mask. A secret of at least :data:`MIN_FREE_TEXT` characters
  is replaced wherever it appears, inside longer words too: such a string does not turn up by
  chance. A shorter one (``--zd-token t``) is replaced only as a whole token: where neither the
  character before it nor the one after it is a token character (a letter, digit or ``_``, or one
  of ``-.~+/``). So ``t`` alone, in ``token:t``, ``"t"``, ``'t'`` or ``?token=t`` is masked, and
  the ``t`` of ``AssertionError``, ``t-shirt``, ``t.co``, ``/t/`` or ``don't`` is not. A ``.``
  that ends a sentence is no token character ("the token is t." masks ``t``), nor is the ``n`` of
  an escaped newline in a repr (``'line\\nt'``); the ``t`` after the apostrophe of a contraction
  (``don't``, but not ``b't'``) is not the secret. The plugin's report header warns about such
  short secrets (:func:`too_short`).
* The value of an ``Authorization`` header (``Authorization: ...``, ``"authorization": "..."``,
  ``-H 'Authorization: ...'``, ``authorization=...``) is masked whatever it is, when it looks like
  a credential: an optional scheme word (``Basic``, ``Bearer``, any other, which stays readable)
  then one run of credential characters (letters, digits, ``-._~+/``, then ``=`` padding) that
  ends the value: the end of the line or text, a quote, ``,;&)]}``, a backslash (an escaped newline
  in a repr) or a space followed by one of those. Prose is left alone: in "Send Authorization: Basic
  base64('{email}/token:{api_token}') or Bearer {oauth_token}" the value after ``Basic`` is
  followed by ``(``, and placeholders in braces are no credential characters.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

from pytest_zdevents.credentials import MASK

#: Below this many characters a secret is masked only as a whole token, not inside longer words.
MIN_FREE_TEXT = 8

_TOKEN_CHAR = r"[\w\-.~+/]"
# After an escaped newline or tab in a repr ("'line\\ntoken'") a token starts, although "n" is a letter.
_BEFORE = rf"(?:(?<!{_TOKEN_CHAR})|(?<=\\[nrt]))"
# A "." followed by something other than a token character ends a sentence, not a token.
_AFTER = r"(?![\w\-~+/]|\.[\w\-.~+/])"

# Where a header value ends: the end of the line, a quote, a closing bracket, a separator, or the
# backslash of an escaped newline in a repr.
_VALUE_END = r"""(?=[ \t]*(?:$|["'\\,;&)\]}\r]))"""
_AUTHORIZATION = re.compile(
    # A quoted name (a dict's repr, JSON) has a quoted value; a bare one (a header line) may not.
    r"""(?im)(?P<head>["']authorization["'][ \t]*[:=][ \t]*["']|authorization[ \t]*[:=][ \t]*["']?)"""
    r"""(?P<scheme>[A-Za-z][\w-]*[ \t]+)?"""
    # A scheme's name alone ("Authorization: Basic") is no credential.
    rf"""(?!(?:basic|bearer){_VALUE_END})"""
    r"""(?P<value>[\w\-.~+/]+=*)""" + _VALUE_END
)

#: The secrets of this process's run, registered where credentials are made.
_known: set[str] = set()


def register(*secrets: str | None) -> None:
    """Remember secrets of this run, so that :func:`scrub` masks them."""
    _known.update(s for s in secrets if s)


def too_short(secret: str | None) -> bool:
    """Whether ``secret`` is too short to mask inside longer words (see the module's docstring)."""
    return bool(secret) and len(secret or "") < MIN_FREE_TEXT


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """``text`` with every one of ``secrets`` and every Authorization header value masked."""
    # Longest first, so that a secret containing another is masked whole.
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = _mask_whole(text, secret) if too_short(secret) else text.replace(secret, MASK)
    return _AUTHORIZATION.sub(lambda m: m["head"] + (m["scheme"] or "") + MASK, text)


def scrub(text: str) -> str:
    """``text`` with every registered secret and every Authorization header value masked."""
    return redact(text, _known)


def _mask_whole(text: str, secret: str) -> str:
    """``text`` with ``secret`` masked where it stands as a whole token."""

    def replace(match: re.Match[str]) -> str:
        start, end = match.span()
        contraction = (
            start >= 2 and text[start - 1] == "'" and text[start - 2].isalpha() and text[end : end + 1] != "'"
        )
        return match[0] if contraction else MASK

    return re.sub(_BEFORE + re.escape(secret) + _AFTER, replace, text)


class ScrubbingFilter(logging.Filter):
    """A logging filter that masks what :func:`scrub` masks in every record it passes: for the
    handlers that write logs as they come (pytest's live log, its log file), which no report
    scrubbing reaches."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = scrub(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True
