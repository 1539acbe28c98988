"""Profiles (S2): reading a profile by id (P2), a user's profiles (P1), what a profile is named and
when it was written, and a user's events across all of the user's profiles (E1 against E2 and E3).

Every profile is fresh and namespaced. Identifiers of a non-standard type (CUSTOM_TYPE) link no
Zendesk user identity.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from pytest_zdevents.runtime.isolation import (
    CUSTOM_TYPE,
    EVENT_SOURCES,
    PROFILE_SOURCE,
    PROFILE_TYPE,
    identifier_query,
    mark_of,
    marks,
)
from pytest_zdevents.runtime.kit import Kit
from pytest_zdevents.runtime.paths import (
    IDENTIFIER_EVENTS_PATH,
    profile_events_path,
    profile_path,
    user_events_path,
    user_profiles_path,
)
from pytest_zdevents.runtime.reads import get_profile, identifier_pairs, read_all, shown
from pytest_zdevents.runtime.timestamps import instant

A, B = EVENT_SOURCES


@pytest.mark.contract("profiles.get_by_id.returns_profile")
def test_get_profile_by_id(zd: Kit) -> None:
    """A profile tracked with an email and a custom identifier, read back through P2."""
    sent = [zd.namespace.identifier("email"), zd.namespace.identifier(CUSTOM_TYPE)]
    tracked = zd.track(*sent)

    def read() -> dict[str, Any]:
        profile = get_profile(zd.client, tracked.profile_id)
        missing = identifier_pairs(sent) - identifier_pairs(profile.get("identifiers"))
        assert not missing, (
            f"The profile must list the identifiers it was tracked with (S1, S2); missing {missing} "
            f"in {profile.get('identifiers')!r}"
        )
        return profile

    profile = zd.eventually(read)
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


@pytest.mark.contract("profiles.user_events.all_profiles")
def test_user_events_cover_every_profile(zd: Kit) -> None:
    """Two profiles of one user, in the two suite sources; the second tracked through E4. Each is
    read by id and by identifier query, then the user is read, within each source."""
    email = zd.namespace.identifier("email")
    first = zd.track(email, event={"source": A})
    second = zd.track(email, event={"source": B})
    user_id, profile_a = first.user_id, first.profile_id
    # profile id -> source -> marks
    sent = {profile_a: {A: [mark_of(first.body["event"])], B: [mark_of(second.body["event"])]}}

    # The second profile, in the other suite source, tracked through E4 on the same user.
    other = zd.namespace.identifier(CUSTOM_TYPE)
    profile_b = ""
    sent_b: dict[str, list[str]] = {A: [], B: []}
    for source in (A, B, B):
        event = zd.namespace.event(source=source)
        body = {"profile": zd.namespace.profile(other, source=B), "event": event}
        tracked = zd.track.send(body, user_events_path(user_id))
        profile_b = profile_b or tracked.profile_id
        sent_b[source].append(mark_of(event))
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
                    got = marks(read_all(zd.client, path, {**params, "filter[source]": source}, page_size=50))
                    assert Counter(got) == Counter(expected), (
                        f"GET {path} {params} filter[source]={source} should list the events tracked for "
                        f"profile {profile_id} in that source, {expected}; got {got}"
                    )

    zd.eventually(per_profile)

    def per_user() -> None:
        for source in (A, B):
            expected = [m for by_source in sent.values() for m in by_source[source]]
            got = marks(
                read_all(zd.client, user_events_path(user_id), {"filter[source]": source}, page_size=50)
            )
            assert Counter(got) == Counter(expected), (
                f"GET {user_events_path(user_id)} must return the events of every profile of the user "
                f"(seeds 000, 002), the same as reading each profile by id or identifier query. Within "
                f"filter[source]={source} the profiles {list(sent)} hold {expected}; the user read "
                f"returned {got}"
            )

    zd.eventually(per_user)


@pytest.mark.contract("profiles.user_profiles.lists_all")
def test_user_profiles_list_every_profile(zd: Kit) -> None:
    """Two profiles of one user: one tracked through E5, the other through E4 on that user in the
    other suite source."""
    first = zd.track()
    body = {
        "profile": zd.namespace.profile(zd.namespace.identifier(CUSTOM_TYPE), source=B),
        "event": zd.namespace.event(),
    }
    second = zd.track.send(body, user_events_path(first.user_id))
    assert second.profile_id != first.profile_id, "A profile of another source must be another profile (S2)."
    path = user_profiles_path(first.user_id)
    expected = {first.profile_id, second.profile_id}

    def listed() -> None:
        response = zd.client.get(path)
        assert response.status_code == 200, (
            f'GET {path} (Get Profiles by User ID) must answer 200 {{"profiles": [...]}} (S2); got '
            f"{shown(response)}"
        )
        body = response.json()
        profiles = body.get("profiles") if isinstance(body, dict) else None
        assert isinstance(profiles, list) and all(isinstance(p, dict) for p in profiles), (
            f'GET {path} must answer {{"profiles": [...]}}, an array of profiles (S2); got {shown(response)}'
        )
        ids = {str(profile.get("id")) for profile in profiles}
        assert expected <= ids, (
            f"'A Zendesk user id returns all the profiles associated with the user' (S13): user "
            f"{first.user_id} has the profiles {sorted(expected)}, tracked through E5 and E4; GET {path} "
            f"listed {sorted(ids)}"
        )
        others = {
            str(p.get("id")): p.get("user_id") for p in profiles if str(p.get("user_id")) != first.user_id
        }
        assert not others, (
            f"GET {path} must list the profiles of user {first.user_id} (S2); these belong to others: "
            f"{others}"
        )

    zd.eventually(listed, shown=lambda: [get_profile(zd.client, i) for i in sorted(expected)])


#: A day: generous for any clock difference, short of any time the profile was not written in.
CLOCK_SLACK = timedelta(days=1)


@pytest.mark.contract("profiles.timestamps.generated")
def test_profile_timestamps_are_generated(zd: Kit) -> None:
    """A profile this run tracked (the shared one), read back through P2."""
    tracked = zd.shared_profile()
    profile = zd.eventually(lambda: get_profile(zd.client, tracked.profile_id))
    now = datetime.now(UTC)
    for field in ("created_at", "updated_at"):
        value = profile.get(field)
        moment = instant(value)
        assert moment is not None, (
            f"A profile's {field} is 'an auto-generated datetime' (S2); profile {tracked.profile_id} has "
            f"{field}={value!r}, which is not an ISO 8601 date-time"
        )
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        assert abs(moment - now) <= CLOCK_SLACK, (
            f"A profile's {field} is 'an auto-generated datetime of when the object was updated' (S2); "
            f"profile {tracked.profile_id} was written in this run (it is {now.isoformat()}), but its "
            f"{field} is {value!r}"
        )


def derived_name(identifier: dict[str, str]) -> str:
    """The name S2's table gives a profile that has only ``identifier`` and was sent no name."""
    kind, value = identifier["type"], identifier["value"]
    named = {"email": value, "external_id": f"User {value}", "twitter": f"Twitter user {value}"}
    return named.get(kind, f"{kind} user {value}")


