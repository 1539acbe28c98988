"""Profiles (S2): reading a profile by id (P2), a user's events across all of the user's profiles
(E1 against E2 and E3), and the optional writes: PUT (P4, P5, P6), PATCH (P7, P8), DELETE (P9).

A target that answers an optional write with 404, 405 or 501 skips that contract with the reason,
unless its capabilities file declares the write (Capabilities.require_operation). Every profile
is fresh and namespaced; profiles made other than through zd_track are registered for clean-up.
Identifiers the tests add to replace or merge are of a non-standard type (zdc_key), so no Zendesk
user identity is touched by them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from pytest_zdevents.runtime.capabilities import UNSUPPORTED
from pytest_zdevents.runtime.cleanup import Created
from pytest_zdevents.runtime.client import ZdClient
from pytest_zdevents.runtime.isolation import (
    EVENT_SOURCES,
    EVENT_TYPES,
    MARK,
    PROFILE_SOURCE,
    PROFILE_TYPE,
    Namespace,
    identifier_query,
    marks,
)
from pytest_zdevents.runtime.paths import IDENTIFIER_EVENTS_PATH, profile_events_path, user_events_path
from pytest_zdevents.runtime.reads import get_profile, identifier_pairs, read_all
from pytest_zdevents.runtime.session import current
from pytest_zdevents.runtime.tracking import Tracked

A, B = EVENT_SOURCES
KEY_TYPE = "zdc_key"
PROFILES_PATH = "/api/v2/user_profiles"
#: How a target says it lacks an operation on a path whose GET (P2) it must serve: a 404 there,
#: for a profile that exists, is a real answer.
EXISTING_PATH = frozenset({405, 501})


def profile_path(profile_id: str) -> str:
    return f"{PROFILES_PATH}/{profile_id}"


def key(namespace: Namespace) -> dict[str, str]:
    """A fresh identifier of a non-standard type: it links the profile to no user identity."""
    return {"type": KEY_TYPE, "value": namespace.value()}


def event(source: str, mark: str) -> dict[str, Any]:
    return {"source": source, "type": EVENT_TYPES[0], "properties": {MARK: mark}}


def register(created: Created, response: httpx.Response) -> str:
    """The id of the profile a PUT answered with, registered for clean-up."""
    try:
        profile_id = str(response.json()["profile"]["id"])
    except (ValueError, KeyError, TypeError):
        raise AssertionError(
            f'A PUT that creates or replaces a profile answers {{"profile": {{"id", ...}}}} (S2); got '
            f"{response.status_code}: {response.text[:500]}"
        ) from None
    created.add(profile_id)
    return profile_id


def expect_status(response: httpx.Response, status: int, what: str) -> None:
    assert response.status_code == status, (
        f"{what}: expected {status}, got {response.status_code}: {response.text[:500]}"
    )


# --- P2 -----------------------------------------------------------------------------------------


@pytest.mark.contract("profiles.get_by_id.returns_profile")
def test_get_profile_by_id(
    zd_client: ZdClient, zd_namespace: Namespace, zd_track: Callable[..., Tracked], zd_eventually: Any
) -> None:
    """GET /api/v2/user_profiles/{profile_id} MUST answer 200 {"profile": {...}} with the
    profile's id, source, type, identifiers and user_id, the Zendesk user id as a string.

    S2 Get Profile by Profile ID: 200 {"profile": {...}}; profile object user_id string, e.g.
    "123456" (reference §1.2, §2.5)"""
    sent = [zd_namespace.identifier("email"), key(zd_namespace)]
    tracked = zd_track(*sent)

    def read() -> dict[str, Any]:
        profile = get_profile(zd_client, tracked.profile_id)
        missing = identifier_pairs(sent) - identifier_pairs(profile.get("identifiers"))
        assert not missing, (
            f"The profile must list the identifiers it was tracked with (S1, S2); missing {missing} "
            f"in {profile.get('identifiers')!r}"
        )
        return profile

    profile = zd_eventually(read)
    assert profile.get("id") == tracked.profile_id, (
        f"GET {profile_path(tracked.profile_id)} must return that profile (S2); its id is "
        f"{profile.get('id')!r}"
    )
    assert (profile.get("source"), profile.get("type")) == (PROFILE_SOURCE, PROFILE_TYPE), (
        f"The profile must have the source and type it was created with (S2); got "
        f"source={profile.get('source')!r}, type={profile.get('type')!r}"
    )
    user_id = profile.get("user_id")
    assert isinstance(user_id, str), (
        f'The profile\'s user_id must be the Zendesk user id as a string, e.g. "123456" (S2); got '
        f"{user_id!r} ({type(user_id).__name__})"
    )
    assert user_id == tracked.user_id, (
        f"The profile's user_id must be the user the track answer named (S1, S2): {tracked.user_id!r}; "
        f"got {user_id!r}"
    )


# --- E1 against E2 and E3 -----------------------------------------------------------------------


@pytest.mark.contract("profiles.user_events.all_profiles")
def test_user_events_cover_every_profile(
    zd_client: ZdClient,
    zd_namespace: Namespace,
    zd_created: Created,
    zd_track: Callable[..., Tracked],
    zd_eventually: Any,
) -> None:
    """GET /api/v2/users/{user_id}/events MUST return the events of every profile of that user,
    the same events that reading each profile by id (E3) or by identifier query (E2) returns.

    seed 000 (Tracking events): 'Each profile is associated with a Zendesk user. As a result, each
    event is also associated with a Zendesk user.'; seed 002 (Accessing events): 'you can access
    events either by profile or by Zendesk user id'; seed 001 Get Zendesk User Events 'Returns
    events for a given Zendesk user'"""
    email = zd_namespace.identifier("email")
    sent: dict[str, dict[str, list[str]]] = {}  # profile id -> source -> marks
    mark_a, mark_b = zd_namespace.value(), zd_namespace.value()
    first = zd_track(email, event=event(A, mark_a))
    zd_track(email, event=event(B, mark_b))
    user_id, profile_a = first.user_id, first.profile_id
    sent[profile_a] = {A: [mark_a], B: [mark_b]}

    # The second profile, in the other suite source, tracked through E4 on the same user.
    other = key(zd_namespace)
    profile_b = ""
    sent_b: dict[str, list[str]] = {A: [], B: []}
    for source in (A, B, B):
        mark = zd_namespace.value()
        body = {
            "profile": {"source": B, "type": PROFILE_TYPE, "identifiers": [other]},
            "event": event(source, mark),
        }
        response = zd_client.post(user_events_path(user_id), json=body)
        assert response.status_code == 202, (
            f"POST {user_events_path(user_id)} must answer 202 and store the event for that user and "
            f"profile (seed 001); got {response.status_code}: {response.text[:500]}"
        )
        answer = response.json()
        zd_created.add(str(answer["profile_id"]))
        profile_b = profile_b or str(answer["profile_id"])
        sent_b[source].append(mark)
    assert profile_b != profile_a, "A profile of another source must be another profile (S2)."
    sent[profile_b] = sent_b
    queries = {profile_a: identifier_query(email), profile_b: identifier_query(other, source=B)}

    # Each profile's events, by id (E3) and by identifier query (E2), per source.
    def per_profile() -> None:
        for profile_id, by_source in sent.items():
            for source, expected in by_source.items():
                for path, params in [
                    (profile_events_path(profile_id), {}),
                    (IDENTIFIER_EVENTS_PATH, {"identifier": queries[profile_id]}),
                ]:
                    got = marks(read_all(zd_client, path, {**params, "filter[source]": source}, page_size=50))
                    assert Counter(got) == Counter(expected), (
                        f"GET {path} {params} filter[source]={source} should list the events tracked for "
                        f"profile {profile_id} in that source, {expected}; got {got}"
                    )

    zd_eventually(per_profile)

    def per_user() -> None:
        for source in (A, B):
            expected = [m for by_source in sent.values() for m in by_source[source]]
            got = marks(
                read_all(zd_client, user_events_path(user_id), {"filter[source]": source}, page_size=50)
            )
            assert Counter(got) == Counter(expected), (
                f"GET {user_events_path(user_id)} must return the events of every profile of the user "
                f"(seeds 000, 002), the same as reading each profile by id or identifier query. Within "
                f"filter[source]={source} the profiles {list(sent)} hold {expected}; the user read "
                f"returned {got}"
            )

    zd_eventually(per_user)


