"""The ASGI application: the API routes of ``openapi.yaml`` and the control plane.

Every API request goes through one pipeline (:meth:`Api.handle`): rate limit, authentication,
body checks, the operation, then the journal. Whatever goes wrong becomes the error envelope;
an unexpected exception is a 500 with that envelope, never a bare traceback.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response

from .. import __version__
from .auth import Authenticator, permission_denied
from .bodies import read_body
from .control import control_routes
from .decoding import check_query, parse_json_object
from .errors import (
    ApiError,
    HttpError,
    InternalError,
    MethodNotAllowed,
    NotFound,
    TooManyRequests,
)
from .exchange import ApiRequest, Routes, send_answer
from .host import Host
from .hosts import split_host
from .ratelimit import RateLimiter
from .responses import ApiResponses, Body, Handler, api_routes, optional_handlers
from .settings import EmulatorSettings
from .switches import Quirk, Variation
from .views import dumps, error_body

logger = logging.getLogger(__name__)

VERSION_HEADER = "X-Zdevents-Emulator"
#: The prefix of the routes Zendesk Support serves (E1, E4, P1, P4), where the docs show its
#: error bodies.
USER_ROUTES = "/api/v2/users/"
_JSON_TYPES = frozenset({"application/json"})
_PATCH_TYPES = frozenset({"application/json", "application/merge-patch+json"})


class Api:
    """The pipeline every API request goes through, around the operations of :mod:`.responses`."""

    def __init__(self, host: Host) -> None:
        self.host = host
        self.auth = Authenticator(lambda email: host.service.is_end_user(email))
        self.routes: Routes[dict[str, Handler]] = Routes(api_routes(ApiResponses(host)))

    # The pipeline

    async def handle(self, request: ApiRequest, methods: dict[str, Handler]) -> Answer:
        """The status, JSON body (None for none) and extra headers of the answer to ``request``."""
        started = time.monotonic()
        scope = request.scope
        method: str = scope["method"]
        raw = b""
        # The path as the server decoded it, not request.url: a hostile Host header can make the
        # URL unparseable, and this must not fail.
        path: str = scope["path"]
        headers: dict[str, str] = {}
        # The settings of this request: read once, so a configure() while it runs changes the next.
        settings = self.host.settings
        try:
            split_host(request.headers.get("host", ""))
            check_query(scope["query_string"])
            if self.host.limiter is not None:
                headers = self._rate_limit(self.host.limiter, settings)
            if settings.on(Variation.PROFILE_WRITES_OFF):
                # The Profiles API's writes (P4-P9) are optional: without them, only reads remain.
                methods = {m: h for m, h in methods.items() if h.__name__ not in optional_handlers()}
            # HEAD is GET without the body (RFC 9110 9.3.2), wherever GET is served.
            reading = method in ("GET", "HEAD")
            handler = methods.get("GET" if method == "HEAD" else method)
            if handler is None:
                allow = ", ".join([*methods, "HEAD"] if "GET" in methods else methods)
                raise MethodNotAllowed(
                    f"{method} is not allowed on {path}; use {allow}.", headers={"Allow": allow}
                )
            access = self.auth.access(request.headers.get("authorization"), settings)
            body: Body = {}
            read_refused = access == "read" and settings.on(Quirk.READ_SCOPE_REFUSED)
            if access == "end_user" or read_refused or (not reading and access != "full"):
                raise permission_denied(access)
            if method in ("POST", "PUT", "PATCH"):
                accepted = _PATCH_TYPES if method == "PATCH" else _JSON_TYPES
                raw = await read_body(
                    request, accepted=accepted, limit=settings.max_body_bytes, timeout=settings.body_timeout
                )
                body = parse_json_object(raw)
            status, answer = handler(request, body)
            content = answer if answer is None or isinstance(answer, bytes) else dumps(answer)
        except ApiError as error:
            status, content = self.error_answer(error, user_route=path.startswith(USER_ROUTES))
            headers.update(error.headers or {})
        except Exception:
            logger.exception("The emulator failed on %s %s", method, path)
            status, content = self.error_answer(InternalError("The emulator failed; see its log."))
        self.host.journal.record(
            {
                "time": time.time(),
                "method": method,
                "path": path,
                "query": scope["query_string"].decode("latin-1"),
                "status": status,
                "duration_ms": round((time.monotonic() - started) * 1000, 3),
            },
            raw,
            scope["headers"],
        )
        return status, content, headers

    def _rate_limit(self, limiter: RateLimiter, settings: EmulatorSettings) -> dict[str, str]:
        allowed, remaining, wait = limiter.take()
        headers = {"X-Rate-Limit": str(limiter.rate), "X-Rate-Limit-Remaining": str(remaining)}
        if not allowed:
            if not settings.on(Quirk.RETRY_AFTER_MISSING):
                headers["Retry-After"] = str(wait)
            raise TooManyRequests(
                f"More than {limiter.rate} requests a second; retry after {wait} seconds.", headers=headers
            )
        return headers

    def error_answer(self, error: ApiError, *, user_route: bool = False) -> tuple[int, bytes]:
        """The status and JSON of the answer for ``error``. ``user_route``: the request was for
        a route under ``/api/v2/users/{user_id}`` (E1, E4, P1, P4), which Zendesk Support serves."""
        status, body = error_body(error, self.host.settings, user_route=user_route)
        return status, dumps(body)


#: The status, JSON body (None for none) and extra headers of an API answer.
Answer = tuple[int, bytes | None, dict[str, str]]


class EmulatorApp:
    """The emulator's ASGI application. An API request whose path is one of ``openapi.yaml``'s
    goes through :class:`Api` as raw ASGI; everything else (the control plane under
    ``/__zdevents/``, unknown paths, the lifespan) goes to a Starlette app."""

    def __init__(self, api: Api, rest: Any) -> None:
        self.api = api
        self.rest = rest

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        found = self.api.routes.match(scope["path"]) if scope["type"] == "http" else None
        if found is None:
            await self.rest(scope, receive, send)
            return
        methods, params = found
        status, body, headers = await self.api.handle(ApiRequest(scope, receive, params), methods)
        raw = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()]
        raw.append(_VERSION)
        await send_answer(send, status, body, raw, head=scope["method"] == "HEAD")


_VERSION = (VERSION_HEADER.lower().encode(), __version__.encode())


def create_app(host: Host) -> EmulatorApp:
    """The emulator's ASGI application: the API and, under ``/__zdevents/``, the control plane."""
    api = Api(host)

    async def not_found_handler(request: Request, exc: Exception) -> Response:
        if isinstance(exc, HTTPException) and exc.status_code != 404:
            error: ApiError = HttpError(exc.status_code, str(exc.detail), headers=exc.headers)
        else:
            error = NotFound(f"There is no operation at {request.scope['path']}; see openapi.yaml.")
        status, body = api.error_answer(error)
        return Response(body, status_code=status, headers=error.headers, media_type="application/json")

    rest = Starlette(
        routes=control_routes(host),
        exception_handlers={HTTPException: not_found_handler},
        middleware=[Middleware(VersionHeader)],
    )
    rest.router.redirect_slashes = False
    return EmulatorApp(api, rest)


class VersionHeader:
    """Adds ``X-Zdevents-Emulator: <version>`` to every response of the Starlette app (the API's
    answers carry it from :class:`EmulatorApp`)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        async def send_with_version(message: Any) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), _VERSION]
            await send(message)

        await self.app(scope, receive, send_with_version)
