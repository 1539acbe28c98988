"""Identifiers: matching profiles, adding identifiers, the 20-identifier limit, lowercasing,
identifier queries and the link to Zendesk users.

Profiles are read back through GET /api/v2/user_profiles/{profile_id} (P2) and
GET /api/v2/user_profiles?identifier= (P3), inside ``zd.eventually``. Where a contract needs
identifiers that no Zendesk user identity should see, it uses non-standard identifier types.
"""

from __future__ import annotations

from typing import Any

import pytest

from pytest_zdevents.runtime.isolation import (
    CUSTOM_TYPE,
    EVENT_SOURCES,
    OTHER_PROFILE_TYPE,
    PROFILE_SOURCE,
    PROFILE_TYPE,
    identifier_query,
    mark_of,
    marks,
)
from pytest_zdevents.runtime.kit import Kit
from pytest_zdevents.runtime.limits import MAX_IDENTIFIERS
from pytest_zdevents.runtime.paths import IDENTIFIER_EVENTS_PATH, PROFILES_PATH, with_identifier
from pytest_zdevents.runtime.reads import events_shown, get_profile, identifier_pairs, shown

#: What follows a namespaced value in the identifier values whose queries must round-trip: one for
#: each character percent-encoding carries (+ % / ? # & =, a space, non-ASCII letters) and one with
#: all of them. "%25" is a '%' that decoding once more would change. Never a colon (reference §3.3).
RESERVED_SUFFIXES = (
    "-a+b",
    "-100%25",
    "-a/b",
    "-a?b",
    "-a#b",
    "-a&b",
    "-a=b",
    "-a b",
    "-ünï日本",
    "-a+b%25c/d?e#f&g=h iü",
)


def mixed_case(value: str) -> str:
    """``value`` with every other letter upper case, so that it has both cases."""
    return "".join(c.upper() if i % 2 == 0 else c for i, c in enumerate(value))


@pytest.mark.contract("identifiers.profile.match_or_create")
def test_tracking_matches_the_profile_by_any_identifier_or_creates_it(zd: Kit) -> None:
    """A fresh identifier finds no profile until tracked; then the known identifier, alone or second
    beside a new one, finds that profile, and only new identifiers make another."""
    known = zd.namespace.identifier(CUSTOM_TYPE)
    query = identifier_query(known)
    missing = zd.client.get(PROFILES_PATH, params={"identifier": query})
    assert missing.status_code != 200, (
        f"Before tracking, no profile has the fresh identifier {query}, yet GET by identifier answered "
        f"{shown(missing)}"
    )

    created = zd.track(known)

    def created_with_the_identifier() -> None:
        response = zd.client.get(PROFILES_PATH, params={"identifier": query})
        assert response.status_code == 200, (
            "'If the profile does not exist, it will be created' (S1): GET "
            f"/api/v2/user_profiles?identifier={query} answered {shown(response)}"
        )
        found = response.json().get("profile", {}).get("id")
        assert found == created.profile_id, (
            f"The profile created for {query} should be {created.profile_id} (the 202 answer), found "
            f"{found!r}"
        )

    zd.eventually(created_with_the_identifier)

    again = zd.track(known)
    assert again.profile_id == created.profile_id, (
        "Tracking with the identifier of an existing profile MUST store the event against that profile "
        f"(S1), {created.profile_id}; the 202 answer named {again.profile_id}: {again.response.text[:300]}"
    )
    # A new identifier first and the known one second: still the existing profile.
    second_known = zd.track(zd.namespace.identifier(CUSTOM_TYPE), known)
    assert second_known.profile_id == created.profile_id, (
        "Tracking with a new identifier plus one of an existing profile MUST store the event against that "
        f"profile (S1: a profile matching any sent identifier), {created.profile_id}; the 202 answer named "
        f"{second_known.profile_id}: {second_known.response.text[:300]}"
    )
    # And an identifier no profile has creates another profile.
    other = zd.track(zd.namespace.identifier(CUSTOM_TYPE))
    assert other.profile_id != created.profile_id, (
        "Tracking with identifiers no profile has MUST create a new profile (S1); it was stored against "
        f"{created.profile_id}, which has none of them"
    )


