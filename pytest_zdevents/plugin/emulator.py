"""The ``zd_emulator`` fixture: a running emulator for teams testing their own integration code."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from pytest_zdevents.credentials import basic_username
from pytest_zdevents.emulator import Emulator, ServedEmulator


@dataclass
class EmulatorHandle:
    """A running emulator for testing your own code: point it at ``url`` with ``email`` and
    ``token`` (Basic ``{email}/token:{token}``)."""

    served: ServedEmulator
    email: str
    token: str = field(repr=False)
    emulator: Emulator = field(init=False)

    def __post_init__(self) -> None:
        self.emulator = self.served.emulator

    @property
    def url(self) -> str:
        return self.served.url

    @property
    def auth(self) -> tuple[str, str]:
        """``(username, password)`` for Basic authentication, as httpx and requests take it."""
        return (basic_username(self.email), self.token)

    def events(self) -> list[dict[str, Any]]:
        """Every event the emulator holds, in arrival order."""
        return self.emulator.export()["events"]

    def profiles(self) -> list[dict[str, Any]]:
        return self.emulator.export()["profiles"]

    def requests(self) -> list[dict[str, Any]]:
        """The request journal, credentials masked."""
        return self.emulator.journal.entries()

    def reset(self) -> None:
        self.emulator.reset()


@pytest.fixture(scope="session")
def _zd_served_emulator() -> Iterator[EmulatorHandle]:
    email, token = "developer@example.com", secrets.token_urlsafe(16)
    emulator = Emulator(email=email, token=token)
    with emulator.serve() as served:
        yield EmulatorHandle(served, email, token)
    emulator.close()


@pytest.fixture
def zd_emulator(_zd_served_emulator: EmulatorHandle) -> EmulatorHandle:
    """A running emulator on a free loopback port, empty at the start of each test."""
    _zd_served_emulator.reset()
    _zd_served_emulator.emulator.configure(lag=0.0, rate_limit=None, quirks=(), variations=())
    return _zd_served_emulator
