"""How records, pages and errors are written on the wire: the HTTP layer's JSON bodies.

The switches that change only what a response looks like (``user_id_as_number``,
``received_at_missing``, ``links_as_object``, the error-body variations, ...) are read here, once
per response.
"""

from __future__ import annotations

import json
import re
import uuid
from operator import attrgetter, itemgetter
from typing import Any
from urllib.parse import quote_plus

from starlette.datastructures import URL

from . import cursors
from .errors import ApiError
from .model import UNWRITTEN, Event, EventPage, Profile
from .settings import EmulatorSettings
from .switches import Quirk, Variation
from .timestamps import with_nine_digits

#: Zendesk's generic 401 body, the unauthorized_generic_body variation (reference 6.3).
UNAUTHORIZED_GENERIC_BODY = {"error": "Couldn't authenticate you"}

#: JSON text as Starlette's JSONResponse writes it (compact, UTF-8, no NaN), as a str.
_encode = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode


def dumps(body: Any) -> bytes:
    """``body`` as the bytes of a JSON answer, the same as ``JSONResponse(body).body``."""
    return _encode(body).encode("utf-8")


_WIRE = attrgetter("wire")


class Views:
    """The JSON of records and pages under one response's settings."""

    def __init__(self, settings: EmulatorSettings) -> None:
        self.settings = settings
        self.user_id_as_number = settings.on(Quirk.USER_ID_AS_NUMBER)
        self.nine_digits = settings.on(Variation.NANOSECOND_TIMESTAMPS)

    def user_id(self, user_id: str) -> str | int:
        return int(user_id) if self.user_id_as_number else user_id

    def tracked(self, profile: Profile) -> dict[str, Any]:
        """The documented answer to a track (S1)."""
        return {"profile_id": profile.id, "status": "received", "user_id": self.user_id(profile.user_id)}

    def profile(self, profile: Profile) -> dict[str, Any]:
        body = profile.to_json()
        body["user_id"] = self.user_id(profile.user_id)
        if self.nine_digits:
            # Records written before the variation was on, or imported, are padded to nine digits.
            body["created_at"] = with_nine_digits(profile.created_at)
            body["updated_at"] = with_nine_digits(profile.updated_at)
        if self.settings.on(Quirk.PROFILE_TIMESTAMPS_MISSING):
            del body["created_at"], body["updated_at"]
        return body

    def page(self, page: EventPage, url: str) -> bytes:
        """A page of events with ``links`` and ``meta`` (S1), as the bytes of its JSON; ``url`` is
        the request's, from which the ``next`` link is built. Each event's JSON is written once
        per shape and kept on the event (:attr:`.Event.wire`); the switches that shape it are
        read here, once per page."""
        settings = self.settings
        other = settings.on(Variation.OTHER_CURSORS)
        after_cursor = None if page.after is None else cursors.encode(page.after, other=other)
        next_url = ""
        if page.has_more and after_cursor is not None:
            next_url = _with_cursor(url, after_cursor)
        links: Any = {"next": next_url} if settings.on(Quirk.LINKS_AS_OBJECT) else [{"next": next_url}]
        if not page.has_more and settings.on(Variation.LAST_PAGE_CURSOR_NULL):
            after_cursor = None
        no_received_at = settings.on(Quirk.RECEIVED_AT_MISSING)
        shape = self.user_id_as_number | self.nine_digits << 1 | no_received_at << 2
        events = list(map(itemgetter(shape), map(_WIRE, page.events)))
        if None in events:
            pairs = zip(events, page.events, strict=True)
            events = [text or self._written(event, shape) for text, event in pairs]
        rest = dumps({"links": links, "meta": {"has_more": page.has_more, "after_cursor": after_cursor}})
        # The same bytes as dumps({"events": [...], "links": ..., "meta": ...}), copied once: the
        # head and tail go onto the first and last event's text, not around the joined page.
        head, tail = b'{"events":[', b"]," + rest[1:]
        if not events:
            return head + tail
        events[0] = head + events[0]
        events[-1] += tail
        return b",".join(events)

    def _written(self, event: Event, shape: int) -> bytes:
        if event.wire is UNWRITTEN:
            object.__setattr__(event, "wire", list(UNWRITTEN))  # a cache, not a field of the record
        text = event.wire[shape] = dumps(self._event(event, no_received_at=bool(shape & 4)))
        return text

    def _event(self, event: Event, no_received_at: bool) -> dict[str, Any]:
        body = event.to_json()
        body["user_id"] = self.user_id(event.user_id)
        if self.nine_digits:
            body["created_at"] = with_nine_digits(event.created_at)
            body["received_at"] = with_nine_digits(event.received_at)
        if no_received_at:
            del body["received_at"]
        return body