@pytest.mark.contract("identifiers.profile.exact_key")
def test_a_near_miss_of_a_profiles_key_is_another_profile(zd: Kit) -> None:
    """A profile of the first suite source, type customer and a custom identifier; a track request
    per near miss of that key, each of which must create a profile of its own; then every key's
    profile read by its percent-encoded identifier query (P3)."""
    value = f"{zd.namespace.value()}-x y-z"
    known = {"type": CUSTOM_TYPE, "value": value}
    same_value = {"type": f"{CUSTOM_TYPE}_01", "value": value}
    keys: list[tuple[str, dict[str, str], str, str]] = [
        ("the known key", known, PROFILE_SOURCE, PROFILE_TYPE),
        ("another profile source", known, EVENT_SOURCES[1], PROFILE_TYPE),
        ("another profile type", known, PROFILE_SOURCE, OTHER_PROFILE_TYPE),
        ("another identifier type with the same value", same_value, PROFILE_SOURCE, PROFILE_TYPE),
        *(
            (what, {"type": CUSTOM_TYPE, "value": near}, PROFILE_SOURCE, PROFILE_TYPE)
            for what, near in [
                ("the value with '+' for its space", value.replace(" ", "+")),
                ("the value with '%20' for its space", value.replace(" ", "%20")),
                ("a prefix of the value", value[:-2]),
                ("an extension of the value", f"{value}z"),
            ]
        ),
    ]
    profiles: dict[str, str] = {}  # what -> the profile its track request was stored against
    for what, identifier, source, type_ in keys:
        tracked = zd.track(identifier, profile={"source": source, "type": type_})
        same = [other for other, profile_id in profiles.items() if profile_id == tracked.profile_id]
        assert not same, (
            "A profile is matched by 'a matching combination of source, type, and identifier' (S9), and "
            f"'If the profile does not exist, it will be created' (S1): {what}, "
            f"{identifier_query(identifier, source, type_)}, is no profile's key, yet its event was stored "
            f"against profile {tracked.profile_id}, the profile of {same[0]}"
        )
        profiles[what] = tracked.profile_id

    def each_key_finds_its_profile() -> None:
        for what, identifier, source, type_ in keys:
            query = identifier_query(identifier, source, type_)
            response = zd.client.get(with_identifier(PROFILES_PATH, query))
            found = response.json().get("profile", {}).get("id") if response.status_code == 200 else None
            assert found == profiles[what], (
                f"GET /api/v2/user_profiles?identifier= MUST return the profile with that source, type and "
                f"identifier (S2): the query for {what}, {query}, sent url-encoded (seed 001), should find "
                f"{profiles[what]}; got {shown(response)}"
            )

    def all_shown() -> None:
        for profile_id in profiles.values():
            events_shown(zd.client, profile_id, 1)

    zd.eventually(each_key_finds_its_profile, shown=all_shown)


@pytest.mark.contract("identifiers.additional.added")
def test_additional_identifiers_are_added_to_the_profile(zd: Kit) -> None:
    """A second event with the known identifier and two new ones; each new one then finds the profile
    (P3)."""
    known = zd.namespace.identifier(CUSTOM_TYPE)
    first = zd.track(known)
    extra = [zd.namespace.identifier(CUSTOM_TYPE), zd.namespace.identifier("email")]
    second = zd.track(known, *extra)
    assert second.profile_id == first.profile_id, (
        f"An event with a known identifier belongs to the existing profile {first.profile_id} (S1); the 202 "
        f"answer named {second.profile_id}"
    )
    wanted = identifier_pairs([known, *extra])

    def added() -> None:
        profile = get_profile(zd.client, first.profile_id)
        have = identifier_pairs(profile.get("identifiers"))
        assert wanted <= have, (
            "Any additional identifier sent with an event for an existing profile MUST be added to it "
            f"(S1); missing {sorted(wanted - have)}, the profile has {sorted(have, key=str)}"
        )
        for identifier in extra:
            query = identifier_query(identifier)
            response = zd.client.get(PROFILES_PATH, params={"identifier": query})
            found = response.json().get("profile", {}).get("id") if response.status_code == 200 else None
            assert found == first.profile_id, (
                f"The added identifier should find the profile {first.profile_id}: GET by identifier "
                f"{query} answered {shown(response)}"
            )

    zd.eventually(added, shown=lambda: events_shown(zd.client, first.profile_id, 2))


