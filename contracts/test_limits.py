"""Limits at their boundary: what the documented hard limits allow is accepted, up to the limit
itself (S14, S15). The other side of each limit, one past it refused, is in
test_ingestion_refused.py (sources and types) and test_identifiers.py (identifiers); the cap on a
person's profiles has both sides here.

Identifier types and values are namespaced and non-standard, so no Zendesk user identity is
touched; the 40-character source and type is one fixed name (AT_NAME_LIMIT).
"""

from __future__ import annotations

from typing import Any

import pytest

from pytest_zdevents.runtime.isolation import AT_NAME_LIMIT, CUSTOM_TYPE, identifier_query, mark_of
from pytest_zdevents.runtime.kit import Kit
from pytest_zdevents.runtime.limits import (
    MAX_IDENTIFIER_LENGTH,
    MAX_IDENTIFIERS,
    MAX_NAME_LENGTH,
    MAX_PROFILES,
)
from pytest_zdevents.runtime.paths import PROFILES_PATH, profile_events_path, user_events_path
from pytest_zdevents.runtime.reads import get_profile, identifier_pairs, one_event, shown
from pytest_zdevents.runtime.tracking import Tracked


@pytest.mark.contract("ingestion.length.forty_accepted")
def test_sources_and_types_of_40_characters_are_accepted_and_stored(zd: Kit) -> None:
    """One track request whose event source and type and profile source and type are each 40
    characters; the event read back through E3 and the profile through P2 carry them as sent."""
    assert len(AT_NAME_LIMIT) == MAX_NAME_LENGTH
    event = zd.namespace.event(source=AT_NAME_LIMIT, type=AT_NAME_LIMIT)
    profile = zd.namespace.profile(source=AT_NAME_LIMIT, type=AT_NAME_LIMIT)
    tracked = zd.track.accepted(
        {"profile": profile, "event": event},
        "Sources and types of exactly 40 characters are within the documented limit (S14) and MUST be "
        "accepted",
    )

    def stored() -> None:
        got = one_event(zd.client, profile_events_path(tracked.profile_id), mark_of(event))
        assert (got.get("source"), got.get("type")) == (AT_NAME_LIMIT, AT_NAME_LIMIT), (
            f"The event MUST be stored with its 40-character source and type as sent (S14); read {got}"
        )
        stored_profile = get_profile(zd.client, tracked.profile_id)
        assert (stored_profile.get("source"), stored_profile.get("type")) == (AT_NAME_LIMIT, AT_NAME_LIMIT), (
            f"The profile MUST be stored with its 40-character source and type as sent (S14); read "
            f"{stored_profile}"
        )

    zd.eventually(stored)


def has_identifiers(zd: Kit, tracked: Tracked, wanted: list[dict[str, str]], promise: str) -> None:
    def stored() -> None:
        have = identifier_pairs(get_profile(zd.client, tracked.profile_id).get("identifiers"))
        missing = identifier_pairs(wanted) - have
        assert not missing, f"{promise}; the profile lacks {sorted(missing)}"

    zd.eventually(stored)


@pytest.mark.contract("identifiers.limit.twenty_accepted")
def test_twenty_identifiers_in_one_request_are_accepted(zd: Kit) -> None:
    """A new profile with 20 identifiers, read back through P2."""
    twenty = zd.namespace.custom_identifiers(MAX_IDENTIFIERS)
    promise = "A profile may have 20 identifiers (S14), so a track request with 20 MUST be accepted"
    tracked = zd.track.accepted(
        {"profile": zd.namespace.profile(*twenty), "event": zd.namespace.event()}, promise
    )
    has_identifiers(zd, tracked, twenty, promise)


@pytest.mark.contract("identifiers.limit.twenty_accepted")
def test_a_20th_identifier_added_by_a_later_event_is_accepted(zd: Kit) -> None:
    """A profile tracked with 19 identifiers, then an event with one of them and a 20th."""
    twenty = zd.namespace.custom_identifiers(MAX_IDENTIFIERS)
    first = zd.track.accepted(
        {"profile": zd.namespace.profile(*twenty[:-1]), "event": zd.namespace.event()},
        "A track request with 19 identifiers is within the documented limit of 20 (S14) and MUST be accepted",
    )
    promise = (
        f"Profile {first.profile_id} has 19 identifiers, so an event adding a 20th is within the limit "
        "(S14) and MUST be accepted and the identifier added (S1)"
    )
    later = zd.track.accepted(
        {"profile": zd.namespace.profile(twenty[0], twenty[-1]), "event": zd.namespace.event()}, promise
    )
    assert later.profile_id == first.profile_id, f"{promise}; the answer named profile {later.profile_id}"
    has_identifiers(zd, first, twenty, promise)


@pytest.mark.contract("identifiers.length.sixty_accepted")
@pytest.mark.parametrize("part", ["type", "value"])
def test_an_identifier_type_or_value_of_60_characters_is_accepted(part: str, zd: Kit) -> None:
    """The 60-character limit read either way: an identifier whose type, or whose value, is 60
    characters long, tracked and then found by an identifier query (P3)."""
    identifier = zd.namespace.identifier(CUSTOM_TYPE)
    identifier[part] = identifier[part].ljust(MAX_IDENTIFIER_LENGTH, "x")
    assert len(identifier[part]) == MAX_IDENTIFIER_LENGTH
    promise = (
        f"An identifier {part} of 60 characters is within the documented limit (S14, 'Identifier source "
        "character length 60') and MUST be accepted"
    )
    tracked = zd.track.accepted(
        {"profile": zd.namespace.profile(identifier), "event": zd.namespace.event()}, promise
    )

    def found() -> None:
        response = zd.client.get(PROFILES_PATH, params={"identifier": identifier_query(identifier)})
        got = response.json().get("profile", {}).get("id") if response.status_code == 200 else None
        assert got == tracked.profile_id, f"{promise}, and find its profile; P3 answered {shown(response)}"

    zd.eventually(found)


@pytest.mark.contract("identifiers.user.profile_cap")
def test_a_person_has_up_to_20_profiles_and_a_21st_fails(zd: Kit) -> None:
    """A profile tracked through E5 names its user; 19 more profiles for that user through E4,
    each with a new identifier, are accepted; a 21st is refused."""

    def new_profile() -> dict[str, Any]:
        """A track body for a profile of a fresh identifier of a non-standard type."""
        return {
            "profile": zd.namespace.profile(zd.namespace.identifier(CUSTOM_TYPE)),
            "event": zd.namespace.event(),
        }

    first = zd.track.accepted(new_profile(), "Tracking an event for a new profile MUST be accepted (S1)")
    path = user_events_path(first.user_id)
    for n in range(2, MAX_PROFILES + 1):
        zd.track.accepted(
            new_profile(),
            f"A person may have 20 profiles (S15), so creating profile {n} of user {first.user_id} MUST be "
            "accepted",
            path,
        )
    zd.track.refused(
        new_profile(),
        f"User {first.user_id} has 20 profiles, the most a person may have (S15), so creating a 21st "
        "MUST fail (S2: 'When creating a new profile for a user exceeds the maximum number of profiles, "
        "the request will fail'), with a 4xx",
        path,
    )
