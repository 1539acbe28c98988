"""Errors: the error envelope, 404 for unknown profiles (reads, and the optional writes), no 5xx
for malformed requests, and Retry-After on 429.

Unknown profiles are made-up profile ids and identifier queries with fresh namespaced values, so
nothing read here belongs to anyone else. Error codes are never asserted (only
StartTimestampNotValid is documented, and that is a filters contract).
"""

from __future__ import annotations

import contextlib
import secrets

import httpx
import pytest

from pytest_zdevents.runtime.client import ZdClient
from pytest_zdevents.runtime.isolation import CUSTOM_TYPE, EVENT_SOURCES, identifier_query
from pytest_zdevents.runtime.kit import Kit
from pytest_zdevents.runtime.paths import (
    IDENTIFIER_EVENTS_PATH,
    PROFILES_PATH,
    TRACK_PATH,
    profile_events_path,
    profile_path,
    user_events_path,
)
from pytest_zdevents.runtime.reads import shown
from pytest_zdevents.runtime.session import current
from pytest_zdevents.runtime.target import Target

#: Crockford base32, the alphabet of profile ids (ULIDs, reference §2.5).
_ULID_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#: Filter times no ISO 8601 reader accepts.
NOT_A_DATE = "not-a-date"
IMPOSSIBLE_DATE = "2020-13-45T99:00:00Z"


def unknown_profile_id() -> str:
    """A profile id in the documented shape that no profile has (26 random characters)."""
    return "0" + "".join(secrets.choice(_ULID_ALPHABET) for _ in range(25))


@pytest.fixture
def seen_429s(zd_client: ZdClient) -> list[httpx.Response]:
    """Every 429 the run's client has received so far (it waits them out), for the Retry-After
    contract against a target whose rate limit cannot be switched on."""
    return zd_client.throttled


# The error envelope


def _envelope_request(case: str, zd: Kit) -> httpx.Response:
    if case == "E3 unreadable filter[start_time]":
        return zd.client.get(
            profile_events_path(zd.shared_profile().profile_id), params={"filter[start_time]": NOT_A_DATE}
        )
    if case == "E2 unreadable filter[start_time]":
        query = identifier_query(zd.shared_profile().identifiers[0])
        return zd.client.get(
            IDENTIFIER_EVENTS_PATH, params={"identifier": query, "filter[start_time]": NOT_A_DATE}
        )
    if case == "E3 unknown profile":
        return zd.client.get(profile_events_path(unknown_profile_id()))
    if case == "E6 unknown profile":
        return zd.client.post(profile_events_path(unknown_profile_id()), json={"event": zd.namespace.event()})
    if case == "E2 unknown profile":
        query = identifier_query(zd.namespace.identifier("email"))
        return zd.client.get(IDENTIFIER_EVENTS_PATH, params={"identifier": query})
    if case == "P2 unknown profile":
        return zd.client.get(profile_path(unknown_profile_id()))
    if case == "P3 unknown profile":
        query = identifier_query(zd.namespace.identifier("email"))
        return zd.client.get(PROFILES_PATH, params={"identifier": query})
    raise AssertionError(case)


ENVELOPE_CASES = [
    "E3 unreadable filter[start_time]",
    "E2 unreadable filter[start_time]",
    "E3 unknown profile",
    "E6 unknown profile",
    "E2 unknown profile",
    "P2 unknown profile",
    "P3 unknown profile",
]


@pytest.mark.contract("errors.envelope.errors_array")
@pytest.mark.parametrize("case", ENVELOPE_CASES)
def test_errors_come_in_an_errors_array(case: str, zd: Kit) -> None:
    """Each case is a 400 (an unreadable time) or a 404 (an unknown profile) the docs give. The routes
    under /api/v2/users/{user_id} are left out: Zendesk Support serves them, with its own
    bodies, and a singular "error" is not asserted either way."""
    response = _envelope_request(case, zd)
    zd.created.add_from(response)
    assert response.status_code in (400, 404), (
        f"{case}: the docs answer this with 400 (an unreadable time) or 404 (an unknown profile) (S1, S2); "
        f"got {shown(response)}"
    )
    promise = (
        f'{case}: a {response.status_code} answer MUST have the body {{"errors": [...]}}, a non-empty array '
        "of objects each with a code and a title (S1, S2)"
    )
    try:
        body = response.json()
    except ValueError:
        raise AssertionError(f"{promise}; the body is not JSON: {shown(response)}") from None
    errors = body.get("errors") if isinstance(body, dict) else None
    assert isinstance(errors, list) and errors, f"{promise}; got {shown(response)}"
    for error in errors:
        assert isinstance(error, dict) and error.get("code") and error.get("title"), (
            f"{promise}; this error has no code or title: {error!r} in {shown(response)}"
        )