def twenty_one(zd: Kit) -> list[dict[str, str]]:
    """21 fresh identifiers, each of its own non-standard type."""
    return zd.namespace.custom_identifiers(MAX_IDENTIFIERS + 1)


@pytest.mark.contract("identifiers.limit.twenty")
def test_21_identifiers_in_one_request_are_refused(zd: Kit) -> None:
    """21 identifiers in one track request."""
    zd.track.refused(
        {"profile": zd.namespace.profile(*twenty_one(zd)), "event": zd.namespace.event()},
        "A profile has at most 20 identifiers (S14), so a track request with 21 MUST be refused with a 4xx",
    )


@pytest.mark.contract("identifiers.limit.twenty")
def test_a_21st_identifier_added_by_a_later_event_is_refused(zd: Kit) -> None:
    """A profile tracked with 20 identifiers, then an event with one of them and a 21st."""
    identifiers = twenty_one(zd)
    full = zd.track(*identifiers[:MAX_IDENTIFIERS])
    zd.track.refused(
        {
            "profile": zd.namespace.profile(identifiers[0], identifiers[MAX_IDENTIFIERS]),
            "event": zd.namespace.event(),
        },
        f"Profile {full.profile_id} has 20 identifiers, the most a profile may have (S14), so an event "
        "adding a 21st MUST be refused with a 4xx",
    )


@pytest.mark.contract("identifiers.case.lowercased")
@pytest.mark.parametrize("identifier_type", ["email", "twitter"])
def test_email_and_twitter_values_are_lowercased(identifier_type: str, zd: Kit) -> None:
    """Both ways of adding: with the profile's creation, and by a later event. Read back through P2."""
    created_with = {
        "type": identifier_type,
        "value": mixed_case(zd.namespace.identifier(identifier_type)["value"]),
    }
    tracked = zd.track(zd.namespace.identifier(CUSTOM_TYPE), created_with)
    added_later = {
        "type": identifier_type,
        "value": mixed_case(zd.namespace.identifier(identifier_type)["value"]),
    }
    later = zd.track(tracked.identifiers[0], added_later)
    assert later.profile_id == tracked.profile_id, (
        f"The second event has a known identifier, so it belongs to profile {tracked.profile_id} (S1); the "
        f"202 answer named {later.profile_id}"
    )
    sent = [created_with["value"], added_later["value"]]

    def lowercased() -> None:
        profile = get_profile(zd.client, tracked.profile_id)
        values = {v for t, v in identifier_pairs(profile.get("identifiers")) if t == identifier_type}
        for value in sent:
            assert value.lower() in values and value not in values, (
                f"A {identifier_type} identifier MUST be stored with its upper case letters converted to "
                f"lower case (S2): sent {value!r}, the profile's {identifier_type} values are "
                f"{sorted(values)}"
            )

    zd.eventually(lowercased, shown=lambda: events_shown(zd.client, tracked.profile_id, 2))


@pytest.mark.contract("identifiers.query.encoded_or_raw")
@pytest.mark.parametrize("form", ["url-encoded", "raw"])
def test_an_identifier_query_finds_the_profile_encoded_or_raw(form: str, zd: Kit) -> None:
    """The profile is tracked with a mixed-case email and looked up by the stored, lowercased value."""
    email = zd.namespace.email()
    tracked = zd.track({"type": "email", "value": mixed_case(email)})
    query = identifier_query({"type": "email", "value": email.lower()})
    if form == "raw":
        request: dict[str, Any] = {"url": f"{PROFILES_PATH}?identifier={query}"}
    else:
        request = {"url": PROFILES_PATH, "params": {"identifier": query}}

    def found() -> None:
        response = zd.client.get(**request)
        sent = response.request.url.query.decode()
        assert response.status_code == 200, (
            f"GET /api/v2/user_profiles?identifier= MUST return the profile for the {form} query ({sent}); "
            f"got {shown(response)}"
        )
        profile = response.json().get("profile")
        assert isinstance(profile, dict), (
            f"No profile in the answer to the {form} query {sent}: {shown(response)}"
        )
        got = (profile.get("id"), profile.get("source"), profile.get("type"))
        assert got == (tracked.profile_id, PROFILE_SOURCE, PROFILE_TYPE), (
            f"The {form} query {sent} MUST return the profile with that source, type and identifier: "
            f"expected id, source, type {(tracked.profile_id, PROFILE_SOURCE, PROFILE_TYPE)}, got {got}"
        )
        assert ("email", email.lower()) in identifier_pairs(profile.get("identifiers")), (
            f"The profile the {form} query {sent} returned must have the identifier email:{email.lower()}; "
            f"it has {profile.get('identifiers')}"
        )

    zd.eventually(found, shown=lambda: get_profile(zd.client, tracked.profile_id))


