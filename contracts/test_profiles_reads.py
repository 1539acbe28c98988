"""Profiles (S2): reading a profile by id (P2), and a user's events across all of the user's
profiles (E1 against E2 and E3).

Every profile is fresh and namespaced. Identifiers of a non-standard type (CUSTOM_TYPE) link no
Zendesk user identity.
"""

from __future__ import annotations

from collections import Counter
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
)
from pytest_zdevents.runtime.reads import get_profile, identifier_pairs, read_all

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