# --- PUT (P4, P5, P6) ---------------------------------------------------------------------------


def check_replaced(
    client: ZdClient,
    eventually: Any,
    profile_id: str,
    kept: list[dict[str, str]],
    lost: dict[str, str],
    attributes: dict[str, str],
) -> None:
    """Until the profile reads back as exactly the new version: the attributes sent and nothing
    else, the identifiers sent and not the one left out."""

    def replaced() -> None:
        profile = get_profile(client, profile_id)
        got = profile.get("attributes") or {}
        assert got == attributes, (
            f"A PUT replaces the profile: 'any data that's not included in the new version is lost' "
            f"(S9, S11). The new version's attributes are {attributes}; the profile has {got}"
        )
        identifiers = identifier_pairs(profile.get("identifiers"))
        assert (lost["type"], lost["value"]) not in identifiers, (
            f"A PUT replaces the profile: the identifier {lost} left out of the new version must be lost "
            f"(S9, S11); the profile still has {profile.get('identifiers')!r}"
        )
        assert identifier_pairs(kept) <= identifiers, (
            f"The replaced profile must have the identifiers of the new version {kept}; it has "
            f"{profile.get('identifiers')!r}"
        )

    def new_version_shown() -> None:
        got = get_profile(client, profile_id).get("attributes") or {}
        assert attributes.items() <= got.items(), f"the new version is not readable yet: {got}"

    eventually(replaced, shown=new_version_shown)


