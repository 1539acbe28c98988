"""Authentication: 401 without credentials, Basic API token, Bearer OAuth token, and 403 for a
write with a read-only token (S24, S14). Every part of a credential is checked on its own: the
email address of Basic, and tokens that differ from the real one only in part.

Each contract sends the same few requests about a profile this run created: a read of the
profile (P2), a read of its events (E3) and an event tracked against it (E6, a write that creates
nothing new even if a target wrongly serves it). Only the status is asserted: the 401 and 403
bodies are not documented (reference §6.3).
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable, Container

import httpx
import pytest

from pytest_zdevents.runtime.client import ZdClient
from pytest_zdevents.runtime.isolation import Namespace
from pytest_zdevents.runtime.kit import Kit
from pytest_zdevents.runtime.paths import TRACK_PATH, profile_events_path, profile_path
from pytest_zdevents.runtime.reads import shown
from pytest_zdevents.runtime.redaction import register
from pytest_zdevents.runtime.target import Target
from pytest_zdevents.runtime.tracking import Tracked

Send = Callable[[ZdClient], httpx.Response]
#: The statuses of a request served.
SERVED = range(200, 300)


def requests_about(tracked: Tracked, namespace: Namespace) -> dict[str, Send]:
    """Named requests about the tracked profile: two reads and two writes."""
    event = namespace.event()
    return {
        "GET /api/v2/user_profiles/{id} (P2)": lambda c: c.get(profile_path(tracked.profile_id)),
        "GET /api/v2/user_profiles/{id}/events (E3)": lambda c: c.get(
            profile_events_path(tracked.profile_id)
        ),
        "POST /api/v2/user_profiles/{id}/events (E6)": lambda c: c.post(
            profile_events_path(tracked.profile_id), json={"event": event}
        ),
        "POST /api/v2/user_profiles/events (E5)": lambda c: c.post(
            TRACK_PATH, json={"profile": tracked.body["profile"], "event": event}
        ),
    }


def reads(requests: dict[str, Send]) -> dict[str, Send]:
    return {name: send for name, send in requests.items() if name.startswith("GET")}


def writes(requests: dict[str, Send]) -> dict[str, Send]:
    return {name: send for name, send in requests.items() if name.startswith("POST")}


def basic(email: str, token: str) -> dict[str, str]:
    """The documented header: Authorization Basic base64('{email_address}/token:{api_token}')."""
    return {"Authorization": "Basic " + base64.b64encode(f"{email}/token:{token}".encode()).decode()}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def near_misses(token: str) -> dict[str, str]:
    """Values that differ from ``token`` only in part, by how. Each is most of a real secret, so
    each is registered for masking (runtime/redaction.py), as is the Basic value it makes."""
    last = "B" if token.endswith("A") else "A"
    first = "B" if token.startswith("A") else "A"
    variants = {
        "its last character cut off": token[:-1],
        "its last character changed": token[:-1] + last,
        "a character appended": token + "A",
        "its first character changed": first + token[1:],
    }
    register(*(value for value in variants.values() if len(value) >= 6))
    return variants


def refused_near_misses(
    client: ZdClient, requests: dict[str, Send], header: Callable[[str], dict[str, str]], token: str
) -> dict[str, dict[str, str]]:
    """For each near miss of ``token`` (sent through ``header``), the requests not answered 401."""
    wrong = {}
    for how, value in near_misses(token).items():
        headers = header(value)
        register(headers["Authorization"].partition(" ")[2])
        if got := not_answered(client, requests, {401}, headers):
            wrong[how] = got
    return wrong


def not_answered(
    client: ZdClient,
    requests: dict[str, Send],
    expected: Container[int],
    headers: dict[str, str] | None = None,
) -> dict[str, str]:
    """The requests not answered with a status in ``expected`` when sent with ``headers`` as the
    only credentials (none without), each with its answer."""
    with client.with_credentials(headers=headers) as other:
        got = {name: send(other) for name, send in requests.items()}
    return {name: shown(r) for name, r in got.items() if r.status_code not in expected}


@pytest.mark.contract("auth.credentials.missing_401")
def test_a_request_without_credentials_is_401(zd: Kit) -> None:
    """Two reads and two writes about a profile of this run, sent without credentials. The 401 body is
    not asserted."""
    requests = requests_about(zd.shared_profile(), zd.namespace)
    wrong = not_answered(zd.client, requests, {401})
    assert not wrong, f"A request without credentials MUST be answered 401 (S24); these were not: {wrong}"


@pytest.mark.contract("auth.basic_token.verified")
def test_basic_api_token_is_served_and_a_wrong_token_is_401(zd: Kit, zd_target: Target) -> None:
    """The same requests with the target's agent email and API token, then with a wrong token."""
    email, token = zd_target.basic()
    requests = requests_about(zd.shared_profile(), zd.namespace)
    refused = not_answered(zd.client, requests, SERVED, basic(email, token))
    assert not refused, (
        "A request with Authorization Basic base64('{email_address}/token:{api_token}') MUST be served "
        f"(seed 001, S24); these were not: {refused}"
    )
    wrong = not_answered(zd.client, requests, {401}, basic(email, secrets.token_urlsafe(16)))
    assert not wrong, (
        f"The same request with a wrong API token MUST be answered 401 (S24); these were not: {wrong}"
    )


