"""Identifiers and users: a profile no user shares an identifier with gets a user of its own, an
email a later event adds becomes its user's identity, identifiers of two users or of two profiles
are refused, and the requests that select a profile or
a user need what the docs require: an identifier query of four parts, and a user id that is an
integer.

Everything is about profiles this run tracked, with fresh namespaced values; the refusals are any
4xx, except the user id's 400, which the docs give.
"""

from __future__ import annotations

import pytest

from pytest_zdevents.runtime.isolation import CUSTOM_TYPE, EVENT_SOURCES, PROFILE_SOURCE, PROFILE_TYPE
from pytest_zdevents.runtime.isolation import identifier_query as query_of
from pytest_zdevents.runtime.kit import Kit
from pytest_zdevents.runtime.paths import IDENTIFIER_EVENTS_PATH, PROFILES_PATH
from pytest_zdevents.runtime.reads import get_profile, identifier_pairs, shown
from pytest_zdevents.runtime.tracking import ANSWER_CONTRACT, SetupFailed, Tracked


def _user_of(tracked: Tracked) -> str:
    """The Zendesk user the answer to tracking names."""
    if not tracked.user_id:
        raise SetupFailed(ANSWER_CONTRACT, f"the answer names no user_id: {shown(tracked.response)}.")
    return tracked.user_id


def _two_users(zd: Kit, first: Tracked, second: Tracked) -> tuple[Tracked, Tracked]:
    """Two profiles tracked with fresh emails, checked to name two users, once both are readable
    (so that both users have their identities before the request under test)."""
    if _user_of(first) == _user_of(second):
        raise SetupFailed(
            "identifiers.user.anonymous_created",
            f"two profiles with fresh emails name the same user {first.user_id}.",
        )
    for tracked in (first, second):
        zd.eventually(lambda tracked=tracked: get_profile(zd.client, tracked.profile_id))
    return first, second


@pytest.mark.contract("identifiers.user.anonymous_created")
def test_a_profile_no_user_shares_an_identifier_with_gets_a_user_of_its_own(zd: Kit) -> None:
    """Three new profiles: two with a fresh email each, one with a fresh identifier of a custom type.
    Each answer names a user, and no two name the same one."""
    tracked = [zd.track(), zd.track(), zd.track(zd.namespace.identifier(CUSTOM_TYPE))]
    users = [_user_of(t) for t in tracked]
    assert len(set(users)) == len(users), (
        "A profile whose identifiers no Zendesk user shares MUST be associated with a new anonymous user "
        '(seed 000: \'it creates an anonymous Zendesk user named "sunshine_user" and associates the profile '
        f"with the user'), so three such profiles have three users; their user_ids are {users}"
    )


PARTIAL_QUERIES = ["source and type", "source, type and identifier type"]


@pytest.mark.contract("identifiers.query.four_parts_required")
@pytest.mark.parametrize("route", ["P3", "E2"])
@pytest.mark.parametrize("parts", PARTIAL_QUERIES)
def test_an_identifier_query_of_fewer_than_four_parts_is_refused(parts: str, route: str, zd: Kit) -> None:
    """The first parts of the query of a profile this run tracked (the shared one), so that a server
    which matched on them would find it."""
    tracked = zd.shared_profile()
    identifier_type = tracked.identifiers[0]["type"]
    partial = f"{PROFILE_SOURCE}:{PROFILE_TYPE}"
    if parts != "source and type":
        partial += f":{identifier_type}"
    path = PROFILES_PATH if route == "P3" else IDENTIFIER_EVENTS_PATH
    response = zd.client.get(path, params={"identifier": partial})
    assert 400 <= response.status_code < 500, (
        "An identifier query MUST include a profile source, a profile type, an identifier type and an "
        "identifier value (seed 000); 'you can't specify only a source and a type to try to get all the "
        f"'rider' profiles' (S13). GET {path}?identifier={partial} ({route}) should be refused with a "
        f"4xx; got {shown(response)}"
    )


@pytest.mark.contract("identifiers.user.conflict_refused")
def test_identifiers_of_two_users_are_refused_and_link_nothing(zd: Kit) -> None:
    """Two profiles of this run, each with a fresh email and so each with a user of its own; then a
    profile of the other suite source with both emails. It is refused, and no profile of that
    source has either email afterwards."""
    first, second = _two_users(zd, zd.track(), zd.track())
    identifiers = [*first.identifiers, *second.identifiers]
    body = {
        "profile": zd.namespace.profile(*identifiers, source=EVENT_SOURCES[1]),
        "event": zd.namespace.event(),
    }
    promise = (
        "'When identifiers for multiple users are provided, the request will fail' (S2): a track request "
        "whose identifiers belong to two users MUST be refused with a 4xx"
    )
    zd.track.refused(body, promise)
    for identifier in identifiers:
        query = query_of(identifier, source=EVENT_SOURCES[1])
        response = zd.client.get(PROFILES_PATH, params={"identifier": query})
        assert response.status_code == 404, (
            f"{promise}, and a request that failed links nothing: GET {PROFILES_PATH}?identifier={query} "
            f"should find no profile (404, S2); got {shown(response)}"
        )


