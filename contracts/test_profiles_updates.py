"""Profiles (S2, S10, S11): what the optional writes do beyond attributes. PATCH (P7, P8) renames a
profile and adds identifiers of a type it has; PUT and PATCH change the Zendesk user's identities
as documented; PUT by id (P6) leaves the read-only timestamps alone.

The user's identities have one outside view in this API: which user a new profile with an
identifier is linked to. So each identity contract ends by tracking a profile of the other suite
source with the identifier in question and reading the user the answer names. Every profile and
identifier is fresh and namespaced; standard identifiers are emails, the one standard type whose
namespaced values are valid everywhere. A target that answers an optional write with 404, 405 or
501 skips the contract, as in test_profiles_writes.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from pytest_zdevents.runtime.capabilities import UNSUPPORTED
from pytest_zdevents.runtime.isolation import CUSTOM_TYPE, EVENT_SOURCES, identifier_query
from pytest_zdevents.runtime.kit import Kit
from pytest_zdevents.runtime.paths import PROFILES_PATH, profile_path
from pytest_zdevents.runtime.reads import get_profile, identifier_pairs, shown
from pytest_zdevents.runtime.session import current
from pytest_zdevents.runtime.timestamps import instant
from pytest_zdevents.runtime.tracking import Tracked

B = EVENT_SOURCES[1]
#: How a target says it lacks an operation on a path whose GET (P2, P3) it must serve.
EXISTING_PATH = frozenset({405, 501})
#: PATCH routes: the operation's name, how to send a body for a tracked profile, and the answers
#: that mean the target lacks the route.
Patch = Callable[[Kit, Tracked, dict[str, Any]], httpx.Response]
PATCHES: dict[str, tuple[str, Patch, frozenset[int]]] = {
    "P7": (
        "PATCH /api/v2/user_profiles/{profile_id}",
        lambda zd, tracked, body: zd.client.patch(profile_path(tracked.profile_id), json=body),
        EXISTING_PATH,
    ),
    "P8": (
        "PATCH /api/v2/user_profiles?identifier=",
        lambda zd, tracked, body: zd.client.patch(
            PROFILES_PATH, params={"identifier": identifier_query(tracked.identifiers[0])}, json=body
        ),
        UNSUPPORTED,
    ),
}


def patch(zd: Kit, route: str, tracked: Tracked, body: dict[str, Any]) -> None:
    """PATCH ``body`` through ``route`` (P7, P8) once the tracked profile is readable: 200."""
    operation, send, unsupported = PATCHES[route]
    zd.eventually(lambda: get_profile(zd.client, tracked.profile_id))
    response = send(zd, tracked, body)
    current().capabilities.require_operation(response, operation, "profile_writes", unsupported)
    assert response.status_code == 200, f"{operation} must answer 200 (S2); got {shown(response)}"


def put_by_identifier(zd: Kit, tracked: Tracked, identifiers: list[dict[str, str]]) -> None:
    """PUT (P5) a new version with ``identifiers`` over the tracked profile, by the identifier query
    of its first identifier, once the profile is readable: 200, replaced."""
    zd.eventually(lambda: get_profile(zd.client, tracked.profile_id))
    query = identifier_query(tracked.identifiers[0])
    response = zd.client.put(
        PROFILES_PATH, params={"identifier": query}, json={"profile": zd.namespace.profile(*identifiers)}
    )
    current().capabilities.require_operation(
        response, "PUT /api/v2/user_profiles?identifier=", "profile_writes"
    )
    assert response.status_code == 200, (
        f"PUT /api/v2/user_profiles?identifier={query} matching a profile must replace it with 200 (S2); got "
        f"{shown(response)}"
    )


def wait_for_identifiers(
    zd: Kit, profile_id: str, has: list[dict[str, str]], lacks: list[dict[str, str]]
) -> None:
    """Until the profile reads back with the identifiers ``has`` and without ``lacks``: the write
    has shown."""

    def shown_() -> None:
        got = identifier_pairs(get_profile(zd.client, profile_id).get("identifiers"))
        assert identifier_pairs(has) <= got and not identifier_pairs(lacks) & got, (
            f"Profile {profile_id} should now have the identifiers {has} and not {lacks}; it has "
            f"{sorted(got)}"
        )

    zd.eventually(shown_)


def user_of_new_profile(zd: Kit, identifier: dict[str, str]) -> str:
    """Track a new profile of the other suite source with only ``identifier``: the user the answer
    names."""
    return zd.track(identifier, profile={"source": B}).user_id


# --- Names (P7, P8) -----------------------------------------------------------------------------


@pytest.mark.contract("profiles.patch.renames")
@pytest.mark.parametrize("route", list(PATCHES))
def test_patch_renames(route: str, zd: Kit) -> None:
    """A profile tracked with a name, then a PATCH with another name and a new attribute, which
    tells that the PATCH has shown."""
    tracked = zd.track(profile={"name": f"Jane Smith {zd.namespace.value()}"})
    name, mark = f"Jane Doe {zd.namespace.value()}", {"renamed": zd.namespace.value()}
    patch(zd, route, tracked, {"profile": {"name": name, "attributes": mark}})

    def patched() -> None:
        got = get_profile(zd.client, tracked.profile_id).get("attributes") or {}
        assert mark.items() <= got.items(), f"the PATCH is not readable yet: {got}"

    def renamed() -> None:
        got = get_profile(zd.client, tracked.profile_id).get("name")
        assert got == name, (
            f"A PATCH may edit name and attributes (S10): after {PATCHES[route][0]} with the name {name!r}, "
            f"profile {tracked.profile_id} is named {got!r}"
        )

    zd.eventually(renamed, shown=patched)


# --- Identifiers of a type the profile has (P7, P8) --------------------------------------------


@pytest.mark.contract("profiles.patch.adds_not_updates")
@pytest.mark.parametrize("route", list(PATCHES))
def test_patch_with_another_value_of_a_type_adds_it(route: str, zd: Kit) -> None:
    """A profile tracked with one custom identifier, then a PATCH with another value of that type."""
    old = zd.namespace.identifier(CUSTOM_TYPE)
    tracked = zd.track(old)
    new = zd.namespace.identifier(CUSTOM_TYPE)
    patch(zd, route, tracked, {"profile": {"identifiers": [new]}})

    def added() -> None:
        profile = get_profile(zd.client, tracked.profile_id)
        got = identifier_pairs(profile.get("identifiers"))
        assert identifier_pairs([old, new]) <= got, (
            "Identifiers can only be added by a PATCH: 'Attempting to update one … adds a new identifier "
            f"rather than updating' (S10). After {PATCHES[route][0]} with {new}, profile "
            f"{tracked.profile_id} must have both {old} and {new}; it has {profile.get('identifiers')!r}"
        )

    zd.eventually(added, shown=lambda: wait_for_identifiers(zd, tracked.profile_id, [new], []))


# --- The user's identities (P5, P7, P8) ---------------------------------------------------------


@pytest.mark.contract("profiles.put.adds_user_identities")
def test_put_adds_its_new_standard_identifiers_to_the_user(zd: Kit) -> None:
    """A profile tracked with a custom identifier only; a PUT adds an email; then a new profile of
    the other source with that email."""
    key = zd.namespace.identifier(CUSTOM_TYPE)
    tracked = zd.track(key)
    email = zd.namespace.identifier("email")
    put_by_identifier(zd, tracked, [key, email])
    wait_for_identifiers(zd, tracked.profile_id, [key, email], [])
    user_id = user_of_new_profile(zd, email)
    assert user_id == tracked.user_id, (
        "When a PUT matches a profile and has additional standard identifiers, 'the additional identifiers "
        "are added to the Zendesk user record' (S11), and a new profile with an identifier a user has is "
        f"associated with that user (seed 000). The PUT added {email} to user {tracked.user_id}'s profile, "
        f"yet a new profile with it was associated with user {user_id!r}"
    )


@pytest.mark.contract("profiles.put.keeps_user_record")
@pytest.mark.parametrize("change", ["fewer", "another value"])
def test_put_with_fewer_or_changed_standard_identifiers_keeps_the_user(change: str, zd: Kit) -> None:
    """A profile tracked with a custom identifier and an email; a PUT leaves the email out, or
    sends another email instead; then new profiles of the other source with the old email, and
    with the new one."""
    key, old = zd.namespace.identifier(CUSTOM_TYPE), zd.namespace.identifier("email")
    tracked = zd.track(key, old)
    new = [zd.namespace.identifier("email")] if change == "another value" else []
    put_by_identifier(zd, tracked, [key, *new])
    wait_for_identifiers(zd, tracked.profile_id, [key, *new], [old])
    promise = (
        "When a PUT matches a profile and has fewer standard identifiers, or the same standard identifier "
        "type with a different value, 'No changes are made to the Zendesk user record' (S11)"
    )
    user_id = user_of_new_profile(zd, old)
    assert user_id == tracked.user_id, (
        f"{promise}: user {tracked.user_id} keeps {old}, so a new profile with it is associated with that "
        f"user (seed 000); it was associated with user {user_id!r}"
    )
    for identifier in new:
        user_id = user_of_new_profile(zd, identifier)
        assert user_id != tracked.user_id, (
            f"{promise}: {identifier} replaced {old} in the profile but was not added to user "
            f"{tracked.user_id}, yet a new profile with it was associated with that user"
        )


@pytest.mark.contract("profiles.patch.adds_user_identities")
@pytest.mark.parametrize("route", list(PATCHES))
def test_patch_adds_its_new_standard_identifiers_to_the_user(route: str, zd: Kit) -> None:
    """A profile tracked with a custom identifier only; a PATCH adds an email; then a new profile of
    the other source with that email."""
    tracked = zd.track(zd.namespace.identifier(CUSTOM_TYPE))
    email = zd.namespace.identifier("email")
    patch(zd, route, tracked, {"profile": {"identifiers": [email]}})
    wait_for_identifiers(zd, tracked.profile_id, [email], [])
    user_id = user_of_new_profile(zd, email)
    assert user_id == tracked.user_id, (
        "A new standard identifier added by a PATCH 'is also added as an identity to the Zendesk user' "
        "(S10), and a new profile with an identifier a user has is associated with that user (seed 000). "
        f"{PATCHES[route][0]} added {email} to user {tracked.user_id}'s profile, yet a new profile with it "
        f"was associated with user {user_id!r}"
    )


# --- Read-only timestamps (P6) ------------------------------------------------------------------


#: What a client sends for the read-only timestamps: far from any time the target could write.
LONG_AGO = "2001-01-01T00:00:00Z"


@pytest.mark.contract("profiles.timestamps.read_only")
def test_put_by_id_does_not_store_sent_timestamps(zd: Kit) -> None:
    """The profile as read back, with created_at and updated_at set long ago and a new attribute,
    PUT by id; refusing the request keeps them read-only too."""
    email = zd.namespace.identifier("email")
    tracked = zd.track(email)
    zd.eventually(lambda: get_profile(zd.client, tracked.profile_id))
    mark = {"put": zd.namespace.value()}
    body = {"profile": zd.namespace.profile(email, attributes=mark, created_at=LONG_AGO, updated_at=LONG_AGO)}
    response = zd.client.put(profile_path(tracked.profile_id), json=body)
    current().capabilities.require_operation(
        response, "PUT /api/v2/user_profiles/{profile_id}", "profile_writes", EXISTING_PATH
    )
    if 400 <= response.status_code < 500:
        return
    assert response.status_code == 200, (
        f"PUT {profile_path(tracked.profile_id)} must answer 200 (S2); got {shown(response)}"
    )

    def written() -> dict[str, Any]:
        profile = get_profile(zd.client, tracked.profile_id)
        got = profile.get("attributes") or {}
        assert mark.items() <= got.items(), f"the PUT is not readable yet: {got}"
        return profile

    profile = zd.eventually(written)
    for field in ("created_at", "updated_at"):
        assert instant(profile.get(field)) != instant(LONG_AGO), (
            f"A profile's {field} is read-only, 'an auto-generated datetime' (S2): the {field} {LONG_AGO} a "
            f"client sent with a PUT must not be stored; profile {tracked.profile_id} now has "
            f"{field}={profile.get(field)!r}"
        )
