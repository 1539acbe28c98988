"""Shared fixtures for the project's own tests: an in-process emulator on a fake clock."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

# Imported up front, never inside a test: httpx imports httpcore lazily and maps its exceptions by
# class, and pytester unloads modules first imported during a test, so a later re-import would
# leave httpx raising raw httpcore errors.
import httpcore  # noqa: F401
import httpx
import pytest
from helpers import TRACK, FakeClock, track_body

from pytest_zdevents.emulator import Emulator


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def make_emulator(clock: FakeClock) -> Iterator[Callable[..., Emulator]]:
    """Build emulators with the fake clock; settings as keyword arguments."""
    made: list[Emulator] = []

    def make(**settings: Any) -> Emulator:
        emulator = Emulator(clock=clock, seed=1234, **settings)
        made.append(emulator)
        return emulator

    yield make
    for emulator in made:
        emulator.close()


@pytest.fixture
def emulator(make_emulator: Callable[..., Emulator]) -> Emulator:
    return make_emulator()


@pytest.fixture
def client(emulator: Emulator) -> Iterator[httpx.Client]:
    with emulator.client() as http:
        yield http


@pytest.fixture
def track(client: httpx.Client) -> Callable[..., dict[str, Any]]:
    """POST an event (E5) built by :func:`track_body` and return the 202 body."""

    def send(email: str = "jane@example.com", **overrides: Any) -> dict[str, Any]:
        response = client.post(TRACK, json=track_body(email, **overrides))
        assert response.status_code == 202, response.text
        return response.json()

    return send
