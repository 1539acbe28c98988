"""Profiles (S2): the optional writes, PUT (P4, P5, P6), PATCH (P7, P8) and DELETE (P9).

A target that answers an optional write with 404, 405 or 501 skips that contract with the reason,
unless its capabilities file declares the write (Capabilities.require_operation). Every profile
is fresh and namespaced; profiles a PUT creates are registered for clean-up. Identifiers the tests
add to replace or merge are of a non-standard type (CUSTOM_TYPE), so no Zendesk user identity is
touched by them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from pytest_zdevents.runtime.capabilities import UNSUPPORTED
from pytest_zdevents.runtime.cleanup import Created
from pytest_zdevents.runtime.isolation import (
    CUSTOM_TYPE,
    EVENT_SOURCES,
    EVENT_TYPES,
    PROFILE_SOURCE,
    PROFILE_TYPE,
    identifier_query,
    marks,
    recent_instant,
)
from pytest_zdevents.runtime.kit import Kit
from pytest_zdevents.runtime.paths import PROFILES_PATH, profile_path, user_profiles_path
from pytest_zdevents.runtime.reads import get_profile, identifier_pairs
from pytest_zdevents.runtime.session import current
from pytest_zdevents.runtime.timeline import SCOPES
from pytest_zdevents.runtime.timestamps import stamp
from pytest_zdevents.runtime.tracking import Tracked

A, B = EVENT_SOURCES
#: How a target says it lacks an operation on a path whose GET (P2) it must serve: a 404 there,
#: for a profile that exists, is a real answer.
EXISTING_PATH = frozenset({405, 501})


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


# --- PUT (P4, P5, P6) ---------------------------------------------------------------------------


def put_twice(
    zd: Kit, path: str, params: dict[str, str], operation: str, first: dict[str, Any], second: dict[str, Any]
) -> str:
    """PUT ``first`` where no profile matches (201, created), then ``second`` (200, replaced):
    the profile's id."""
    response = zd.client.put(path, params=params, json={"profile": first})
    current().capabilities.require_operation(response, operation, "profile_writes")
    profile_id = register(zd.created, response)
    expect_status(
        response, 201, f"PUT {path}?identifier= with no matching profile must create it with 201 (S2)"
    )
    zd.eventually(lambda: get_profile(zd.client, profile_id))
    response = zd.client.put(path, params=params, json={"profile": second})
    expect_status(response, 200, f"PUT {path}?identifier= matching a profile must replace it with 200 (S2)")
    assert register(zd.created, response) == profile_id, (
        f"A PUT whose identifier query matches a profile must replace that profile (S9), {profile_id}; "
        f"it answered {response.text[:500]}"
    )
    return profile_id


def check_replaced(
    zd: Kit,
    profile_id: str,
    kept: list[dict[str, str]],
    lost: dict[str, str],
    attributes: dict[str, str],
) -> None:
    """Until the profile reads back as exactly the new version: the attributes sent and nothing
    else, the identifiers sent and not the one left out."""

    def replaced() -> None:
        profile = get_profile(zd.client, profile_id)
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
        got = get_profile(zd.client, profile_id).get("attributes") or {}
        assert attributes.items() <= got.items(), f"the new version is not readable yet: {got}"

    zd.eventually(replaced, shown=new_version_shown)


@pytest.mark.contract("profiles.put.create_or_replace")
def test_put_by_identifier_creates_then_replaces(zd: Kit) -> None:
    """P5: the second version leaves out an identifier and an attribute, and changes another."""
    email, extra = zd.namespace.identifier("email"), zd.namespace.identifier(CUSTOM_TYPE)
    attributes = {"tier": "2", "color": "red"}
    profile_id = put_twice(
        zd,
        PROFILES_PATH,
        {"identifier": identifier_query(email)},
        "PUT /api/v2/user_profiles?identifier=",
        zd.namespace.profile(email, extra, attributes={"plan": "gold", "tier": "1"}),
        zd.namespace.profile(email, attributes=attributes),
    )
    check_replaced(zd, profile_id, [email], extra, attributes)


