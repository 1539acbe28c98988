"""Bytes from the wire into JSON values that every store can write and every read can send back.

A request body is JSON only if it is UTF-8 (RFC 8259 8.1; a byte order mark is ignored), its numbers
are finite and its text is valid Unicode. Python's ``json`` is laxer on all three: it reads UTF-16
and UTF-32 bodies, lone surrogates (``"\\ud800"``, or their raw bytes), ``NaN`` and ``1e999``.
Such a value, once stored, breaks every later read that encodes it (the API's, the state export's,
the journal's), so it is refused here, at the door, for every route that takes a body.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any
from urllib.parse import unquote_to_bytes

from .errors import InvalidJson, InvalidQueryString

#: An escape that can make a surrogate; only then is the parsed value searched for a lone one.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"the number {text[:40]} is too large for a double")
    return value


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


#: One decoder for every body: ``json.loads`` with hooks builds a decoder and its scanner each call.
_DECODER = json.JSONDecoder(parse_float=_finite, parse_constant=_no_constant)


def parse_json(raw: bytes) -> Any:
    """``raw`` as a JSON value, or 400 ``InvalidJson`` saying what is wrong with it."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidJson(
            f"The body is not UTF-8 text (byte {exc.start} cannot be read); send JSON encoded as UTF-8."
        ) from None
    try:
        value = _DECODER.decode(text)
    except RecursionError:
        raise InvalidJson("The body is nested too deeply to be read as JSON.") from None
    except ValueError as exc:
        raise InvalidJson(f"The body could not be read as JSON: {exc}.") from None
    if _SURROGATE_ESCAPE.search(text):
        where = unwritable(value)
        if where is not None:
            raise InvalidJson(
                f"The text at {where} has a lone surrogate escape (\\ud800 to \\udfff), which is not "
                "Unicode; send each character outside the Basic Multilingual Plane as a pair.",
                title="Request body is not valid Unicode",
            )
    return value


def check_query(raw: bytes) -> None:
    """400 ``InvalidQueryString`` unless the query string, percent-decoded, is UTF-8 text: the
    server would otherwise read each stray byte as U+FFFD, and store an identifier nobody sent."""
    try:
        unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidQueryString(
            f"The query string, percent-decoded, is not UTF-8 text (byte {exc.start} cannot be read); "
            "encode text as UTF-8 before percent-encoding it."
        ) from None


def type_name(value: Any) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}.get(
        type(value), "null" if value is None else "a number"
    )


def parse_json_object(raw: bytes) -> dict[str, Any]:
    """``raw`` as a JSON object, or 400 ``InvalidJson``."""
    value = parse_json(raw)
    if not isinstance(value, dict):
        raise InvalidJson(
            f"The body must be a JSON object, not {type_name(value)}.",
            title="Request body is not a JSON object",
        )
    return value


def unwritable(value: Any) -> str | None:
    """Where in ``value`` (``$.a[0]``) JSON text cannot carry what it holds: a string or key with a
    lone surrogate, or a number that is not finite; None when it can carry all of it.

    Iterative: a value the parser read may be nested as deep as the recursion limit allows."""
    stack: list[tuple[str, Any]] = [("$", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str) and not _encodable(item):
            return path
        if isinstance(item, float) and not math.isfinite(item):
            return path
        if isinstance(item, dict):
            for key, child in item.items():
                if isinstance(key, str) and not _encodable(key):
                    return f"{path} (a key)"
                stack.append((f"{path}.{key}", child))
        elif isinstance(item, list | tuple):
            stack.extend((f"{path}[{i}]", child) for i, child in enumerate(item))
    return None


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
