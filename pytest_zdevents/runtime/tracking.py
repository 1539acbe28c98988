"""Tracking events the way every contract does: a namespaced profile, a fixed source and type,
202 required, and the profile registered for clean-up."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from pytest_zdevents.runtime.cleanup import Created
from pytest_zdevents.runtime.client import ZdClient
from pytest_zdevents.runtime.isolation import Namespace
from pytest_zdevents.runtime.paths import TRACK_PATH
from pytest_zdevents.runtime.reads import shown


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
    namespaced profile: fields override the defaults (:meth:`Namespace.event`, a fresh email
    identifier). Fails the test unless the answer is 202; registers the profile for clean-up."""

    def __init__(self, client: ZdClient, namespace: Namespace, created: Created) -> None:
        self.client, self.namespace, self.created = client, namespace, created

    def __call__(
        self,
        *identifiers: dict[str, str],
        event: dict[str, Any] | None = None,
        profile: dict[str, Any] | None = None,
        setup: bool = False,
    ) -> Tracked:
        body = {
            "profile": self.namespace.profile(*identifiers, **(profile or {})),
            "event": self.namespace.event(**(event or {})),
        }
        return self.send(body, setup=setup)

    def post(self, body: Any, path: str = TRACK_PATH) -> httpx.Response:
        """POST ``body`` to a track route (E5, or E4, E6 by ``path``) unchecked, registering the
        profile of an accepted answer for clean-up: one that should have been refused too."""
        response = self.client.post(path, json=body)
        self.created.add_from(response)
        return response

    def send(self, body: dict[str, Any], path: str = TRACK_PATH, *, setup: bool = False) -> Tracked:
        """Track ``body`` as it is: 202 required, or with ``setup`` (the event only makes data for
        a contract about something else, so tracking's own status must not fail it) any 2xx."""
        response = self.post(body, path)
        if setup:
            assert response.is_success, f"Setting up: POST {path} failed: {shown(response)}"
        else:
            assert response.status_code == 202, (
                f"Tracking an event must be answered 202 (S1); POST {path} got {shown(response)}"
            )
        answer = response.json()
        assert isinstance(answer, dict) and answer.get("profile_id"), (
            f"The answer to tracking names the profile the event was stored against (S1); POST {path} "
            f"got {shown(response)}"
        )
        return Tracked(response, body, str(answer["profile_id"]), str(answer.get("user_id", "")))

    def refused(self, body: Any, promise: str, path: str = TRACK_PATH) -> None:
        """POST ``body``, which the docs say is refused: any 4xx, since they give no status."""
        response = self.post(body, path)
        assert 400 <= response.status_code < 500, f"{promise}; got {shown(response)}"


@dataclass(frozen=True)
class Readable:
    """A profile with events to read, by an identifier query (``source:type:id_type:id_value``)."""

    query: str
    #: The vendor named it (``read_only_data``); else this run tracked it.
    named: bool


#: How many events zd_readable tracks when no data is named.
READABLE_EVENTS = 3
