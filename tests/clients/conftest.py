"""A served emulator for code written by others: the docs' Python samples and a published client
talk to it over loopback TCP, as they would to a Zendesk account."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from pytest_zdevents.emulator import Emulator
from pytest_zdevents.emulator.runtime import ServedEmulator

EMAIL, TOKEN = "agent@example.com", "emulator-token"


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


def import_state(api: httpx.Client, **records: list[dict[str, Any]]) -> None:
    """Seed users and profiles whose ids the callers hard-code: the API mints its own ids, so the
    control plane's import (``POST /__zdevents/state``) is the only way to give them those ids."""
    response = api.post("/__zdevents/state", json=records)
    assert response.status_code == 200, response.text


def user(user_id: str, *identities: dict[str, str], name: str = "Jane Smith") -> dict[str, Any]:
    return {"id": user_id, "name": name, "identities": list(identities)}


def profile(
    profile_id: str, user_id: str, source: str, type_: str, *identifiers: dict[str, str]
) -> dict[str, Any]:
    stamp = "2020-01-01T00:00:00Z"
    return {
        "id": profile_id,
        "user_id": user_id,
        "source": source,
        "type": type_,
        "name": "Jane Smith",
        "identifiers": list(identifiers),
        "attributes": {},
        "created_at": stamp,
        "updated_at": stamp,
    }