@pytest.mark.contract("identifiers.query.reserved_characters")
def test_identifier_values_with_reserved_characters_round_trip(zd: Kit) -> None:
    """One profile with a custom identifier per reserved character, a space, non-ASCII letters, and
    all of them in one value; each value's percent-encoded query finds the profile (P3) and its event
    (E2)."""
    identifiers = [{"type": CUSTOM_TYPE, "value": zd.namespace.value() + end} for end in RESERVED_SUFFIXES]
    tracked = zd.track(*identifiers)
    mark = mark_of(tracked.body["event"])

    def each_value_finds_the_profile() -> None:
        for identifier in identifiers:
            query = identifier_query(identifier)
            response = zd.client.get(with_identifier(PROFILES_PATH, query))
            profile = response.json().get("profile") if response.status_code == 200 else None
            assert isinstance(profile, dict) and profile.get("id") == tracked.profile_id, (
                f"GET /api/v2/user_profiles?identifier= with the query {query!r}, url-encoded as seed 001 "
                f"says it must be ({response.request.url.query.decode()}), MUST return the profile with "
                f"that identifier (S2), {tracked.profile_id}; got {shown(response)}"
            )
            assert (CUSTOM_TYPE, identifier["value"]) in identifier_pairs(profile.get("identifiers")), (
                f"The profile found by {query!r} must have the identifier value as sent, "
                f"{identifier['value']!r} (S1); it has {profile.get('identifiers')}"
            )
            response = zd.client.get(with_identifier(IDENTIFIER_EVENTS_PATH, query))
            events = response.json().get("events") if response.status_code == 200 else None
            assert isinstance(events, list) and mark in marks(events), (
                f"GET /api/v2/user_profiles/events?identifier= with the query {query!r}, url-encoded (seed "
                f"001), MUST return the events of that profile, among them the one tracked (mark {mark}); "
                f"got {shown(response)}"
            )

    zd.eventually(each_value_finds_the_profile, shown=lambda: events_shown(zd.client, tracked.profile_id, 1))


@pytest.mark.contract("identifiers.user.shared_identity")
def test_a_new_profile_sharing_a_users_identity_is_associated_with_that_user(zd: Kit) -> None:
    """Profile A in the first suite source with an email, then profile B in the second with the same
    email."""
    email = zd.namespace.identifier("email")
    first = zd.track(email)
    # The user has the identity once profile A is readable with that user.
    zd.eventually(lambda: _has_user(get_profile(zd.client, first.profile_id), first.user_id))

    second = zd.track(email, profile={"source": EVENT_SOURCES[1]})
    assert second.profile_id != first.profile_id, (
        f"Profile B is of another source ({EVENT_SOURCES[1]}), so it must be a new profile; the 202 answer "
        f"named profile A, {first.profile_id}"
    )

    def same_user() -> None:
        profile = get_profile(zd.client, second.profile_id)
        user_id = profile.get("user_id")
        assert str(user_id) == first.user_id and second.user_id == first.user_id, (
            f"A new profile with the identifier email:{email['value']}, which user {first.user_id} already "
            "has, MUST be associated with that user (seed 000); its 202 answer named user "
            f"{second.user_id!r} and the profile reads user {user_id!r}"
        )

    zd.eventually(same_user)


def _has_user(profile: dict[str, Any], user_id: str) -> None:
    assert str(profile.get("user_id")) == user_id, (
        f"Profile {profile.get('id')} should belong to user {user_id} (its 202 answer); it reads "
        f"{profile.get('user_id')!r}"
    )
