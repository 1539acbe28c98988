"""The run's exchanges as they happen: each request the suite's client sent and the answer it got
(429s aside: the target protecting itself, waited out and sent again), kept in memory only."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import httpx


@dataclass(frozen=True)
class Exchange:
    method: str
    #: The path and query string exactly as sent.
    target: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    #: When the request was sent, in nanoseconds since the epoch: the replay's clock follows it.
    sent: int
    status: int
    answer: bytes

    def same_request(self, other: Exchange) -> bool:
        return (self.method, self.target, self.headers, self.body) == (
            other.method,
            other.target,
            other.headers,
            other.body,
        )


class Recorder:
    """Called by the client (``RequestBudget.recorder``) with every answer but a 429."""

    def __init__(self) -> None:
        self.exchanges: list[Exchange] = []
        self._lock = threading.Lock()

    def __call__(self, response: httpx.Response, sent: int) -> None:
        request = response.request
        exchange = Exchange(
            method=request.method,
            target=request.url.raw_path.decode("ascii"),
            headers=tuple(request.headers.multi_items()),
            body=request.content,
            sent=sent,
            status=response.status_code,
            answer=response.content,
        )
        with self._lock:
            self.exchanges.append(exchange)
