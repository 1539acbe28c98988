"""The ASGI application: the API routes of ``openapi.yaml`` and the control plane.

Every API request goes through one pipeline (:meth:`Api.handle`): rate limit, authentication,
body checks, the operation, then the journal. Whatever goes wrong becomes the error envelope;
an unexpected exception is a 500 with that envelope, never a bare traceback.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .. import __version__
from .auth import PERMISSION_DENIED, authenticate
from .errors import UNAUTHORIZED_GENERIC_BODY, ApiError, not_found
from .journal import body_for_journal, masked_headers
from .validation import parse_json_object, user_id_path

if TYPE_CHECKING:
    from .runtime import Emulator

logger = logging.getLogger(__name__)

Body = dict[str, Any]
Result = tuple[int, Body | None]
Handler = Callable[[Request, Body], Result]

VERSION_HEADER = "X-Zdevents-Emulator"
#: The Profiles API's write operations (P4-P9), which the profile_writes_off variation removes.
PROFILE_WRITES = frozenset(
    {
        "put_user_profile",
        "put_profile_by_identifier",
        "patch_profile_by_identifier",
        "replace_profile",
        "patch_profile",
        "delete_profile",
    }
)
#: The prefix of the routes Zendesk Support serves (E1, E4, P1, P4), where the docs show its
#: error bodies.
USER_ROUTES = "/api/v2/users/"
_JSON_TYPES = frozenset({"application/json"})
_PATCH_TYPES = frozenset({"application/json", "application/merge-patch+json"})


class Api:
    """The Events and Profiles API operations (E1-E6, P1-P9) over the emulator's service."""

    def __init__(self, emulator: Emulator) -> None:
        self.emulator = emulator

    @property
    def service(self) -> Any:
        return self.emulator.service

    # Operations: each takes the request and the parsed JSON body ({} for reads).

    def list_user_events(self, request: Request, body: Body) -> Result:
        user_id = user_id_path(request.path_params["user_id"])
        return 200, self.service.list_events("user", user_id, request.query_params, request.url)

    def track_user_event(self, request: Request, body: Body) -> Result:
        user_id = user_id_path(request.path_params["user_id"])
        return self._tracked(self.service.track(body, user_id=user_id))

    def list_events_by_identifier(self, request: Request, body: Body) -> Result:
        identifier = request.query_params.get("identifier")
        return 200, self.service.list_events("identifier", identifier, request.query_params, request.url)

    def track_event(self, request: Request, body: Body) -> Result:
        return self._tracked(self.service.track(body))

    def list_profile_events(self, request: Request, body: Body) -> Result:
        profile_id = request.path_params["profile_id"]
        return 200, self.service.list_events("profile", profile_id, request.query_params, request.url)

    def track_profile_event(self, request: Request, body: Body) -> Result:
        return self._tracked(self.service.track(body, profile_id=request.path_params["profile_id"]))

    def _tracked(self, answer: Body) -> Result:
        return (200 if self.emulator.settings.quirk("track_returns_200") else 202), answer

    def list_user_profiles(self, request: Request, body: Body) -> Result:
        return 200, self.service.list_user_profiles(user_id_path(request.path_params["user_id"]))

    def put_user_profile(self, request: Request, body: Body) -> Result:
        user_id = user_id_path(request.path_params["user_id"])
        return self.service.put_profile(body, identifier=_identifier(request), user_id=user_id)

    def get_profile_by_identifier(self, request: Request, body: Body) -> Result:
        return 200, self.service.get_profile(identifier=_identifier(request))

    def put_profile_by_identifier(self, request: Request, body: Body) -> Result:
        return self.service.put_profile(body, identifier=_identifier(request))

    def patch_profile_by_identifier(self, request: Request, body: Body) -> Result:
        return 200, self.service.patch_profile(body, identifier=_identifier(request))

    def get_profile(self, request: Request, body: Body) -> Result:
        return 200, self.service.get_profile(profile_id=request.path_params["profile_id"])

    def replace_profile(self, request: Request, body: Body) -> Result:
        return self.service.put_profile(body, profile_id=request.path_params["profile_id"])

    def patch_profile(self, request: Request, body: Body) -> Result:
        return 200, self.service.patch_profile(body, profile_id=request.path_params["profile_id"])

    def delete_profile(self, request: Request, body: Body) -> Result:
        self.service.delete_profile(request.path_params["profile_id"])
        return 204, None

    def routes(self) -> list[Route]:
        """One route per path, each dispatching on the method itself so that a 405 lists
        every method of the path in ``Allow``. The literal ``events`` path comes before the
        ``{profile_id}`` template that would otherwise swallow it."""
        table: list[tuple[str, dict[str, Handler]]] = [
            ("/api/v2/users/{user_id}/events", {"GET": self.list_user_events, "POST": self.track_user_event}),
            (
                "/api/v2/users/{user_id}/profiles",
                {"GET": self.list_user_profiles, "PUT": self.put_user_profile},
            ),
            (
                "/api/v2/user_profiles/events",
                {"GET": self.list_events_by_identifier, "POST": self.track_event},
            ),
            (
                "/api/v2/user_profiles",
                {
                    "GET": self.get_profile_by_identifier,
                    "PUT": self.put_profile_by_identifier,
                    "PATCH": self.patch_profile_by_identifier,
                },
            ),
            (
                "/api/v2/user_profiles/{profile_id}/events",
                {"GET": self.list_profile_events, "POST": self.track_profile_event},
            ),
            (
                "/api/v2/user_profiles/{profile_id}",
                {
                    "GET": self.get_profile,
                    "PUT": self.replace_profile,
                    "PATCH": self.patch_profile,
                    "DELETE": self.delete_profile,
                },
            ),
        ]
        return [Route(path, self._endpoint(methods)) for path, methods in table]

    def _endpoint(self, methods: dict[str, Handler]) -> _Endpoint:
        return _Endpoint(self, methods)

    # The pipeline

    async def handle(self, request: Request, methods: dict[str, Handler]) -> Response:
        started = time.monotonic()
        raw = b""
        headers: dict[str, str] = {}
        try:
            headers = self._rate_limit()
            if self.emulator.settings.variation("profile_writes_off"):
                # The Profiles API's writes (P4-P9) are optional: without them, only reads remain.
                methods = {m: h for m, h in methods.items() if h.__name__ not in PROFILE_WRITES}
            # HEAD is GET without the body (RFC 9110 9.3.2), wherever GET is served.
            reading = request.method in ("GET", "HEAD")
            handler = methods.get("GET" if request.method == "HEAD" else request.method)
            if handler is None:
                allow = ", ".join([*methods, "HEAD"] if "GET" in methods else methods)
                raise ApiError(
                    405,
                    "MethodNotAllowed",
                    "Method not allowed",
                    f"{request.method} is not allowed on {request.url.path}; use {allow}.",
                    headers={"Allow": allow},
                )
            access = authenticate(request.headers.get("authorization"), self.emulator.settings)
            body: Body = {}
            if not reading and access != "full":
                raise PERMISSION_DENIED
            if request.method in ("POST", "PUT", "PATCH"):
                raw = await self._read_body(request)
                body = parse_json_object(raw)
            status, answer = handler(request, body)
            response = _json(status, answer)
        except ApiError as error:
            response = self.error_response(error, user_route=request.url.path.startswith(USER_ROUTES))
        except Exception:
            logger.exception("The emulator failed on %s %s", request.method, request.url.path)
            response = self.error_response(
                ApiError(500, "InternalError", "Internal server error", "The emulator failed; see its log.")
            )
        response.headers.update(headers)
        if request.method == "HEAD":
            response = Response(status_code=response.status_code, headers=dict(response.headers))
        self.emulator.journal.record(
            {
                "time": time.time(),
                "method": request.method,
                "path": request.url.path,
                "query": request.url.query,
                "headers": masked_headers(request.headers.items()),
                "body": body_for_journal(raw) if raw else None,
                "status": response.status_code,
                "duration_ms": round((time.monotonic() - started) * 1000, 3),
            }
        )
        return response

    def _rate_limit(self) -> dict[str, str]:
        limiter = self.emulator.limiter
        if limiter is None:
            return {}
        allowed, remaining, wait = limiter.take()
        headers = {"X-Rate-Limit": str(limiter.rate), "X-Rate-Limit-Remaining": str(remaining)}
        if not allowed:
            if not self.emulator.settings.quirk("retry_after_missing"):
                headers["Retry-After"] = str(wait)
            raise ApiError(
                429,
                "TooManyRequests",
                "Too Many Requests",
                f"More than {limiter.rate} requests a second; retry after {wait} seconds.",
                headers=headers,
            )
        return headers

    async def _read_body(self, request: Request) -> bytes:
        accepted = _PATCH_TYPES if request.method == "PATCH" else _JSON_TYPES
        media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media_type not in accepted:
            raise ApiError(
                415,
                "UnsupportedMediaType",
                "Unsupported media type",
                f"Send the body as {' or '.join(sorted(accepted))}, not {media_type or 'no Content-Type'}.",
            )
        limit = self.emulator.settings.max_body_bytes
        too_large = ApiError(
            413, "PayloadTooLarge", "Payload too large", f"The body is over the limit of {limit} bytes."
        )
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise too_large
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise too_large
            chunks.append(chunk)
        return b"".join(chunks)

    def error_response(self, error: ApiError, *, user_route: bool = False) -> Response:
        """The answer for ``error``. ``user_route``: the request was for a route under
        ``/api/v2/users/{user_id}`` (E1, E4, P1, P4), which Zendesk Support serves."""
        settings = self.emulator.settings
        status = error.status
        if status == 409 and settings.variation("conflicts_as_400"):
            status = 400
        generic = settings.variation("error_codes_generic")
        body: dict[str, Any]
        if status == 401 and settings.variation("unauthorized_generic_body"):
            body = dict(UNAUTHORIZED_GENERIC_BODY)
        elif user_route and 400 <= status < 500 and settings.variation("support_errors_on_user_routes"):
            body = error.support_body(status, generic_codes=generic)
        else:
            body = error.envelope(generic_codes=generic)
            if settings.quirk("error_envelope_singular"):
                body = {"error": body["errors"]}
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


def _identifier(request: Request) -> str | None:
    return request.query_params.get("identifier")


def _json(status: int, body: Body | None) -> Response:
    if body is None:
        return Response(status_code=status)
    return JSONResponse(body, status_code=status)


def create_app(emulator: Emulator) -> Starlette:
    """The emulator's ASGI application: the API and, under ``/__zdevents/``, the control plane."""
    from .control import control_routes

    api = Api(emulator)

    async def not_found_handler(request: Request, exc: Exception) -> Response:
        if isinstance(exc, HTTPException) and exc.status_code != 404:
            error = ApiError(exc.status_code, "HttpError", str(exc.detail), headers=exc.headers)
        else:
            error = not_found(
                "NotFound", "Not found", f"There is no operation at {request.url.path}; see openapi.yaml."
            )
        return api.error_response(error)

    app = Starlette(
        routes=[*api.routes(), *control_routes(emulator)],
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