@pytest.mark.contract("profiles.put.create_or_replace")
def test_put_by_identifier_creates_then_replaces(
    zd_client: ZdClient, zd_namespace: Namespace, zd_created: Created, zd_eventually: Any
) -> None:
    """PUT by identifier query (P4, P5) MUST create the profile with 201 when none matches, and
    otherwise replace it with 200 so that any data not included in the new version is lost.

    S2 Create or Update Profile by User ID / by Identifier: 200 (updated) / 201 (created); S9/S11:
    'If it finds a match, it replaces the existing profile… any data that's not included in the
    new version is lost' (reference §3.6)"""
    email, extra = zd_namespace.identifier("email"), key(zd_namespace)
    params = {"identifier": identifier_query(email)}
    first = {"source": PROFILE_SOURCE, "type": PROFILE_TYPE, "identifiers": [email, extra]}
    response = zd_client.put(
        PROFILES_PATH, params=params, json={"profile": {**first, "attributes": {"plan": "gold", "tier": "1"}}}
    )
    current().capabilities.require_operation(
        response, "PUT /api/v2/user_profiles?identifier=", "profile_writes"
    )
    profile_id = register(zd_created, response)
    expect_status(
        response,
        201,
        f"PUT {PROFILES_PATH}?identifier= with no matching profile must create it with 201 (S2)",
    )

    zd_eventually(lambda: get_profile(zd_client, profile_id))
    attributes = {"tier": "2", "color": "red"}
    response = zd_client.put(
        PROFILES_PATH,
        params=params,
        json={
            "profile": {
                "source": PROFILE_SOURCE,
                "type": PROFILE_TYPE,
                "identifiers": [email],
                "attributes": attributes,
            }
        },
    )
    expect_status(
        response, 200, f"PUT {PROFILES_PATH}?identifier= matching a profile must replace it with 200 (S2)"
    )
    assert register(zd_created, response) == profile_id, (
        f"A PUT whose identifier query matches a profile must replace that profile (S9), {profile_id}; "
        f"it answered {response.text[:500]}"
    )
    check_replaced(zd_client, zd_eventually, profile_id, [email], extra, attributes)