@pytest.mark.contract("profiles.name.derived")
@pytest.mark.parametrize("identifier_type", ["email", "external_id", "twitter", CUSTOM_TYPE])
def test_a_profile_without_a_name_is_named_from_its_identifier(identifier_type: str, zd: Kit) -> None:
    """A profile tracked (E5) with one fresh identifier and no name; read back through P2. For a
    type the table does not list, the type may be written with a capital first letter, as in the
    table's example."""
    identifier = zd.namespace.identifier(identifier_type)
    tracked = zd.track(identifier)
    assert "name" not in tracked.body["profile"]
    expected = derived_name(identifier)
    accepted = {expected, expected[:1].upper() + expected[1:]}

    def named() -> None:
        name = get_profile(zd.client, tracked.profile_id).get("name")
        assert name in accepted, (
            "A profile sent without a name is named after its identifier (S2): an email by the address, "
            "an external_id as 'User ' and the id, a twitter one as 'Twitter user ' and the username, a "
            "type the table does not list as '{type} user {value}'. The profile tracked with only "
            f"{identifier} must be named {expected!r}; it is named {name!r}"
        )

    zd.eventually(named, shown=lambda: get_profile(zd.client, tracked.profile_id))


@pytest.mark.contract("profiles.name.as_sent")
@pytest.mark.parametrize("route", ["E5", "E4"])
def test_a_profile_tracked_with_a_name_has_that_name(route: str, zd: Kit) -> None:
    """E5 with a fresh email, or E4 on a user of this run (the shared profile's) with a fresh custom
    identifier; read back through P2."""
    name = f"Jane Smith {zd.namespace.value()}"
    if route == "E5":
        tracked = zd.track(profile={"name": name})
    else:
        user_id = zd.shared_profile().user_id
        profile = zd.namespace.profile(zd.namespace.identifier(CUSTOM_TYPE), source=B, name=name)
        tracked = zd.track.send(
            {"profile": profile, "event": zd.namespace.event()}, user_events_path(user_id)
        )

    def named() -> None:
        got = get_profile(zd.client, tracked.profile_id).get("name")
        assert got == name, (
            f'A profile tracked ({route}) with "name": {name!r}, as the examples send "Jane Smith" (seed '
            f"001, S2), must have that name; profile {tracked.profile_id} is named {got!r}"
        )

    zd.eventually(named, shown=lambda: get_profile(zd.client, tracked.profile_id))
