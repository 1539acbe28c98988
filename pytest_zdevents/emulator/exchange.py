"""An API request as the operations read it, the URL table that finds its operation, and the
answer written back: raw ASGI.

The API's requests are the emulator's hot path. Starlette's routing, ``Request`` and ``Response``
cost more a request than the operations of a track or a page read (docs/emulator.md,
"Performance"), so the API is served here without them; the control plane keeps Starlette.
What an operation reads is the same as from a Starlette ``Request``: ``headers.get``,
``query_params``, ``path_params``, ``scope``, ``url``.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any, Generic, TypeVar

from starlette.datastructures import URL, QueryParams

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
RawHeaders = list[tuple[bytes, bytes]]
V = TypeVar("V")
#: Paths whose match :class:`Routes` remembers; past it, it starts again.
_SEEN_PATHS = 4096
#: Most reads have no query string.
_NO_QUERY = QueryParams(b"")


class ApiRequest:
    """One request to the API: its scope, the operation's path parameters, and what is read
    of it, each computed once when first read."""

    __slots__ = ("_headers", "_query", "path_params", "receive", "scope")

    def __init__(self, scope: Scope, receive: Receive, path_params: dict[str, str]) -> None:
        self.scope = scope
        self.receive = receive
        self.path_params = path_params
        self._headers: dict[str, str] | None = None
        self._query: QueryParams | None = None

    @property
    def headers(self) -> dict[str, str]:
        """The headers by lower-case name, as text (latin-1); the first of a repeated one, as
        Starlette's ``Headers.get`` reads it."""
        if self._headers is None:
            headers: dict[str, str] = {}
            for name, value in self.scope["headers"]:
                headers.setdefault(name.decode("latin-1").lower(), value.decode("latin-1"))
            self._headers = headers
        return self._headers

    @property
    def query_params(self) -> QueryParams:
        if self._query is None:
            raw = self.scope["query_string"]
            self._query = QueryParams(raw) if raw else _NO_QUERY
        return self._query

    @property
    def url(self) -> str:
        """The URL asked for, as Starlette's ``request.url`` builds it from the scope."""
        scope = self.scope
        return _url(
            scope.get("scheme", "http"),
            scope.get("server"),
            scope["path"],
            scope["query_string"],
            self.headers.get("host"),
        )


@functools.lru_cache(maxsize=1024)
def _url(scheme: str, server: Any, path: str, query: bytes, host: str | None) -> str:
    # A client reads the same pages again and again (every wait for an event is one); building a
    # URL from a scope parses the Host header. ``server`` is a tuple or None: hashable.
    headers = [] if host is None else [(b"host", host.encode("latin-1"))]
    scope = {"scheme": scheme, "server": server, "path": path, "query_string": query, "headers": headers}
    return str(URL(scope=scope))


class Routes(Generic[V]):
    """Paths with ``{name}`` segments, matched as Starlette matches them (a parameter is one
    non-empty segment), in the order given, by comparing segments rather than by regexes."""

    def __init__(self, table: list[tuple[str, V]]) -> None:
        self._by_length: dict[int, list[tuple[list[str | None], list[str], V]]] = {}
        for path, value in table:
            segments = path.split("/")
            literals = [None if s.startswith("{") else s for s in segments]
            names = [s[1:-1] for s in segments if s.startswith("{")]
            self._by_length.setdefault(len(segments), []).append((literals, names, value))
        # A client asks for the same paths again and again (a profile's page, a track route).
        self._seen: dict[str, tuple[V, dict[str, str]] | None] = {}

    def match(self, path: str) -> tuple[V, dict[str, str]] | None:
        """The value of the first path ``path`` matches, with its parameters (not to be changed:
        they are shared by every request for that path); None if none does."""
        try:
            return self._seen[path]
        except KeyError:
            found = self._seen[path] = self._match(path)
            if len(self._seen) > _SEEN_PATHS:
                self._seen.clear()
            return found

    def _match(self, path: str) -> tuple[V, dict[str, str]] | None:
        segments = path.split("/")
        for literals, names, value in self._by_length.get(len(segments), ()):
            params = []
            for segment, literal in zip(segments, literals, strict=True):
                if literal is None and segment:
                    params.append(segment)
                elif segment != literal:
                    break
            else:
                return value, dict(zip(names, params, strict=True))
        return None


async def send_answer(
    send: Send, status: int, body: bytes | None, headers: RawHeaders, *, head: bool = False
) -> None:
    """Write the answer: a JSON ``body`` (None for no body, as a 204 has), or only its headers
    for a HEAD (RFC 9110 9.3.2: the headers a GET would have sent)."""
    if body is not None:
        headers = [
            (b"content-length", str(len(body)).encode()),
            (b"content-type", b"application/json"),
            *headers,
        ]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if head or body is None else body})