@pytest.mark.contract("profiles.put.create_or_replace")
def test_put_by_user_and_identifier_creates_then_replaces(
    zd_client: ZdClient,
    zd_namespace: Namespace,
    zd_created: Created,
    zd_track: Callable[..., Tracked],
    zd_eventually: Any,
) -> None:
    """PUT by identifier query (P4, P5) MUST create the profile with 201 when none matches, and
    otherwise replace it with 200 so that any data not included in the new version is lost.

    S2 Create or Update Profile by User ID / by Identifier: 200 (updated) / 201 (created); S9/S11:
    'If it finds a match, it replaces the existing profile… any data that's not included in the
    new version is lost' (reference §3.6)"""
    user_id = zd_track().user_id  # a user of this run, through a profile of its own
    ident, extra = key(zd_namespace), key(zd_namespace)
    path = f"/api/v2/users/{user_id}/profiles"
    params = {"identifier": identifier_query(ident, source=B)}
    body = {"source": B, "type": PROFILE_TYPE}
    response = zd_client.put(
        path,
        params=params,
        json={"profile": {**body, "identifiers": [ident, extra], "attributes": {"plan": "gold"}}},
    )
    current().capabilities.require_operation(
        response, "PUT /api/v2/users/{user_id}/profiles?identifier=", "profile_writes"
    )
    profile_id = register(zd_created, response)
    expect_status(
        response, 201, f"PUT {path}?identifier= with no matching profile must create it with 201 (S2)"
    )

    zd_eventually(lambda: get_profile(zd_client, profile_id))
    attributes = {"tier": "2"}
    response = zd_client.put(
        path, params=params, json={"profile": {**body, "identifiers": [ident], "attributes": attributes}}
    )
    expect_status(response, 200, f"PUT {path}?identifier= matching a profile must replace it with 200 (S2)")
    assert register(zd_created, response) == profile_id, (
        f"A PUT whose identifier query matches a profile must replace that profile (S9), {profile_id}; "
        f"it answered {response.text[:500]}"
    )
    check_replaced(zd_client, zd_eventually, profile_id, [ident], extra, attributes)
    assert get_profile(zd_client, profile_id).get("user_id") == user_id, (
        f"A profile put for user {user_id} (P4) must belong to that user (S2)."
    )


@pytest.mark.contract("profiles.put_id.replaces")
def test_put_by_id_replaces(
    zd_client: ZdClient, zd_namespace: Namespace, zd_track: Callable[..., Tracked], zd_eventually: Any
) -> None:
    """PUT /api/v2/user_profiles/{profile_id} MUST answer 200 and replace the profile, losing any
    attributes and identifiers not included in the new version.

    S2 Update Profile by Profile ID: 200; S9/S11 'any data that's not included in the new version
    is lost' (reference §1.2, §3.6)"""
    email, extra = zd_namespace.identifier("email"), key(zd_namespace)
    tracked = zd_track(email, extra, profile={"attributes": {"plan": "gold", "tier": "1"}})

    def has_both() -> None:
        got = identifier_pairs(get_profile(zd_client, tracked.profile_id).get("identifiers"))
        assert identifier_pairs([email, extra]) <= got, (
            f"the tracked profile's identifiers are not readable yet: {got}"
        )

    zd_eventually(has_both)
    attributes = {"tier": "2"}
    response = zd_client.put(
        profile_path(tracked.profile_id),
        json={
            "profile": {
                "source": PROFILE_SOURCE,
                "type": PROFILE_TYPE,
                "identifiers": [email],
                "attributes": attributes,
            }
        },
    )
    # The path serves GET (P2) and the profile exists, so a 404 here is an answer, not a missing route.
    current().capabilities.require_operation(
        response, "PUT /api/v2/user_profiles/{profile_id}", "profile_writes", EXISTING_PATH
    )
    expect_status(response, 200, f"PUT {profile_path(tracked.profile_id)} must answer 200 (S2)")
    check_replaced(zd_client, zd_eventually, tracked.profile_id, [email], extra, attributes)


