"""Tracking events the way every contract does: a namespaced profile, a fixed source and type,
and the profile registered for clean-up.

Only the contracts about tracking hold the answer to 202 (:data:`TRACKING_CONTRACTS`). Every other
contract tracks events only to have data: there any 2xx will do, and a refusal is not the failure
of the contract under test but a broken promise it relied on, raised as :class:`SetupFailed`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from pytest_zdevents.runtime.cleanup import Created
from pytest_zdevents.runtime.client import ZdClient
from pytest_zdevents.runtime.isolation import Namespace
from pytest_zdevents.runtime.paths import TRACK_PATH
from pytest_zdevents.runtime.reads import shown
from pytest_zdevents.spec.catalogue import load_catalogue

#: The contract that promises a track request through each route is accepted.
ACCEPTED_BY_ROUTE = {
    "E5": "ingestion.track_profile.accepted",
    "E4": "ingestion.track_user.accepted",
    "E6": "ingestion.track_profile_id.accepted",
}
#: The contract that promises the answer names the profile.
ANSWER_CONTRACT = "ingestion.track.response_body"
#: The contracts whose subject is tracking itself: their own track requests are checked strictly.
TRACKING_CONTRACTS = frozenset({*ACCEPTED_BY_ROUTE.values(), ANSWER_CONTRACT})


def route_of(path: str) -> str:
    """E5, E4 or E6: the track route ``path`` names."""
    if path == TRACK_PATH:
        return "E5"
    return "E4" if path.startswith("/api/v2/users/") else "E6"


class SetupFailed(Exception):
    """The data a test needs could not be created because the target broke a promise the test
    relies on (``relied_on``, a contract ID). The plugin reports it as an error in the test's
    set-up that names that promise, not as a failure of the contract under test."""

    def __init__(self, relied_on: str, what: str) -> None:
        self.relied_on = relied_on
        entry = load_catalogue().get(relied_on)
        promise = f' ("{entry.must}")' if entry else ""
        super().__init__(
            f"Setting up this test's data failed, so its own contract was not checked. It relied on "
            f"contract {relied_on}{promise}, which the target broke: {what} That contract's own result "
            "says more."
        )


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
    identifier). Registers the profile for clean-up.

    ``contract`` is the ID of the contract of the test that tracks: for one of
    :data:`TRACKING_CONTRACTS` the answer must be 202 and name the profile, else the test fails;
    for any other, tracking only sets up data (:meth:`send`)."""

    def __init__(
        self, client: ZdClient, namespace: Namespace, created: Created, contract: str | None = None
    ) -> None:
        self.client, self.namespace, self.created = client, namespace, created
        self.contract = contract

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
        """Track ``body`` as it is. In a contract about tracking, 202 and the profile named are
        required unless ``setup`` (this event only makes data for the contract's real request).
        Anywhere else, any 2xx that names the profile will do, and anything less raises
        :class:`SetupFailed` naming the promise the test relied on."""
        response = self.post(body, path)
        route = route_of(path)
        checked = self.contract in TRACKING_CONTRACTS and not setup
        if checked:
            assert response.status_code == 202, (
                f"Tracking an event must be answered 202 (S1); POST {path} ({route}) got {shown(response)}"
            )
        elif not response.is_success:
            raise SetupFailed(ACCEPTED_BY_ROUTE[route], f"POST {path} ({route}) answered {shown(response)}.")
        try:
            answer = response.json()
        except ValueError:
            answer = None
        profile_id = answer.get("profile_id") if isinstance(answer, dict) else None
        if not profile_id:
            what = f"the answer to POST {path} ({route}) names no profile_id: {shown(response)}."
            if not checked:
                raise SetupFailed(ANSWER_CONTRACT, what)
            raise AssertionError(
                f"The answer to tracking names the profile it stored the event against (S1); {what}"
            )
        assert isinstance(answer, dict)
        return Tracked(response, body, str(profile_id), str(answer.get("user_id", "")))

    def accepted(self, body: dict[str, Any], promise: str, path: str = TRACK_PATH) -> Tracked:
        """POST ``body``, which the docs say is accepted: any 2xx, since acceptance, not the status,
        is the promise; the answer must name the profile."""
        response = self.post(body, path)
        assert response.is_success, f"{promise}; POST {path} got {shown(response)}"
        answer = response.json()
        assert isinstance(answer, dict) and answer.get("profile_id"), (
            f"{promise}; the answer names the profile that has the event (S1), but POST {path} got "
            f"{shown(response)}"
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