@pytest.mark.contract("identifiers.user.conflict_refused")
def test_an_event_adding_another_users_email_to_a_profile_is_refused(zd: Kit) -> None:
    """Two profiles of this run with fresh emails, so two users, the second in the other suite
    source; then an event for the first (its email first) that also brings the second's email. It
    is refused, and the first profile does not get that email."""
    first, second = _two_users(zd, zd.track(), zd.track(profile={"source": EVENT_SOURCES[1]}))
    promise = (
        "'All the identifiers should belong to a single user ... When identifiers for multiple users are "
        f"provided, the request will fail' (S2): an event adding to profile {first.profile_id} the email of "
        f"another user's profile {second.profile_id} MUST be refused with a 4xx"
    )
    zd.track.refused(
        {
            "profile": zd.namespace.profile(*first.identifiers, *second.identifiers),
            "event": zd.namespace.event(),
        },
        promise,
    )
    taken = identifier_pairs(get_profile(zd.client, first.profile_id).get("identifiers"))
    assert identifier_pairs(second.identifiers).isdisjoint(taken), (
        f"{promise}, and links nothing: profile {first.profile_id} now has {sorted(taken)}"
    )


@pytest.mark.contract("identifiers.user.added_identity")
def test_an_email_a_later_event_adds_becomes_an_identity_of_the_user(zd: Kit) -> None:
    """A profile of this run with a fresh email; a later event that adds a second fresh email (the
    known one first); once the profile has it, a profile of the other suite source with only the
    second email is associated with the first profile's user."""
    first = zd.track()
    added = zd.namespace.identifier("email")
    later = zd.track(*first.identifiers, added)
    if later.profile_id != first.profile_id:
        raise SetupFailed(
            "identifiers.profile.match_or_create",
            f"an event with the known email of profile {first.profile_id} went to {later.profile_id}.",
        )

    def has_it() -> None:
        have = identifier_pairs(get_profile(zd.client, first.profile_id).get("identifiers"))
        assert identifier_pairs([added]) <= have, f"profile {first.profile_id} has {sorted(have)}"

    zd.eventually(has_it)
    other = zd.track(added, profile={"source": EVENT_SOURCES[1]})
    assert other.user_id == _user_of(first), (
        "'Any email, phone, Facebook, SDK or X identifier added to a profile is automatically added as an "
        f"identity to the user' (S2): {added['value']} was added to profile {first.profile_id} of user "
        f"{first.user_id}, so a new profile with it MUST be associated with that user; it got "
        f"{other.user_id or 'no user_id'}"
    )


@pytest.mark.contract("identifiers.profile.conflict_refused")
def test_identifiers_of_two_profiles_are_refused_and_link_nothing(zd: Kit) -> None:
    """Two profiles of this run, of one source and type, each with a fresh identifier of a
    non-standard type of its own (no user identity, so no two users conflict); then a track request
    of that source and type with both identifiers. It is refused, and each identifier still finds
    its own profile."""
    identifiers = zd.namespace.custom_identifiers(2)
    tracked = [zd.track(identifier) for identifier in identifiers]
    if tracked[0].profile_id == tracked[1].profile_id:
        raise SetupFailed(
            "identifiers.profile.match_or_create",
            f"profiles with two different fresh identifiers are one profile {tracked[0].profile_id}.",
        )
    for each in tracked:  # both profiles exist before the request
        zd.eventually(lambda each=each: get_profile(zd.client, each.profile_id))
    promise = (
        "'If the profile has more than one identifier, all the identifiers should belong to a single user "
        "and a single profile' (S2): a track request whose identifiers belong to two profiles of its "
        "source and type MUST be refused with a 4xx"
    )
    zd.track.refused({"profile": zd.namespace.profile(*identifiers), "event": zd.namespace.event()}, promise)
    for identifier, each in zip(identifiers, tracked, strict=True):
        query = query_of(identifier)
        response = zd.client.get(PROFILES_PATH, params={"identifier": query})
        found = response.json().get("profile", {}).get("id") if response.status_code == 200 else None
        assert found == each.profile_id, (
            f"{promise}, and a request that failed links nothing: GET {PROFILES_PATH}?identifier={query} "
            f"should still find the profile {each.profile_id} tracked with it (S2); got {shown(response)}"
        )


@pytest.mark.contract("reads.identifier.required")
def test_events_by_identifier_without_an_identifier_are_refused(zd: Kit) -> None:
    """GET /api/v2/user_profiles/events with no query string at all."""
    response = zd.client.get(IDENTIFIER_EVENTS_PATH)
    assert 400 <= response.status_code < 500, (
        "'To locate the specific profile, you must specify an identifier query as a URL parameter' (seed "
        f"001); 'The request path takes a required identifier parameter' (seed 002). GET "
        f"{IDENTIFIER_EVENTS_PATH} without one MUST be refused with a 4xx; got {shown(response)}"
    )


@pytest.mark.contract("errors.user_id.not_integer")
def test_a_user_id_that_is_not_an_integer_is_400(zd: Kit) -> None:
    """GET /api/v2/users/abc/events; only the status is asserted, since the routes under
    /api/v2/users have bodies of their own."""
    path = "/api/v2/users/abc/events"
    response = zd.client.get(path)
    assert response.status_code == 400, (
        "A user_id that is not an integer MUST be answered 400 ('Invalid parameter: id must be an "
        f"integer', seed 001); GET {path} got {shown(response)}"
    )