@pytest.mark.contract("profiles.put.create_or_replace")
def test_put_by_user_and_identifier_creates_then_replaces(zd: Kit) -> None:
    """P4, for a user of this run (made through a profile of its own), in the other suite source."""
    user_id = zd.track().user_id
    ident, extra = zd.namespace.identifier(CUSTOM_TYPE), zd.namespace.identifier(CUSTOM_TYPE)
    attributes = {"tier": "2"}
    profile_id = put_twice(
        zd,
        user_profiles_path(user_id),
        {"identifier": identifier_query(ident, source=B)},
        "PUT /api/v2/users/{user_id}/profiles?identifier=",
        zd.namespace.profile(ident, extra, source=B, attributes={"plan": "gold"}),
        zd.namespace.profile(ident, source=B, attributes=attributes),
    )
    check_replaced(zd, profile_id, [ident], extra, attributes)
    assert get_profile(zd.client, profile_id).get("user_id") == user_id, (
        f"A profile put for user {user_id} (P4) must belong to that user (S2)."
    )


@pytest.mark.contract("profiles.put_id.replaces")
def test_put_by_id_replaces(zd: Kit) -> None:
    """The new version leaves out an identifier and an attribute, and changes another."""
    email, extra = zd.namespace.identifier("email"), zd.namespace.identifier(CUSTOM_TYPE)
    tracked = zd.track(email, extra, profile={"attributes": {"plan": "gold", "tier": "1"}})

    def has_both() -> None:
        got = identifier_pairs(get_profile(zd.client, tracked.profile_id).get("identifiers"))
        assert identifier_pairs([email, extra]) <= got, (
            f"the tracked profile's identifiers are not readable yet: {got}"
        )

    zd.eventually(has_both)
    attributes = {"tier": "2"}
    response = zd.client.put(
        profile_path(tracked.profile_id), json={"profile": zd.namespace.profile(email, attributes=attributes)}
    )
    # The path serves GET (P2) and the profile exists, so a 404 here is an answer, not a missing route.
    current().capabilities.require_operation(
        response, "PUT /api/v2/user_profiles/{profile_id}", "profile_writes", EXISTING_PATH
    )
    expect_status(response, 200, f"PUT {profile_path(tracked.profile_id)} must answer 200 (S2)")
    check_replaced(zd, tracked.profile_id, [email], extra, attributes)


@pytest.mark.contract("profiles.empty_attributes.read_back")
@pytest.mark.parametrize(
    "attributes",
    [{}, {"nickname": "", "preferences": {}, "address": {"line1": "1019 Market St", "line2": ""}}],
    ids=["none", "empty values"],
)
def test_empty_attributes_read_back_as_put(attributes: dict[str, Any], zd: Kit) -> None:
    """P5 creates a fresh profile with the attributes; read back through P2."""
    response, _ = zd.put_new_profile(attributes)
    profile_id = register(zd.created, response)
    assert response.status_code in (200, 201), (
        f"PUT {PROFILES_PATH}?identifier= must create the profile (S2); got {response.status_code}: "
        f"{response.text[:500]}"
    )

    def read_back_as_put() -> None:
        profile = get_profile(zd.client, profile_id)
        got = profile.get("attributes", "(missing)")
        assert got == attributes, (
            f"A profile put with the attributes {attributes} MUST read back with exactly those, empty "
            f"values included (S2: attributes, a 'JSON schema compliant object'); GET "
            f"{profile_path(profile_id)} has {got!r}"
        )

    zd.eventually(read_back_as_put, shown=lambda: get_profile(zd.client, profile_id))


# --- PATCH (P7, P8) -----------------------------------------------------------------------------


