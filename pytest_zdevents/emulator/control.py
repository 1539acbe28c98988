"""The control plane under ``/__zdevents/``: health, reset, state, journal and settings.

As moto's and WireMock's admin APIs, it is never rate-limited. It is guarded (:mod:`.guard`): only
loopback names, IP addresses and allowed hosts, never a page of another site, and, when the API has
credentials, the same credentials to read the data or change anything.
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .. import __version__
from .bodies import read_body
from .decoding import parse_json
from .errors import ApiError, InternalError, InvalidSettings
from .guard import admit
from .host import Host
from .switches import QUIRKS, VARIATIONS
from .views import envelope

logger = logging.getLogger(__name__)

PREFIX = "/__zdevents"
#: The largest state an import takes: far more than any test seeds, far less than would hurt.
MAX_IMPORT_BYTES = 64 * 1024 * 1024
_CHANGEABLE = ("lag", "rate_limit", "quirks", "variations")


def settings_json(host: Host) -> dict[str, Any]:
    """The settings a client may read: no credential is ever included."""
    settings = host.settings
    return {
        "auth_required": settings.auth_required,
        "storage": "sqlite" if settings.db_path else "memory",
        "lag": settings.lag,
        "rate_limit": settings.rate_limit,
        "quirks": sorted(settings.quirks),
        "variations": sorted(settings.variations),
        "page_size_max": settings.page_size_max,
        "max_body_bytes": settings.max_body_bytes,
        "allowed_hosts": sorted(settings.allowed_hosts),
    }


def control_routes(emulator: Host) -> list[Route]:
    async def read_json(request: Request) -> Any:
        timeout = emulator.settings.body_timeout
        return parse_json(
            await read_body(request, accepted={"application/json"}, limit=MAX_IMPORT_BYTES, timeout=timeout)
        )

    def guarded(route: str, handler: Any) -> Any:
        async def endpoint(request: Request) -> Response:
            try:
                admit(request, route, emulator.settings, emulator.service.is_end_user)
                return await handler(request)
            except ApiError as error:
                # Never the variations' bodies: the control plane is the emulator's own API.
                return JSONResponse(envelope(error), status_code=error.status, headers=error.headers)
            except Exception:
                logger.exception(
                    "The emulator's control plane failed on %s %s", request.method, request.scope["path"]
                )
                error = InternalError("The emulator failed; see its log.")
                return JSONResponse(envelope(error), status_code=error.status)

        return endpoint

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok", "version": __version__, **settings_json(emulator)})

    async def reset(request: Request) -> Response:
        emulator.reset()
        return Response(status_code=204)

    async def state(request: Request) -> Response:
        # HEAD is a GET without the body (Starlette serves it wherever GET is): it never imports.
        if request.method in ("GET", "HEAD"):
            return JSONResponse(emulator.export())
        return JSONResponse({"imported": emulator.import_(await read_json(request))})

    async def requests(request: Request) -> Response:
        if request.method == "DELETE":
            emulator.journal.clear()
            return Response(status_code=204)
        return JSONResponse({"requests": emulator.journal.entries()})

    async def settings(request: Request) -> Response:
        if request.method == "PATCH":
            changes = await read_json(request)
            if not isinstance(changes, dict) or set(changes) - set(_CHANGEABLE):
                raise InvalidSettings(f"Send a JSON object with any of {', '.join(_CHANGEABLE)}.")
            try:
                emulator.configure(**changes)
            except (TypeError, ValueError) as exc:
                raise InvalidSettings(str(exc)) from None
        return JSONResponse(settings_json(emulator))

    async def switches(request: Request) -> Response:
        return JSONResponse({"quirks": QUIRKS, "variations": VARIATIONS})

    table = [
        ("/health", health, ["GET"]),
        ("/reset", reset, ["POST"]),
        ("/state", state, ["GET", "POST"]),
        ("/requests", requests, ["GET", "DELETE"]),
        ("/settings", settings, ["GET", "PATCH"]),
        ("/switches", switches, ["GET"]),
    ]
    return [Route(PREFIX + path, guarded(path, handler), methods=methods) for path, handler, methods in table]
