"""What the tests of real clients share: the emulator's credentials and the records they seed.
(A module of its own, not conftest.py: tests/ has more than one conftest module.)"""

from __future__ import annotations

from typing import Any

import httpx

EMAIL, TOKEN = "agent@example.com", "emulator-token"


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
