"""Tracking events the way every contract does: a namespaced profile, a fixed source and type,
202 required, and the profile registered for clean-up."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from pytest_zdevents.runtime.cleanup import Created
from pytest_zdevents.runtime.client import ZdClient
from pytest_zdevents.runtime.isolation import EVENT_SOURCES, EVENT_TYPES, Namespace
from pytest_zdevents.runtime.paths import TRACK_PATH


@dataclass
class Tracked:
    """A tracked event: what was sent and what the target answered."""

    response: httpx.Response
    body: dict[str, Any]
    profile_id: str = ""
    user_id: str = ""

    @property
    def identifiers(self) -> list[dict[str, str]]:
        return self.body["profile"]["identifiers"]


class Tracker:
    """``tracker(*identifiers, event={...}, profile={...})`` tracks an event (E5) for a
    namespaced profile: fields override the defaults (a fixed source and type, a fresh email
    identifier). Fails the test unless the answer is 202; registers the profile for clean-up."""

    def __init__(self, client: ZdClient, namespace: Namespace, created: Created) -> None:
        self.client, self.namespace, self.created = client, namespace, created

    def __call__(
        self,
        *identifiers: dict[str, str],
        event: dict[str, Any] | None = None,
        profile: dict[str, Any] | None = None,
    ) -> Tracked:
        body = {
            "profile": self.namespace.profile(*identifiers, **(profile or {})),
            "event": {
                "source": EVENT_SOURCES[0],
                "type": EVENT_TYPES[0],
                "properties": {"run": self.namespace.run_id},
                **(event or {}),
            },
        }
        return self.send(body)

    def send(self, body: dict[str, Any]) -> Tracked:
        """Track ``body`` as it is: 202 required, the profile registered for clean-up."""
        response = self.client.post(TRACK_PATH, json=body)
        assert response.status_code == 202, (
            f"Tracking an event must be answered 202 (S1), got {response.status_code}: {response.text[:500]}"
        )
        answer = response.json()
        self.created.add(answer["profile_id"])
        return Tracked(response, body, str(answer["profile_id"]), str(answer.get("user_id", "")))


@dataclass(frozen=True)
class Readable:
    """A profile with events to read, by an identifier query (``source:type:id_type:id_value``)."""

    query: str
    #: The vendor named it (``read_only_data``); else this run tracked it.
    named: bool


#: How many events zd_readable tracks when no data is named.
READABLE_EVENTS = 3
