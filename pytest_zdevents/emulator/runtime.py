"""The emulator as an object: in-process, or served on a loopback port from a thread.

>>> emulator = Emulator()
>>> with emulator.client() as client:                      # in-process, no port
...     client.get("/__zdevents/health").json()["status"]
'ok'
>>> with Emulator(email="e@example.com", token="t").serve() as served:  # a real port
...     served.url.startswith("http://127.0.0.1:")
True
"""

from __future__ import annotations

import errno
import ipaddress
import socket
import threading
import time
import warnings
from collections.abc import Callable
from typing import Any

import httpx
import uvicorn

from .app import create_app
from .journal import Journal
from .ratelimit import RateLimiter
from .service import EventsService
from .settings import EmulatorSettings
from .store import open_store
from .transport import InProcessTransport


class Emulator:
    """A stateful Events API: settings, storage, the request journal and the ASGI app.

    Keyword arguments are :class:`EmulatorSettings` fields (``email``, ``token``, ``lag``,
    ``rate_limit``, ``quirks``, ``db_path``, ...). ``clock`` returns nanoseconds since the epoch
    (tests pass a fake one to control ingestion lag); ``seed`` makes minted ids repeatable.
    """

    def __init__(
        self,
        settings: EmulatorSettings | None = None,
        *,
        clock: Callable[[], int] = time.time_ns,
        seed: int | None = None,
        **fields: Any,
    ) -> None:
        if settings is None:
            settings = EmulatorSettings(**_frozen(fields))
        elif fields:
            settings = settings.changed(**_frozen(fields))
        self.service = EventsService(open_store(settings.db_path), settings, clock=clock, seed=seed)
        self.journal = Journal(settings.journal_size)
        self.limiter: RateLimiter | None = None
        self._settings = settings
        self.configure()
        self.app = create_app(self)

    @property
    def settings(self) -> EmulatorSettings:
        return self._settings

    def configure(self, **changes: Any) -> EmulatorSettings:
        """Change lag, rate limit, quirks, variations or credentials while running."""
        settings = self._settings.changed(**_frozen(changes))
        if settings.db_path != self._settings.db_path:
            raise ValueError("The storage of a running emulator cannot change; start another.")
        self._settings = settings
        self.service.settings = settings
        rate = settings.rate_limit
        if rate is None:
            self.limiter = None
        elif self.limiter is None or self.limiter.rate != rate:
            self.limiter = RateLimiter(rate)
        return settings

    def reset(self) -> None:
        """Forget every user, profile, event and journal entry; keep the settings."""
        self.service.reset()
        self.journal.clear()

    def export(self) -> dict[str, Any]:
        """Every user, profile and event as JSON: what ``GET /__zdevents/state`` answers."""
        return self.service.export()

    def import_(self, data: Any) -> dict[str, int]:
        """Add (seed) users, profiles and events in the export format, all or nothing: what
        ``POST /__zdevents/state`` does. Answers how many of each; refusals are ApiErrors."""
        return self.service.import_(data)

    def client(self, **kwargs: Any) -> httpx.Client:
        """An ``httpx.Client`` that calls the app in-process (base URL ``http://testserver``).

        Keyword arguments go to ``httpx.Client`` (``auth=``, ``headers=``, ...).
        """
        kwargs.setdefault("base_url", "http://testserver")
        return httpx.Client(transport=InProcessTransport(self.app), **kwargs)

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> ServedEmulator:
        """Serve on ``host:port`` from a background thread (port 0 picks a free one). On an
        address other than loopback, warns (a UserWarning) that other machines reach it."""
        served = ServedEmulator(self, host, port)
        text = exposure(served.host, self.settings.auth_required)
        if text is not None:
            warnings.warn(text, UserWarning, stacklevel=2)
        return served

    def close(self) -> None:
        self.service.close()


class ServedEmulator:
    """A uvicorn server for an :class:`Emulator` on a background thread.

    The socket is bound before the thread starts, so :attr:`url` is known at once and
    connections made before the server loop runs simply wait in the listen queue.
    """

    def __init__(self, emulator: Emulator, host: str, port: int) -> None:
        self.emulator = emulator
        self.socket = bind(host, port)
        self.host, self.port = self.socket.getsockname()[:2]
        config = uvicorn.Config(emulator.app, log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [self.socket]},
            daemon=True,
            name=f"zdevents-emulator:{self.port}",
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"The emulator server on {self.url} did not start.")
            time.sleep(0.01)

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self.socket.close()

    def __enter__(self) -> ServedEmulator:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port``."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # uvicorn writes a response's head and body separately; with Nagle's algorithm on, the body
    # waits for the client's delayed ACK, about 40 ms a request. Accepted sockets inherit this.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise OSError(_cannot_listen(host, port, exc)) from exc
    return sock


def _cannot_listen(host: str, port: int, exc: OSError) -> str:
    where = f"{host}:{port}"
    if exc.errno == errno.EADDRINUSE:
        return (
            f"Cannot listen on {where}: port {port} is in use (another zdevents-emulator?). "
            "Pick another with --port, or --port 0 for a free one."
        )
    if exc.errno == errno.EADDRNOTAVAIL or isinstance(exc, socket.gaierror):
        return f"Cannot listen on {where}: {host} is not an address of this machine; try --host 127.0.0.1."
    if exc.errno == errno.EACCES:
        return f"Cannot listen on {where}: ports below 1024 need privileges; pick a port from 1024."
    return f"Cannot listen on {where}: {exc.strerror or exc}."


def exposure(address: str, auth_required: bool) -> str | None:
    """What to tell whoever serves the emulator on ``address`` (an IP address, as a socket bound
    to it reports it), or None on loopback: the warning of ``zdevents-emulator`` and of
    :meth:`Emulator.serve`."""
    try:
        if ipaddress.ip_address(address.split("%")[0]).is_loopback:
            return None
    except ValueError:
        pass
    what = "the API and the control plane (/__zdevents/)"
    reach = f"The emulator listens on {address}, not a loopback address: every machine that can reach it"
    if auth_required:
        return f"{reach} reaches {what}, behind the credentials given; bind 127.0.0.1 to keep them here."
    return (
        f"{reach} reaches {what} without credentials; give --email and --token (email= and token= "
        "in Python) so that both need them, or bind 127.0.0.1."
    )


def _frozen(fields: dict[str, Any]) -> dict[str, Any]:
    """Settings fields with list-like switch and token values made frozensets."""
    sets = ("quirks", "variations", "oauth_tokens", "read_only_oauth_tokens", "allowed_hosts")
    return {k: frozenset(v) if k in sets and v is not None else v for k, v in fields.items()}