# 404 for unknown profiles


NOT_FOUND_CASES = [case for case in ENVELOPE_CASES if case.endswith("unknown profile")]


@pytest.mark.contract("errors.unknown_profile.not_found")
@pytest.mark.parametrize("case", NOT_FOUND_CASES)
def test_an_unknown_profile_is_404(case: str, zd: Kit) -> None:
    """By profile id (E3, E6, P2) and by identifier query (E2, P3), with made-up ids and fresh
    namespaced values."""
    response = _envelope_request(case, zd)
    zd.created.add_from(response)
    assert response.status_code == 404, (
        f"{case}: a request for a profile that does not exist MUST be answered 404 (S1, S2); got "
        f"{shown(response)}"
    )


# No 5xx for malformed requests


def _malformed_request(case: str, zd: Kit) -> httpx.Response:
    json_type = {"Content-Type": "application/json"}
    if case.startswith(("E1", "E2", "E3")):
        tracked = zd.shared_profile()
        name, value = {
            "start": ("filter[start_time]", NOT_A_DATE),
            "end": ("filter[end_time]", IMPOSSIBLE_DATE),
        }[case.split()[-1]]
        if case.startswith("E1"):
            return zd.client.get(user_events_path(tracked.user_id), params={name: value})
        if case.startswith("E2"):
            query = identifier_query(tracked.identifiers[0])
            return zd.client.get(IDENTIFIER_EVENTS_PATH, params={"identifier": query, name: value})
        return zd.client.get(profile_events_path(tracked.profile_id), params={name: value})
    profile = zd.namespace.profile()
    event = zd.namespace.event()
    if case == "E5 body not JSON":
        return zd.client.post(TRACK_PATH, content=b'{"profile": {', headers=json_type)
    if case == "E5 body a JSON array":
        return zd.client.post(TRACK_PATH, json=[{"profile": profile, "event": event}])
    if case == "E5 event.properties a string":
        return zd.client.post(TRACK_PATH, json={"profile": profile, "event": {**event, "properties": "item"}})
    if case == "E5 profile.identifiers a string":
        return zd.client.post(
            TRACK_PATH, json={"profile": {**profile, "identifiers": "email"}, "event": event}
        )
    if case == "E5 event a string":
        return zd.client.post(TRACK_PATH, json={"profile": profile, "event": "checkout"})
    if case == "E6 event.source an array":
        tracked = zd.shared_profile()
        body = {"event": {**event, "source": [EVENT_SOURCES[0]]}}
        return zd.client.post(profile_events_path(tracked.profile_id), json=body)
    if case == "E4 body not JSON":
        tracked = zd.shared_profile()
        return zd.client.post(user_events_path(tracked.user_id), content=b"event=checkout", headers=json_type)
    raise AssertionError(case)


MALFORMED_CASES = [
    "E1 unreadable start",
    "E2 unreadable start",
    "E3 unreadable start",
    "E1 unreadable end",
    "E2 unreadable end",
    "E3 unreadable end",
    "E5 body not JSON",
    "E5 body a JSON array",
    "E5 event.properties a string",
    "E5 profile.identifiers a string",
    "E5 event a string",
    "E6 event.source an array",
    "E4 body not JSON",
]


@pytest.mark.contract("errors.malformed.no_server_error")
@pytest.mark.parametrize("case", MALFORMED_CASES)
def test_a_malformed_request_is_a_4xx_never_a_5xx(case: str, zd: Kit) -> None:
    """Unreadable filter times, bodies that are not the documented JSON, and fields of the wrong type."""
    response = _malformed_request(case, zd)
    zd.created.add_from(response)
    assert 400 <= response.status_code < 500, (
        f"{case}: a malformed request MUST be answered with a 4xx, never a 5xx (seed 001); got "
        f"{shown(response)}"
    )