# --- PATCH (P7, P8) -----------------------------------------------------------------------------


def check_patch_merges(
    client: ZdClient,
    namespace: Namespace,
    eventually: Any,
    send: Callable[[dict[str, Any]], httpx.Response],
    operation: str,
    profile_id: str,
    email: dict[str, str],
    unsupported: frozenset[int] = UNSUPPORTED,
) -> None:
    """Two PATCHes: the second adds a key, updates one, leaves one out, adds an identifier and
    sends another source; the profile must hold the merge and keep its source and type.
    ``unsupported``: the statuses that mean the target lacks the operation (require_operation)."""
    response = send({"profile": {"attributes": {"plan": "gold", "tier": "1"}}})
    current().capabilities.require_operation(response, operation, "profile_writes", unsupported)
    expect_status(response, 200, f"{operation} must answer 200 (S2)")

    def first_applied() -> None:
        got = get_profile(client, profile_id).get("attributes") or {}
        assert {"plan": "gold", "tier": "1"}.items() <= got.items(), (
            f"A PATCH adds new attribute keys (S10); after the first PATCH the profile has {got}"
        )

    eventually(first_applied)
    added = key(namespace)
    response = send(
        {
            "profile": {
                "attributes": {"tier": "2", "color": "red"},
                "identifiers": [added],
                "source": B,  # read-only: ignored, not rejected (S10)
                "type": PROFILE_TYPE,
            }
        }
    )
    expect_status(
        response, 200, f"{operation} sending read-only source and type (ignored, S10) must answer 200"
    )
    merged = {"plan": "gold", "tier": "2", "color": "red"}

    def second_applied() -> None:
        profile = get_profile(client, profile_id)
        got = profile.get("attributes") or {}
        assert merged.items() <= got.items(), (
            f"PATCH merges attributes: 'new keys are added, existing keys updated' and the rest kept "
            f"(S10). After {{plan: gold, tier: 1}} then {{tier: 2, color: red}} the profile must have "
            f"{merged}; it has {got}"
        )
        identifiers = identifier_pairs(profile.get("identifiers"))
        assert identifier_pairs([email, added]) <= identifiers, (
            f"PATCH adds new identifiers and keeps the others (S10): expected {email} and {added} "
            f"among {profile.get('identifiers')!r}"
        )
        assert (profile.get("source"), profile.get("type")) == (PROFILE_SOURCE, PROFILE_TYPE), (
            f"PATCH ignores source and type (S10: read-only); the profile now has source "
            f"{profile.get('source')!r}, type {profile.get('type')!r}"
        )

    eventually(second_applied)


@pytest.mark.contract("profiles.patch.merges")
def test_patch_by_id_merges(
    zd_client: ZdClient, zd_namespace: Namespace, zd_track: Callable[..., Tracked], zd_eventually: Any
) -> None:
    """PATCH by profile id or identifier query (P7, P8) MUST merge attributes, adding new keys and
    updating existing ones while keeping the rest, add new identifiers, and ignore source and
    type.

    reference §3.6, S10 (Updating profiles): attributes 'are merged, never replaced: new keys are
    added, existing keys updated'; identifiers may only be added; 'source, type and user_id are
    read-only and ignored, not rejected'; S2 200"""
    email = zd_namespace.identifier("email")
    tracked = zd_track(email)
    zd_eventually(lambda: get_profile(zd_client, tracked.profile_id))
    path = profile_path(tracked.profile_id)
    check_patch_merges(
        zd_client,
        zd_namespace,
        zd_eventually,
        lambda body: zd_client.patch(path, json=body),
        "PATCH /api/v2/user_profiles/{profile_id}",
        tracked.profile_id,
        email,
        EXISTING_PATH,
    )


