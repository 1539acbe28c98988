"""Profiles (S1, S2, S7, S12): a profile's life beyond one write. What DELETE (P9) frees, how a
profile that has no events reads (E2, E3), and numbers in the attributes of a PUT or PATCH.

A target that answers an optional write with 404, 405 or 501 skips the contract with the reason,
as in test_profiles_writes.py. Every profile and identifier is fresh and namespaced; the one a PUT
creates is registered for clean-up.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pytest_zdevents.runtime.isolation import CUSTOM_TYPE, EVENT_SOURCES, identifier_query
from pytest_zdevents.runtime.kit import Kit
from pytest_zdevents.runtime.paths import (
    IDENTIFIER_EVENTS_PATH,
    PROFILES_PATH,
    profile_events_path,
    profile_path,
)
from pytest_zdevents.runtime.reads import get_profile, shown
from pytest_zdevents.runtime.session import current

#: How a target says it lacks an operation on a path whose GET (P2) it must serve.
EXISTING_PATH = frozenset({405, 501})


def register_put(zd: Kit, response: httpx.Response) -> None:
    """Register for clean-up the profile a 2xx answer to a PUT names, if it names one."""
    try:
        profile_id = response.json()["profile"]["id"] if response.is_success else None
    except (ValueError, KeyError, TypeError):
        profile_id = None
    if profile_id:
        zd.created.add(str(profile_id))


def put_new_profile(zd: Kit, **attributes: str) -> tuple[str, dict[str, str]]:
    """PUT (P5) a fresh profile by the identifier query of a fresh email, where no profile matches:
    its id and that identifier, once the profile is readable (P2)."""
    response, email = zd.put_new_profile(attributes)
    assert response.status_code in (200, 201), (
        f"PUT {PROFILES_PATH}?identifier= with no matching profile must create it (S2); got {shown(response)}"
    )
    profile = response.json().get("profile")
    assert isinstance(profile, dict) and profile.get("id"), (
        f'A PUT that creates a profile answers {{"profile": {{"id", ...}}}} (S2); got {shown(response)}'
    )
    profile_id = str(profile["id"])
    zd.created.add(profile_id)
    zd.eventually(lambda: get_profile(zd.client, profile_id))
    return profile_id, email


# --- DELETE (P9) frees the profile's identifiers ------------------------------------------------


@pytest.mark.contract("profiles.delete.frees_identifiers")
def test_after_delete_the_identifiers_find_nothing_and_make_a_new_profile(zd: Kit) -> None:
    """A tracked profile with an email and a custom identifier is deleted; an identifier query (P3)
    on each then finds nothing, and an event with both creates a profile of another id."""
    identifiers = [zd.namespace.identifier("email"), zd.namespace.identifier(CUSTOM_TYPE)]
    old = zd.track(*identifiers).profile_id
    zd.eventually(lambda: get_profile(zd.client, old))
    response = zd.client.delete(profile_path(old))
    current().capabilities.require_operation(
        response, "DELETE /api/v2/user_profiles/{profile_id}", "profile_delete", EXISTING_PATH
    )
    assert response.status_code == 204, (
        f"DELETE {profile_path(old)} must answer 204 (S2); got {shown(response)}"
    )
    zd.created.discard(old)

    def found_by_nothing() -> None:
        for identifier in identifiers:
            query = identifier_query(identifier)
            response = zd.client.get(PROFILES_PATH, params={"identifier": query})
            assert response.status_code == 404, (
                f"A deleted profile is gone (S2, S12), so its identifiers find no profile: GET "
                f"{PROFILES_PATH}?identifier={query} must answer 404; got {shown(response)}"
            )

    zd.eventually(found_by_nothing)
    body = {"profile": zd.namespace.profile(*identifiers), "event": zd.namespace.event()}
    new = zd.track.accepted(
        body,
        "An event with the identifiers of a deleted profile MUST be accepted, and the profile created (S1: "
        "'If the profile does not exist, it will be created')",
    ).profile_id
    assert new != old, (
        f"An event with the identifiers of the deleted profile {old} must create a new profile (S1: 'If "
        f"the profile does not exist, it will be created'; S12: the deleted one is gone); the answer named "
        f"the deleted profile's id {old}"
    )
    zd.eventually(lambda: get_profile(zd.client, new))


# --- A profile without events (E2, E3) ----------------------------------------------------------


@pytest.mark.contract("profiles.no_events.read_empty")
def test_a_profile_without_events_reads_as_an_empty_page(zd: Kit) -> None:
    """A profile made by PUT (P5), never sent an event: its events by profile id (E3) and by its
    identifier (E2), within each suite source (a target may add Zendesk standard events)."""
    profile_id, email = put_new_profile(zd)
    reads = [
        (profile_events_path(profile_id), {}),
        (IDENTIFIER_EVENTS_PATH, {"identifier": identifier_query(email)}),
    ]
    for path, params in reads:
        for source in EVENT_SOURCES:
            query = {**params, "filter[source]": source}
            response = zd.client.get(path, params=query)
            assert response.status_code == 200, (
                f"The events of an existing profile are read with 200 (S1), none as well as many: GET {path} "
                f"{query} of profile {profile_id}, which has no events, got {shown(response)}"
            )
            page: Any = response.json()
            events = page.get("events") if isinstance(page, dict) else None
            meta = page.get("meta") if isinstance(page, dict) else None
            assert events == [], (
                f"GET {path} {query} of profile {profile_id}, which has no events, must list none "
                f'("events": [], S1); got {shown(response)}'
            )
            assert isinstance(meta, dict) and meta.get("has_more") is False, (
                f"GET {path} {query} of a profile without events: meta.has_more must be false (seed 001); "
                f"got {shown(response)}"
            )


# --- Numbers in a PUT's or a PATCH's attributes -------------------------------------------------

NUMBERS: dict[str, dict[str, Any]] = {
    "number": {"age": 42},
    "nested number": {"address": {"zipcode": 94103}},
}


@pytest.mark.contract("profiles.numbers.refused")
@pytest.mark.parametrize("where", sorted(NUMBERS))
@pytest.mark.parametrize("route", ["P5", "P7"])
def test_a_json_number_in_written_attributes_is_refused(route: str, where: str, zd: Kit) -> None:
    """A profile made by PUT (P5) with string attributes, then a PUT (P5, replacing it) or a PATCH
    (P7) whose attributes hold a number; identifier values are left out."""
    profile_id, email = put_new_profile(zd, plan="gold")
    attributes = {"plan": "silver", **NUMBERS[where]}
    if route == "P5":
        query = identifier_query(email)
        body = {"profile": zd.namespace.profile(email, attributes=attributes)}
        response = zd.client.put(PROFILES_PATH, params={"identifier": query}, json=body)
        request = f"PUT {PROFILES_PATH}?identifier={query}"
    else:
        response = zd.client.patch(profile_path(profile_id), json={"profile": {"attributes": attributes}})
        current().capabilities.require_operation(
            response, "PATCH /api/v2/user_profiles/{profile_id}", "profile_writes", EXISTING_PATH
        )
        request = f"PATCH {profile_path(profile_id)}"
    assert 400 <= response.status_code < 500, (
        f"A JSON {where} in a profile's attributes MUST be refused with a 4xx (S7: 'All profile properties "
        f"are strings, including number values'; seed 000: 'All numbers must be strings'); {request} with "
        f"attributes {attributes} got {shown(response)}"
    )


# --- Identifiers of another profile in a PUT or a PATCH -----------------------------------------

#: The writes that would give a profile another profile's identifier, by route: the operation, and
#: the statuses that mean the target lacks it (a 404 on a profile's own path is an answer).
CONFLICTING = {
    "P5": ("PUT /api/v2/user_profiles?identifier=", frozenset({404, 405, 501})),
    "P6": ("PUT /api/v2/user_profiles/{profile_id}", EXISTING_PATH),
    "P7": ("PATCH /api/v2/user_profiles/{profile_id}", EXISTING_PATH),
}


@pytest.mark.contract("profiles.writes.conflict_refused")
@pytest.mark.parametrize("route", sorted(CONFLICTING))
def test_a_write_with_another_profiles_identifier_fails(route: str, zd: Kit) -> None:
    """Profile X has a custom identifier; a PUT by a fresh identifier query (P5, which matches no
    profile), a PUT replacing profile Y (P6) or a PATCH of Y (P7) sends that identifier too. Custom
    types only, so that no Zendesk user identity is involved. Afterwards it still finds X (P3)."""
    taken = zd.namespace.identifier(CUSTOM_TYPE)
    owner = zd.track(zd.namespace.identifier(CUSTOM_TYPE), taken).profile_id
    zd.eventually(lambda: get_profile(zd.client, owner))
    own = zd.namespace.identifier(CUSTOM_TYPE)
    if route == "P5":
        query = identifier_query(own)
        request = f"PUT {PROFILES_PATH}?identifier={query}"
        body = {"profile": zd.namespace.profile(own, taken)}
        response = zd.client.put(PROFILES_PATH, params={"identifier": query}, json=body)
    else:
        other = zd.track(own).profile_id
        zd.eventually(lambda: get_profile(zd.client, other))
        if route == "P6":
            request = f"PUT {profile_path(other)}"
            body = {"profile": zd.namespace.profile(own, taken)}
            response = zd.client.put(profile_path(other), json=body)
        else:
            request = f"PATCH {profile_path(other)}"
            response = zd.client.patch(profile_path(other), json={"profile": {"identifiers": [taken]}})
    operation, unsupported = CONFLICTING[route]
    current().capabilities.require_operation(response, operation, "profile_writes", unsupported)
    register_put(zd, response)
    assert 400 <= response.status_code < 500, (
        f"All the identifiers of a profile 'should belong to a single user and a single profile', else "
        f"'the request will fail' (S2): {request} sending {taken}, an identifier of profile {owner}, "
        f"MUST be refused with a 4xx; got {shown(response)}"
    )
    query = identifier_query(taken)

    def still_the_owners() -> None:
        found = zd.client.get(PROFILES_PATH, params={"identifier": query})
        got = found.json().get("profile", {}).get("id") if found.status_code == 200 else None
        assert got == owner, (
            f"A request that fails changes nothing (S2): GET {PROFILES_PATH}?identifier={query} must "
            f"still find profile {owner}; got {shown(found)}"
        )

    zd.eventually(still_the_owners)