# 404 for writes to unknown profiles (the optional P6, P7, P8)


def _write_unknown(case: str, zd: Kit) -> tuple[httpx.Response, str, dict[str, str]]:
    """The request, and where a profile it wrongly created would be read (path and params)."""
    attributes = {"attributes": {"plan": "gold"}}
    if case == "P8":
        query = identifier_query(zd.namespace.identifier(CUSTOM_TYPE))
        response = zd.client.patch(PROFILES_PATH, params={"identifier": query}, json={"profile": attributes})
        return response, PROFILES_PATH, {"identifier": query}
    path = profile_path(unknown_profile_id())
    if case == "P6":
        response = zd.client.put(path, json={"profile": zd.namespace.profile(**attributes)})
    else:
        response = zd.client.patch(path, json={"profile": attributes})
    return response, path, {}


WRITE_OPERATIONS = {
    "P6": "PUT /api/v2/user_profiles/{profile_id}",
    "P7": "PATCH /api/v2/user_profiles/{profile_id}",
    "P8": "PATCH /api/v2/user_profiles?identifier=",
}


@pytest.mark.contract("errors.unknown_profile.writes_not_found")
@pytest.mark.parametrize("case", list(WRITE_OPERATIONS))
def test_a_write_to_an_unknown_profile_is_404(case: str, zd: Kit) -> None:
    """A made-up profile id (P6, P7) or an identifier query with a fresh namespaced value (P8);
    afterwards, GET by that id or query. These paths serve GET, so only 405 and 501 say a target
    lacks the write."""
    operation = WRITE_OPERATIONS[case]
    response, path, params = _write_unknown(case, zd)
    if response.is_success:
        with contextlib.suppress(ValueError, KeyError, TypeError):
            zd.created.add(str(response.json()["profile"]["id"]))
    current().capabilities.require_operation(response, operation, "profile_writes", frozenset({405, 501}))
    assert response.status_code == 404, (
        f"{operation} for a profile that does not exist MUST be answered 404 (S2 lists 404 for Update "
        f"Profile by Profile ID; S10: PATCH answers 404 if the profile is not found); got {shown(response)}"
    )
    after = zd.client.get(path, params=params or None)
    assert after.status_code == 404, (
        f"{operation} for a profile that does not exist answered 404, so it must not create one (S2, S10); "
        f"GET {path} {params} afterwards answered {shown(after)}"
    )


# Retry-After on 429 (keep this test last in the module: it also checks the 429s seen above)


@pytest.mark.contract("errors.rate_limit.retry_after")
def test_a_429_carries_retry_after_in_seconds(
    zd: Kit, zd_target: Target, seen_429s: list[httpx.Response]
) -> None:
    """Against the embedded emulator the test switches its rate limit on and sends a burst; against
    another target it never floods a real account to provoke a 429: it checks the 429s the
    run's client saw in this module, and skips with the reason when there was none."""
    answers = list(seen_429s)
    if zd_target.embedded:
        assert zd_target.emulator is not None
        path = profile_path(zd.shared_profile().profile_id)
        before = zd_target.emulator.settings.rate_limit
        zd_target.emulator.configure(rate_limit=2)
        try:
            burst = [zd.client.request("GET", path, retry=False) for _ in range(8)]
        finally:
            zd_target.emulator.configure(rate_limit=before)
        answers += [r for r in burst if r.status_code == 429]
        assert answers, (
            "With a rate limit of 2 requests a second, a burst of 8 should have been answered 429 at least "
            f"once; got {[r.status_code for r in burst]}"
        )
    elif not answers:
        pytest.skip(
            "The target answered no request of this module with 429, and the suite does not flood a real "
            "account to provoke one; Retry-After was not checked."
        )
    for response in answers:
        value = response.headers.get("retry-after")
        assert value is not None and value.strip().isdigit(), (
            "A 429 Too Many Requests answer MUST carry a Retry-After header giving the seconds to wait "
            f"(S15); {response.request.method} {response.request.url.path} got Retry-After {value!r}, "
            f"headers {dict(response.headers)}"
        )
