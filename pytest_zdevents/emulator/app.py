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
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

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

    def routes(self) -> list[Route]:
        """One route per path, each dispatching on the method itself so that a 405 lists
        every method of the path in ``Allow``."""
        table = api_routes(ApiResponses(self.host))
        return [Route(path, _Endpoint(self, methods)) for path, methods in table]

    # The pipeline

    async def handle(self, request: Request, methods: dict[str, Handler]) -> Response:
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
            response = _json(status, answer)
        except ApiError as error:
            response = self.error_response(error, user_route=path.startswith(USER_ROUTES))
        except Exception:
            logger.exception("The emulator failed on %s %s", method, path)
            response = self.error_response(InternalError("The emulator failed; see its log."))
        if headers:
            response.headers.update(headers)
        if method == "HEAD":
            response = Response(status_code=response.status_code, headers=dict(response.headers))
        self.host.journal.record(
            {
                "time": time.time(),
                "method": method,
                "path": path,
                "query": scope["query_string"].decode("latin-1"),
                "status": response.status_code,
                "duration_ms": round((time.monotonic() - started) * 1000, 3),
            },
            raw,
            scope["headers"],
        )
        return response

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

    def error_response(self, error: ApiError, *, user_route: bool = False) -> Response:
        """The answer for ``error``. ``user_route``: the request was for a route under
        ``/api/v2/users/{user_id}`` (E1, E4, P1, P4), which Zendesk Support serves."""
        status, body = error_body(error, self.host.settings, user_route=user_route)
        return JSONResponse(body, status_code=status, headers=error.headers)


class _Endpoint:
    """A raw ASGI endpoint (an object, not a function, so Starlette routes every method to it,
    even ones it does not know such as QUERY, and the 405 with ``Allow`` is ours)."""

    def __init__(self, api: Api, methods: dict[str, Handler]) -> None:
        self.api = api
        self.methods = methods

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        response = await self.api.handle(Request(scope, receive), self.methods)
        await response(scope, receive, send)


def _json(status: int, body: Body | bytes | None) -> Response:
    if body is None:
        return Response(status_code=status)
    if not isinstance(body, bytes):
        body = dumps(body)
    return Response(body, status_code=status, media_type="application/json")


def create_app(host: Host) -> Starlette:
    """The emulator's ASGI application: the API and, under ``/__zdevents/``, the control plane."""
    api = Api(host)

    async def not_found_handler(request: Request, exc: Exception) -> Response:
        if isinstance(exc, HTTPException) and exc.status_code != 404:
            error: ApiError = HttpError(exc.status_code, str(exc.detail), headers=exc.headers)
        else:
            error = NotFound(f"There is no operation at {request.scope['path']}; see openapi.yaml.")
        return api.error_response(error)

    app = Starlette(
        routes=[*api.routes(), *control_routes(host)],
        exception_handlers={HTTPException: not_found_handler},
        middleware=[Middleware(VersionHeader)],
    )
    app.router.redirect_slashes = False
    return app


class VersionHeader:
    """Adds ``X-Zdevents-Emulator: <version>`` to every response, API and control plane alike."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        async def send_with_version(message: Any) -> None:
            if message["type"] == "http.response.start":
                header = (VERSION_HEADER.lower().encode(), __version__.encode())
                message["headers"] = [*message.get("headers", []), header]
            await send(message)

        await self.app(scope, receive, send_with_version)