@pytest.mark.contract("profiles.patch.merges")
def test_patch_by_identifier_merges(
    zd_client: ZdClient, zd_namespace: Namespace, zd_track: Callable[..., Tracked], zd_eventually: Any
) -> None:
    """PATCH by profile id or identifier query (P7, P8) MUST merge attributes, adding new keys and
    updating existing ones while keeping the rest, add new identifiers, and ignore source and
    type.

    reference §3.6, S10 (Updating profiles): attributes 'are merged, never replaced: new keys are
    added, existing keys updated'; identifiers may only be added; 'source, type and user_id are
    read-only and ignored, not rejected'; S2 200"""
    email = zd_namespace.identifier("email")
    tracked = zd_track(email)
    zd_eventually(lambda: get_profile(zd_client, tracked.profile_id))
    params = {"identifier": identifier_query(email)}
    check_patch_merges(
        zd_client,
        zd_namespace,
        zd_eventually,
        lambda body: zd_client.patch(PROFILES_PATH, params=params, json=body),
        "PATCH /api/v2/user_profiles?identifier=",
        tracked.profile_id,
        email,
    )


# --- DELETE (P9) --------------------------------------------------------------------------------


@pytest.mark.contract("profiles.delete.removes_events")
def test_delete_removes_profile_and_events(
    zd_client: ZdClient,
    zd_namespace: Namespace,
    zd_created: Created,
    zd_track: Callable[..., Tracked],
    zd_eventually: Any,
) -> None:
    """DELETE /api/v2/user_profiles/{profile_id} MUST answer 204 and remove the profile and its
    events, which no read, by profile or by user, returns afterwards.

    S2 Delete Profile by Profile ID: 204; S12 (Deleting events): 'Deleting a profile is the only
    way to delete events' (reference §1.1, §3.6)"""
    email = zd_namespace.identifier("email")
    sent = {A: [zd_namespace.value()], B: [zd_namespace.value()]}
    tracked = zd_track(email, event=event(A, sent[A][0]))
    zd_track(email, event=event(B, sent[B][0]))
    reads = [
        (profile_events_path(tracked.profile_id), {}),
        (IDENTIFIER_EVENTS_PATH, {"identifier": identifier_query(email)}),
        (user_events_path(tracked.user_id), {}),
    ]

    def visible() -> None:
        for path, params in reads:
            for source, expected in sent.items():
                got = marks(read_all(zd_client, path, {**params, "filter[source]": source}, page_size=50))
                assert set(expected) <= set(got), f"GET {path} does not show the tracked events yet: {got}"

    zd_eventually(visible)
    response = zd_client.delete(profile_path(tracked.profile_id))
    current().capabilities.require_operation(
        response, "DELETE /api/v2/user_profiles/{profile_id}", "profile_delete", EXISTING_PATH
    )
    expect_status(response, 204, f"DELETE {profile_path(tracked.profile_id)} must answer 204 (S2)")
    zd_created.discard(tracked.profile_id)

    def gone() -> None:
        response = zd_client.get(profile_path(tracked.profile_id))
        assert response.status_code == 404, (
            f"A deleted profile must be gone (S2, S12): GET {profile_path(tracked.profile_id)} answered "
            f"{response.status_code}: {response.text[:300]}"
        )
        for path, params in reads:
            for source, deleted in sent.items():
                response = zd_client.get(
                    path, params={**params, "filter[source]": source, "page[size]": "50"}
                )
                assert response.status_code in (200, 404), (
                    f"GET {path} after the profile was deleted answered {response.status_code}: "
                    f"{response.text[:300]}"
                )
                if response.status_code == 200:
                    got = marks(response.json().get("events", []))
                    left = sorted(set(deleted) & set(got))
                    assert not left, (
                        f"Deleting a profile removes its events (S12: 'Deleting a profile is the only way to "
                        f"delete events'), and no read, by profile or by user, returns them afterwards; "
                        f"GET {path} {params} filter[source]={source} still returns {left}"
                    )

    zd_eventually(gone)