#: What quote_plus leaves as it is.
_UNQUOTED = re.compile(r"[A-Za-z0-9_.~-]*")


def _with_cursor(url: str, cursor: str) -> str:
    """``url`` with its ``page[after]`` set to ``cursor``: ``URL.include_query_params``, without
    its parsing and rebuilding when the URL has no query (a first page, the most read)."""
    if "?" not in url:
        # urlencode({"page[after]": cursor}), without quoting a cursor that has nothing to quote.
        quoted = cursor if _UNQUOTED.fullmatch(cursor) else quote_plus(cursor)
        return f"{url}?page%5Bafter%5D={quoted}"
    return str(URL(url).include_query_params(**{"page[after]": cursor}))


def error_body(
    error: ApiError, settings: EmulatorSettings, *, user_route: bool
) -> tuple[int, dict[str, Any]]:
    """The status and body an API route answers ``error`` with. ``user_route``: the request was
    for a route under ``/api/v2/users/{user_id}`` (E1, E4, P1, P4), which Zendesk Support serves."""
    status = error.status
    if status == 409 and settings.on(Variation.CONFLICTS_AS_400):
        status = 400
    generic = settings.on(Variation.ERROR_CODES_GENERIC)
    body: dict[str, Any]
    if status == 401 and settings.on(Variation.UNAUTHORIZED_GENERIC_BODY):
        body = dict(UNAUTHORIZED_GENERIC_BODY)
    elif user_route and 400 <= status < 500 and settings.on(Variation.SUPPORT_ERRORS_ON_USER_ROUTES):
        body = _support_body(error, status, generic_codes=generic)
    else:
        body = envelope(error, generic_codes=generic)
        if settings.on(Quirk.ERROR_ENVELOPE_SINGULAR):
            body = {"error": body["errors"]}
    return status, body


def envelope(error: ApiError, *, generic_codes: bool = False) -> dict[str, Any]:
    """The errors envelope (S1, S2): one error with a fresh id.

    ``generic_codes`` is the legal variation that answers every 4xx with the code
    ``ClientError`` (the placeholder the Profiles docs show), except the documented ones.
    """
    code = _code(error, generic_codes)
    return {"errors": [{"code": code, "id": str(uuid.uuid4()), "title": error.title, "detail": error.detail}]}


def _support_body(error: ApiError, status: int, *, generic_codes: bool) -> dict[str, Any]:
    """The body Zendesk Support sends for a 4xx of ``status``, which the docs show on the
    routes under ``/api/v2/users/{user_id}`` (seed 001's 400 for a user id that is not an
    integer): the support_errors_on_user_routes variation."""
    if status == 404:
        return {"error": "RecordNotFound", "description": "Not found"}
    if status == 400:
        return {"error": {"title": "Invalid attribute", "message": error.detail}}
    return {"error": _code(error, generic_codes), "description": error.detail}


def _code(error: ApiError, generic_codes: bool) -> str:
    generic = generic_codes and 400 <= error.status < 500 and not error.documented
    return "ClientError" if generic else error.code
