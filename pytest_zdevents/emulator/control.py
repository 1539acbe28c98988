"""The control plane under ``/__zdevents/``: health, reset, state, journal and settings.

As moto's and WireMock's admin APIs, it is never rate-limited or authenticated: the emulator
listens on loopback by default.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .. import __version__
from .errors import ApiError, bad_request
from .seeding import export_state, import_state
from .switches import QUIRKS, VARIATIONS

if TYPE_CHECKING:
    from .runtime import Emulator

PREFIX = "/__zdevents"
_CHANGEABLE = ("lag", "rate_limit", "quirks", "variations")


def settings_json(emulator: Emulator) -> dict[str, Any]:
    """The settings a client may read: no credential is ever included."""
    settings = emulator.settings
    return {
        "auth_required": settings.auth_required,
        "storage": "sqlite" if settings.db_path else "memory",
        "lag": settings.lag,
        "rate_limit": settings.rate_limit,
        "quirks": sorted(settings.quirks),
        "variations": sorted(settings.variations),
        "page_size_max": settings.page_size_max,
        "max_body_bytes": settings.max_body_bytes,
    }


def control_routes(emulator: Emulator) -> list[Route]:
    async def read_json(request: Request) -> Any:
        try:
            return json.loads(await request.body())
        except ValueError as exc:
            raise bad_request("InvalidJson", "Request body is not valid JSON", str(exc)) from None

    def guarded(handler: Any) -> Any:
        async def endpoint(request: Request) -> Response:
            try:
                return await handler(request)
            except ApiError as error:
                return JSONResponse(error.envelope(), status_code=error.status)

        return endpoint

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok", "version": __version__, **settings_json(emulator)})

    async def reset(request: Request) -> Response:
        emulator.reset()
        return Response(status_code=204)

    async def state(request: Request) -> Response:
        if request.method == "GET":
            return JSONResponse(export_state(emulator.service))
        return JSONResponse({"imported": import_state(emulator.service, await read_json(request))})

    async def requests(request: Request) -> Response:
        if request.method == "DELETE":
            emulator.journal.clear()
            return Response(status_code=204)
        return JSONResponse({"requests": emulator.journal.entries()})

    async def settings(request: Request) -> Response:
        if request.method == "PATCH":
            changes = await read_json(request)
            if not isinstance(changes, dict) or set(changes) - set(_CHANGEABLE):
                raise bad_request(
                    "InvalidSettings",
                    "Settings not valid",
                    f"Send a JSON object with any of {', '.join(_CHANGEABLE)}.",
                )
            try:
                emulator.configure(**changes)
            except (TypeError, ValueError) as exc:
                raise bad_request("InvalidSettings", "Settings not valid", str(exc)) from None
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
    return [Route(PREFIX + path, guarded(handler), methods=methods) for path, handler, methods in table]