def check_patch_merges(
    zd: Kit,
    send: Callable[[Tracked, dict[str, Any]], httpx.Response],
    operation: str,
    unsupported: frozenset[int] = UNSUPPORTED,
) -> None:
    """Two PATCHes (``send(tracked, body)``) of a fresh profile: the second adds a key, updates
    one, leaves one out, adds an identifier and sends another source; the profile must hold the
    merge and keep its source and type. ``unsupported``: the statuses that mean the target lacks
    the operation (require_operation)."""
    email = zd.namespace.identifier("email")
    tracked = zd.track(email)
    profile_id = tracked.profile_id
    zd.eventually(lambda: get_profile(zd.client, profile_id))
    response = send(tracked, {"profile": {"attributes": {"plan": "gold", "tier": "1"}}})
    current().capabilities.require_operation(response, operation, "profile_writes", unsupported)
    expect_status(response, 200, f"{operation} must answer 200 (S2)")

    def first_applied() -> None:
        got = get_profile(zd.client, profile_id).get("attributes") or {}
        assert {"plan": "gold", "tier": "1"}.items() <= got.items(), (
            f"A PATCH adds new attribute keys (S10); after the first PATCH the profile has {got}"
        )

    zd.eventually(first_applied)
    added = zd.namespace.identifier(CUSTOM_TYPE)
    response = send(
        tracked,
        {
            "profile": {
                "attributes": {"tier": "2", "color": "red"},
                "identifiers": [added],
                "source": B,  # read-only: ignored, not rejected (S10)
                "type": PROFILE_TYPE,
            }
        },
    )
    expect_status(
        response, 200, f"{operation} sending read-only source and type (ignored, S10) must answer 200"
    )
    merged = {"plan": "gold", "tier": "2", "color": "red"}

    def second_applied() -> None:
        profile = get_profile(zd.client, profile_id)
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

    zd.eventually(second_applied)


@pytest.mark.contract("profiles.patch.merges")
def test_patch_by_id_merges(zd: Kit) -> None:
    """P7, by profile id."""
    check_patch_merges(
        zd,
        lambda tracked, body: zd.client.patch(profile_path(tracked.profile_id), json=body),
        "PATCH /api/v2/user_profiles/{profile_id}",
        EXISTING_PATH,
    )


@pytest.mark.contract("profiles.patch.merges")
def test_patch_by_identifier_merges(zd: Kit) -> None:
    """P8, by identifier query."""
    check_patch_merges(
        zd,
        lambda tracked, body: zd.client.patch(
            PROFILES_PATH, params={"identifier": identifier_query(tracked.identifiers[0])}, json=body
        ),
        "PATCH /api/v2/user_profiles?identifier=",
    )


# --- DELETE (P9) --------------------------------------------------------------------------------


@pytest.mark.contract("profiles.delete.removes_events")
def test_delete_removes_profile_and_events(zd: Kit) -> None:
    """An event in each suite source, readable in every scope before the delete; afterwards the
    profile (P2) and every read of the events, by profile or by user and within each source."""
    timeline = zd.timeline()
    created_at = stamp(recent_instant())
    sent = {source: [timeline.track(source, EVENT_TYPES[0], created_at)] for source in (A, B)}
    for scope in SCOPES:
        for source in sent:
            timeline.wait(scope, {"filter[source]": source})
    path = profile_path(timeline.profile_id)
    response = zd.client.delete(path)
    current().capabilities.require_operation(
        response, "DELETE /api/v2/user_profiles/{profile_id}", "profile_delete", EXISTING_PATH
    )
    expect_status(response, 204, f"DELETE {path} must answer 204 (S2)")
    zd.created.discard(timeline.profile_id)

    def gone() -> None:
        response = zd.client.get(path)
        assert response.status_code == 404, (
            f"A deleted profile must be gone (S2, S12): GET {path} answered "
            f"{response.status_code}: {response.text[:300]}"
        )
        for scope in SCOPES:
            events_path, params = timeline.place(scope)
            for source, deleted in sent.items():
                response = zd.client.get(
                    events_path, params={**params, "filter[source]": source, "page[size]": "50"}
                )
                assert response.status_code in (200, 404), (
                    f"GET {events_path} after the profile was deleted answered {response.status_code}: "
                    f"{response.text[:300]}"
                )
                if response.status_code == 200:
                    got = marks(response.json().get("events", []))
                    left = sorted(set(deleted) & set(got))
                    assert not left, (
                        f"Deleting a profile removes its events (S12: 'Deleting a profile is the only way to "
                        f"delete events'), and no read, by profile or by user, returns them afterwards; "
                        f"GET {events_path} {params} filter[source]={source} still returns {left}"
                    )

    zd.eventually(gone)
