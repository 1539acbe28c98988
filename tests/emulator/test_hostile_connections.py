"""Hostile connections against the served emulator (a real uvicorn on loopback): a body that never
arrives is 408 after the body timeout, a client that goes away is no server error, and neither
writes a traceback."""

from __future__ import annotations

import logging
import re
import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from pytest_zdevents.emulator import Emulator, ServedEmulator

TRACK = "/api/v2/user_profiles/events"
TIMEOUT = 0.5


class Records(logging.Handler):
    """Every record the emulator's and uvicorn's loggers write while installed."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def errors(self) -> list[str]:
        return [
            f"{r.name}: {r.getMessage()} {r.exc_info!r}" for r in self.records if r.levelno >= logging.WARNING
        ]


@pytest.fixture
def logs() -> Iterator[Records]:
    handler = Records()
    loggers = [logging.getLogger(name) for name in ("pytest_zdevents", "uvicorn.error", "uvicorn")]
    for logger in loggers:
        logger.addHandler(handler)
    yield handler
    for logger in loggers:
        logger.removeHandler(handler)


@pytest.fixture
def served() -> Iterator[ServedEmulator]:
    emulator = Emulator(body_timeout=TIMEOUT)
    with emulator.serve() as running:
        yield running
    emulator.close()


def partial_post(served: ServedEmulator, declared: int, sent: bytes) -> socket.socket:
    """A connection that declares a ``declared``-byte body and sends only ``sent``."""
    sock = socket.create_connection((served.host, served.port), timeout=10)
    head = (
        f"POST {TRACK} HTTP/1.1\r\nHost: 127.0.0.1:{served.port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {declared}\r\n\r\n"
    )
    sock.sendall(head.encode() + sent)
    return sock


def answer_of(sock: socket.socket) -> str:
    """The whole HTTP answer on ``sock``: its head, then as many bytes as Content-Length says."""
    answer = b""
    while b"\r\n\r\n" not in answer and (chunk := sock.recv(65536)):
        answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    length = re.search(rb"(?i)content-length: *([0-9]+)", head)
    while length and len(body) < int(length[1]) and (chunk := sock.recv(65536)):
        body += chunk
    return (head + b"\r\n\r\n" + body).decode()


def journal_statuses(served: ServedEmulator) -> list[int]:
    entries = httpx.get(f"{served.url}/__zdevents/requests").json()["requests"]
    return [entry["status"] for entry in entries]


def test_a_body_that_never_arrives_is_408_after_the_body_timeout(
    served: ServedEmulator, logs: Records
) -> None:
    sock = partial_post(served, 100, b'{"event": ')
    started = time.monotonic()
    answer = answer_of(sock)
    waited = time.monotonic() - started
    sock.close()
    assert answer.startswith("HTTP/1.1 408 "), answer
    assert '"code":"RequestTimeout"' in answer
    assert TIMEOUT * 0.8 <= waited < TIMEOUT + 5
    assert journal_statuses(served) == [408]
    assert logs.errors() == []


def test_a_client_that_disconnects_mid_body_is_no_server_error(served: ServedEmulator, logs: Records) -> None:
    partial_post(served, 100, b'{"event": ').close()
    deadline = time.monotonic() + 10
    while not journal_statuses(served) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert journal_statuses(served) == [499]
    assert logs.errors() == []
    # The server goes on serving.
    assert httpx.get(f"{served.url}/__zdevents/health").status_code == 200


def test_a_malformed_host_on_the_wire_is_400(served: ServedEmulator, logs: Records) -> None:
    with socket.create_connection((served.host, served.port), timeout=10) as sock:
        sock.sendall(
            f"GET {TRACK}?identifier=a:b:c:d HTTP/1.1\r\nHost: [\r\nConnection: close\r\n\r\n".encode()
        )
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 400 "), answer
    assert b'"code":"InvalidHost"' in answer
    assert logs.errors() == []
