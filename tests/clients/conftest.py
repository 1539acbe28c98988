"""A served emulator for code written by others: the docs' Python samples and a published client
talk to it over loopback TCP, as they would to a Zendesk account."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from clients_kit import EMAIL, TOKEN

from pytest_zdevents.emulator import Emulator
from pytest_zdevents.emulator.runtime import ServedEmulator


@pytest.fixture(scope="module")
def served() -> Iterator[ServedEmulator]:
    """One emulator on a loopback port for the module; each test starts from an empty state."""
    with Emulator(email=EMAIL, token=TOKEN).serve() as running:
        yield running


@pytest.fixture
def api(served: ServedEmulator) -> Iterator[httpx.Client]:
    """The emulator's API and control plane over HTTP, as the agent; the state is emptied first."""
    with httpx.Client(base_url=served.url, auth=(f"{EMAIL}/token", TOKEN)) as client:
        assert client.post("/__zdevents/reset").status_code == 204
        yield client
