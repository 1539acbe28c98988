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


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under xdist, start each worker on its share of the slow tests. xdist's worksteal hands
    each worker a contiguous slice of the collection and lets an idle worker steal from the end of
    another's queue: a long test left at the end of a slice keeps one core busy while the other
    idles. Tests sharing a module-scoped fixture stay together (each worker would set it up again)."""
    workers = getattr(config, "workerinput", {}).get("workercount", 1)
    if workers > 1:
        items[:] = _slow_first_in_each_slice(items, workers)


def _slow_first_in_each_slice(items: list[pytest.Item], workers: int) -> list[pytest.Item]:
    groups: dict[str, list[pytest.Item]] = {}
    fast: list[pytest.Item] = []
    for item in items:
        if item.get_closest_marker("slow") is None:
            fast.append(item)
            continue
        fixtures = getattr(item, "_fixtureinfo", None)
        shared = fixtures is not None and any(
            definition.scope in ("module", "class", "package")
            for definitions in fixtures.name2fixturedefs.values()
            for definition in definitions
        )
        groups.setdefault(item.module.__name__ if shared else item.nodeid, []).append(item)  # type: ignore[attr-defined]
    slices: list[list[pytest.Item]] = [[] for _ in range(workers)]
    for group in groups.values():
        min(slices, key=len).extend(group)
    # The sizes xdist's worksteal gives the slices: what is left, shared by the workers left.
    left = len(items)
    for index, part in enumerate(slices):
        size = left // (workers - index)
        left -= size
        count = max(0, size - len(part))
        part.extend(fast[:count])
        del fast[:count]
    slices[-1].extend(fast)
    return [item for part in slices for item in part]


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
