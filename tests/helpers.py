"""Builders and checks shared by the project's own tests."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

TRACK = "/api/v2/user_profiles/events"

#: The Events API reference's example body (seed 001, "Track Event Against a Sunshine Profile").
DOC_TRACK_BODY: dict[str, Any] = {
    "event": {
        "created_at": "2020-01-31T00:44:07+00:00",
        "description": "Order complete",
        "properties": {
            "billing": {"address1": "1019 Market St", "city": "San Francisco", "zipcode": "94103"},
            "item": {"name": "Zendesk Swag"},
        },
        "source": "shoppingnow",
        "type": "checkout",
    },
    "profile": {
        "identifiers": [
            {"type": "email", "value": "jane@example.com"},
            {"type": "external_id", "value": "0987654321"},
        ],
        "name": "Jane Smith",
        "source": "shoppingnow",
        "type": "customer",
    },
}


class FakeClock:
    """A clock in nanoseconds that moves only when told to."""

    def __init__(self, start_ns: int = 1_700_000_000 * 10**9) -> None:
        self.ns = start_ns

    def __call__(self) -> int:
        return self.ns

    def advance(self, seconds: float) -> None:
        self.ns += int(seconds * 1e9)


def track_body(
    email: str = "jane@example.com",
    *,
    event: dict[str, Any] | None = None,
    profile: dict[str, Any] | None = None,
    identifiers: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """The documented track body, for ``email``, with ``event``/``profile`` fields overridden."""
    body = copy.deepcopy(DOC_TRACK_BODY)
    body["profile"]["identifiers"] = identifiers or [{"type": "email", "value": email}]
    body["event"].update(event or {})
    body["profile"].update(profile or {})
    return body


def error_code(response: httpx.Response) -> str:
    """The code of the single error in an errors envelope, checking the envelope's shape."""
    body = response.json()
    assert set(body) == {"errors"}, body
    (error,) = body["errors"]
    assert {"code", "id", "title", "detail"} <= set(error), error
    return error["code"]


def seed(client: httpx.Client, *users: dict[str, Any]) -> None:
    """Import ``users`` through the control plane."""
    response = client.post("/__zdevents/state", json={"users": list(users)})
    assert response.status_code == 200, response.text
    assert response.json()["imported"]["users"] == len(users)


def state(client: httpx.Client) -> dict[str, Any]:
    """The emulator's exported state."""
    response = client.get("/__zdevents/state")
    assert response.status_code == 200, response.text
    return response.json()


def user_of(client: httpx.Client, user_id: str) -> dict[str, Any]:
    (user,) = [u for u in state(client)["users"] if u["id"] == user_id]
    return user


def ids(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    """Identifiers from (type, value) pairs."""
    return [{"type": t, "value": v} for t, v in pairs]


def get_profile(client: httpx.Client, profile_id: str) -> dict[str, Any]:
    response = client.get(f"/api/v2/user_profiles/{profile_id}")
    assert response.status_code == 200, response.text
    return response.json()["profile"]


def write_file(directory: Path, name: str, text: str) -> Path:
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def option_file_error(load: Callable[[Path], Any], path: Path, flag: str) -> str:
    """The message of the UsageError ``load(path)`` raises; fails when it raises none, or when
    the message does not start by naming the option and the file."""
    with pytest.raises(pytest.UsageError) as raised:
        load(path)
    message = str(raised.value)
    assert message.startswith(f"{flag} {path}: "), (
        f"An error in the file must start by naming the option and the file {path}; got: {message}"
    )
    return message
