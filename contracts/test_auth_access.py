"""Authentication: who may do what. A token with only the users:read scope reads, a token with
users:write writes, and an end user, with valid credentials of their own, is refused.

Each contract reads a profile this run tracked, once it reads back with the run's own credentials,
so that an answer about access is not an answer about data not there yet. Only the status is
asserted: the bodies are not documented.
"""

from __future__ import annotations

import base64
from collections.abc import Callable

import httpx
import pytest

from pytest_zdevents.runtime.client import ZdClient
from pytest_zdevents.runtime.isolation import identifier_query, mark_of
from pytest_zdevents.runtime.kit import Kit
from pytest_zdevents.runtime.paths import (
    IDENTIFIER_EVENTS_PATH,
    PROFILES_PATH,
    profile_events_path,
    profile_path,
    user_events_path,
    user_profiles_path,
)
from pytest_zdevents.runtime.reads import events_shown, get_profile, one_event, shown
from pytest_zdevents.runtime.target import Target
from pytest_zdevents.runtime.tracking import Tracked

Send = Callable[[ZdClient], httpx.Response]


def shown_profile(zd: Kit) -> Tracked:
    """A profile of this run with an event, once the run's credentials read both back."""
    tracked = zd.shared_profile()
    zd.eventually(
        lambda: (get_profile(zd.client, tracked.profile_id), events_shown(zd.client, tracked.profile_id, 1))
    )
    return tracked


def reads_of(tracked: Tracked) -> dict[str, Send]:
    """The six reads about the tracked profile and its user (E1-E3, P1-P3)."""
    query = {"identifier": identifier_query(tracked.identifiers[0])}
    return {
        "GET /api/v2/users/{user_id}/events (E1)": lambda c: c.get(user_events_path(tracked.user_id)),
        "GET /api/v2/user_profiles/events?identifier= (E2)": lambda c: c.get(
            IDENTIFIER_EVENTS_PATH, params=query
        ),
        "GET /api/v2/user_profiles/{id}/events (E3)": lambda c: c.get(
            profile_events_path(tracked.profile_id)
        ),
        "GET /api/v2/users/{user_id}/profiles (P1)": lambda c: c.get(user_profiles_path(tracked.user_id)),
        "GET /api/v2/user_profiles/{id} (P2)": lambda c: c.get(profile_path(tracked.profile_id)),
        "GET /api/v2/user_profiles?identifier= (P3)": lambda c: c.get(PROFILES_PATH, params=query),
    }


def answers(
    client: ZdClient, requests: dict[str, Send], headers: dict[str, str]
) -> dict[str, httpx.Response]:
    """Each request sent with ``headers`` as the only credentials."""
    with client.with_credentials(headers=headers) as other:
        return {name: send(other) for name, send in requests.items()}


@pytest.mark.contract("auth.read_scope.reads_served")
def test_a_read_only_token_reads(zd: Kit, zd_target: Target) -> None:
    """The six reads with an OAuth token of only users:read. Optional: the embedded emulator mints
    one; against another target without one the contract is skipped."""
    token = zd_target.read_only_oauth()
    got = answers(zd.client, reads_of(shown_profile(zd)), {"Authorization": f"Bearer {token}"})
    refused = {name: shown(r) for name, r in got.items() if not r.is_success}
    assert not refused, (
        "Profiles and events are part of the user resource, and 'the users:read scope grants read access "
        f"to all profile and event resources' (S14): these reads with such a token MUST be served: {refused}"
    )


@pytest.mark.contract("auth.write_scope.writes_served")
def test_a_token_with_the_write_scope_writes(zd: Kit, zd_target: Target) -> None:
    """An event tracked for a profile of this run through E6 with the run's OAuth token, which the
    oauth_scopes capability says has users:write (the read-only one is the other token); then read
    back with the run's own credentials."""
    token = zd_target.oauth()
    tracked = shown_profile(zd)
    event = zd.namespace.event()
    events_path = profile_events_path(tracked.profile_id)
    with zd.client.with_credentials(headers={"Authorization": f"Bearer {token}"}) as other:
        response = other.post(events_path, json={"event": event})
    assert response.is_success, (
        "'users:write covers writes' (S14): tracking an event with an OAuth token that has the "
        f"users:write scope MUST be served; POST {events_path} (E6) got {shown(response)}"
    )
    zd.eventually(lambda: one_event(zd.client, events_path, mark_of(event)))


@pytest.mark.contract("auth.end_user.refused")
def test_an_end_user_is_refused(zd: Kit, zd_target: Target) -> None:
    """The API token works with the email of any user of the account. The user here is the one a
    profile of this run created, with the profile's fresh email as an identity: an end user. With
    those credentials, two reads and a write (E6) are each answered with a 4xx, and the event of the
    write is then not among the profile's events."""
    _, token = zd_target.basic()
    tracked = shown_profile(zd)
    email = tracked.identifiers[0]["value"]
    credentials = base64.b64encode(f"{email}/token:{token}".encode()).decode()
    event = zd.namespace.event()
    events_path = profile_events_path(tracked.profile_id)
    requests: dict[str, Send] = {
        "GET /api/v2/user_profiles/{id} (P2)": lambda c: c.get(profile_path(tracked.profile_id)),
        "GET /api/v2/user_profiles/{id}/events (E3)": lambda c: c.get(events_path),
        "POST /api/v2/user_profiles/{id}/events (E6)": lambda c: c.post(events_path, json={"event": event}),
    }
    got = answers(zd.client, requests, {"Authorization": f"Basic {credentials}"})
    for response in got.values():
        zd.created.add_from(response)
    promise = (
        "'You'll also need agent or admin permissions in the account to use the API' (seed 000; every "
        "operation is 'Allowed For: Agents', seed 001): a request with an end user's credentials MUST be "
        "refused with a 4xx"
    )
    served = {name: shown(r) for name, r in got.items() if not 400 <= r.status_code < 500}
    assert not served, f"{promise}; these were not (the end user's email is {email}): {served}"
    stored = [e for e in zd.events_after_a_later_one(tracked) if mark_of(e) == mark_of(event)]
    assert not stored, f"{promise}, and the refused write is not stored; GET {events_path} has it: {stored}"