@pytest.mark.contract("auth.basic_token.verified")
def test_an_api_token_that_differs_in_part_is_401(zd: Kit, zd_target: Target) -> None:
    """The target's email with values that differ from its API token only in part: cut short by
    one character, its last or first character changed, one character appended."""
    email, token = zd_target.basic()
    requests = requests_about(zd.shared_profile(), zd.namespace)
    wrong = refused_near_misses(zd.client, requests, lambda value: basic(email, value), token)
    assert not wrong, (
        "A request whose API token differs from the right one, even only in part, is a request with a "
        f"wrong API token and MUST be answered 401 (S24); with the token changed so, these were not: {wrong}"
    )


@pytest.mark.contract("auth.basic_email.verified")
def test_the_api_token_with_an_email_of_no_user_is_401(zd: Kit, zd_target: Target) -> None:
    """The target's API token with an email address this run made up, which no user of the account
    has; the reads with the right email are served first, so a 401 is about the email."""
    email, token = zd_target.basic()
    requests = requests_about(zd.shared_profile(), zd.namespace)
    refused = not_answered(zd.client, reads(requests), SERVED, basic(email, token))
    assert not refused, (
        "With the right email address and API token these reads must be served (S24); they were not: "
        f"{refused}"
    )
    stranger = zd.namespace.email()
    wrong = not_answered(zd.client, requests, {401}, basic(stranger, token))
    assert not wrong, (
        f"Only a verified user may make API requests (S24): the API token with the email address {stranger}, "
        f"which is no user's, MUST be answered 401; these were not: {wrong}"
    )


@pytest.mark.contract("auth.bearer.verified")
def test_bearer_token_is_served_and_an_unknown_token_is_401(zd: Kit, zd_target: Target) -> None:
    """Optional: needs an OAuth token (the embedded emulator mints one). Its scopes are not known, so
    only the reads must be served; the unknown token is tried on the writes too."""
    token = zd_target.oauth()
    requests = requests_about(zd.shared_profile(), zd.namespace)
    refused = not_answered(zd.client, reads(requests), SERVED, bearer(token))
    assert not refused, (
        "A request with Authorization Bearer {oauth_access_token} MUST be served (S24); these were not: "
        f"{refused}"
    )
    wrong = not_answered(zd.client, requests, {401}, bearer(secrets.token_urlsafe(24)))
    assert not wrong, (
        f"A request with an unknown bearer token MUST be answered 401 (S24); these were not: {wrong}"
    )


@pytest.mark.contract("auth.bearer.verified")
def test_a_bearer_token_that_differs_in_part_is_401(zd: Kit, zd_target: Target) -> None:
    """Optional, as above: values that differ from the target's OAuth token only in part, cut
    short by one character, its last or first character changed, one character appended."""
    token = zd_target.oauth()
    requests = requests_about(zd.shared_profile(), zd.namespace)
    wrong = refused_near_misses(zd.client, requests, bearer, token)
    assert not wrong, (
        "A bearer token that differs from a valid one, even only in part, is an unknown bearer token and "
        f"MUST be answered 401 (S24); with the token changed so, these were not: {wrong}"
    )


@pytest.mark.contract("auth.read_scope.write_forbidden")
def test_a_write_with_a_read_only_token_is_403(zd: Kit, zd_target: Target) -> None:
    """The two writes, with an OAuth token of only users:read. Optional: the embedded emulator mints
    one; against another target without one the contract is skipped."""
    token = zd_target.read_only_oauth()
    requests = requests_about(zd.shared_profile(), zd.namespace)
    wrong = not_answered(zd.client, writes(requests), {403}, bearer(token))
    assert not wrong, (
        "A write with an OAuth token that has only the users:read scope MUST be refused with 403 (S14); "
        f"these were not: {wrong}"
    )
