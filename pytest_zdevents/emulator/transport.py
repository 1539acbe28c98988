"""Calling the emulator's ASGI app from synchronous code, without a port: the transport of
``Emulator.client()`` and of the suite's embedded target.

The app runs in the calling thread, on an event loop of that thread's own that lives as long as
the transport: no thread hop and no loop start a request, which is most of what a request to the
in-process emulator costs. Code already inside an event loop (an async test calling the sync
client) cannot run a second one in its thread; it falls back to a loop on a daemon thread.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from typing import Any

import anyio
import httpx
from anyio.from_thread import BlockingPortal

_Answer = tuple[int, list[tuple[bytes, bytes]], bytes]


class InProcessTransport(httpx.BaseTransport):
    def __init__(self, app: Any) -> None:
        self._app = app
        self._local = threading.local()
        self._lock = threading.Lock()
        self._loops: list[asyncio.AbstractEventLoop] = []
        self._portal: _Portal | None = None
        # A client nobody closed still closes its loops when it is collected.
        weakref.finalize(self, _close, self._loops)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        call = self._call(request, request.read())
        if asyncio._get_running_loop() is None:
            status, headers, body = self._own_loop().run_until_complete(call)
        else:
            status, headers, body = self._fallback().call(call)
        # A stream, not content: httpx sets response.elapsed when it has read the stream.
        return httpx.Response(status, headers=headers, stream=httpx.ByteStream(body), request=request)

    async def _call(self, request: httpx.Request, content: bytes) -> _Answer:
        """One ASGI HTTP exchange, as httpx's ASGITransport has it (an app that raises answers
        500), without its per-request check for trio."""
        url = request.url
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": request.method,
            "headers": [(name.lower(), value) for name, value in request.headers.raw],
            "scheme": url.scheme,
            "path": url.path,
            "raw_path": url.raw_path.split(b"?")[0],
            "query_string": url.query,
            "server": (url.host, url.port),
            "client": ("127.0.0.1", 123),
            "root_path": "",
        }
        received = False
        complete = asyncio.Event()
        status: int | None = None
        headers: list[tuple[bytes, bytes]] = []
        parts: list[bytes] = []

        async def receive() -> dict[str, Any]:
            nonlocal received
            if received:
                await complete.wait()
                return {"type": "http.disconnect"}
            received = True
            return {"type": "http.request", "body": content, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status, headers
            if message["type"] == "http.response.start":
                status, headers = message["status"], list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                if message.get("body") and request.method != "HEAD":
                    parts.append(message["body"])
                if not message.get("more_body", False):
                    complete.set()

        try:
            await self._app(scope, receive, send)
        except Exception:
            complete.set()
        return (500 if status is None else status), headers, b"".join(parts)

    def _own_loop(self) -> asyncio.AbstractEventLoop:
        loop: asyncio.AbstractEventLoop | None = getattr(self._local, "loop", None)
        if loop is None:
            loop = self._local.loop = asyncio.new_event_loop()
            with self._lock:
                self._loops.append(loop)
        return loop

    def _fallback(self) -> _Portal:
        with self._lock:
            if self._portal is None:
                self._portal = _Portal()
            return self._portal

    def close(self) -> None:
        with self._lock:
            loops = list(self._loops)
            self._loops.clear()
            portal, self._portal = self._portal, None
        _close(loops)
        if portal is not None:
            portal.stop()


def _close(loops: list[asyncio.AbstractEventLoop]) -> None:
    for loop in loops:
        if not loop.is_running():
            loop.close()


class _Portal:
    """An event loop on a daemon thread, for callers inside a running loop of their own; a daemon,
    so that a client nobody closed cannot keep the interpreter from exiting."""

    def __init__(self) -> None:
        ready = threading.Event()
        portals: list[BlockingPortal] = []

        async def run_portal() -> None:
            async with BlockingPortal() as portal:
                portals.append(portal)
                ready.set()
                await portal.sleep_until_stopped()

        self._thread = threading.Thread(
            target=anyio.run, args=(run_portal,), daemon=True, name="zdevents-emulator-client"
        )
        self._thread.start()
        ready.wait()
        self._portal = portals[0]

    def call(self, call: Any) -> _Answer:
        return self._portal.call(lambda: call)

    def stop(self) -> None:
        if self._thread.is_alive():
            self._portal.call(self._portal.stop)
            self._thread.join(timeout=10)
