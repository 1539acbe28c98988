"""Ingestion: tracking an event answers 202 through each route (E5, E4, E6), with the body that
names the profile and its user.

Every event carries a unique mark, so a contract finds its own events in a read without assuming
an order. Profiles that only set up a contract about E4 or E6 are tracked accepting any 2xx:
whether E5 answers 202 is another contract's concern.
"""

from __future__ import annotations

import pytest

from pytest_zdevents.runtime.isolation import EVENT_SOURCES, EVENT_TYPES, mark_of
from pytest_zdevents.runtime.kit import Kit
from pytest_zdevents.runtime.paths import TRACK_PATH, profile_events_path, user_events_path
from pytest_zdevents.runtime.reads import get_profile, one_event, shown


@pytest.mark.contract("ingestion.track_profile.accepted")
def test_track_against_a_profile_answers_202(zd: Kit) -> None:
    """A new profile's first event, then a second one for the now existing profile."""
    first = zd.track()
    zd.track(*first.identifiers, event={"type": EVENT_TYPES[1]})


@pytest.mark.contract("ingestion.track_user.accepted")
def test_track_against_a_user_answers_202_and_stores_for_user_and_profile(zd: Kit) -> None:
    """An event for the user and profile of an earlier one, then read by user (E1) and by
    profile (E3)."""
    first = zd.shared_profile()
    assert first.user_id, f"The answer to tracking named no user_id: {first.response.text[:300]}"
    event = zd.namespace.event(source=EVENT_SOURCES[1], type=EVENT_TYPES[2])
    zd.track.send({"profile": first.body["profile"], "event": event}, user_events_path(first.user_id))

    def stored_for_user_and_profile() -> None:
        one_event(zd.client, user_events_path(first.user_id), mark_of(event))
        one_event(zd.client, profile_events_path(first.profile_id), mark_of(event))

    zd.eventually(stored_for_user_and_profile)


@pytest.mark.contract("ingestion.track_profile_id.accepted")
def test_track_against_a_profile_id_answers_202_and_stores_for_that_profile(zd: Kit) -> None:
    """An event for a profile made through E5, then read through E3."""
    path = profile_events_path(zd.shared_profile().profile_id)
    event = zd.namespace.event(type=EVENT_TYPES[1])
    zd.track.send({"event": event}, path)
    zd.eventually(lambda: one_event(zd.client, path, mark_of(event)))


@pytest.mark.contract("ingestion.track.response_body")
@pytest.mark.parametrize("route", ["E5", "E4", "E6"])
def test_the_202_body_names_the_profile_and_its_user(route: str, zd: Kit) -> None:
    """Through each route: for a new profile (E5) and for a known one (E4, E6). The profile the
    answer names is read back through P2."""
    event = zd.namespace.event()
    if route == "E5":
        path, body = TRACK_PATH, {"profile": zd.namespace.profile(), "event": event}
        expected_profile = expected_user = None
    else:
        known = zd.shared_profile()  # a profile this run tracked, which the event only adds to
        expected_profile, expected_user = known.profile_id, known.user_id
        if route == "E4":
            path, body = user_events_path(known.user_id), {"profile": known.body["profile"], "event": event}
        else:
            path, body = profile_events_path(known.profile_id), {"event": event}
    response = zd.track.send(body, path).response
    answer = response.json()
    where = f"The 202 answer to POST {path} ({route})"
    assert isinstance(answer, dict), f"{where} must be a JSON object; got {shown(response)}"
    assert answer.get("status") == "received", f'{where} must say "status": "received"; got {shown(response)}'
    profile_id, user_id = answer.get("profile_id"), answer.get("user_id")
    assert isinstance(profile_id, str) and profile_id, (
        f"{where} must name the profile_id the event was stored against; got {shown(response)}"
    )
    assert isinstance(user_id, str) and user_id, (
        f'{where} must give the profile\'s Zendesk user_id as a string (S1 \'"user_id":"123456"\'); '
        f"got {shown(response)}"
    )
    if expected_profile is not None:
        assert profile_id == expected_profile, (
            f"{where} must name the profile the event was stored against, {expected_profile}; got "
            f"{shown(response)}"
        )
        assert user_id == expected_user, (
            f"{where} must name that profile's user, {expected_user}; got {shown(response)}"
        )

    # The profile it names holds the event, and its user is the user the answer names.
    stored_user = get_profile(zd.client, profile_id).get("user_id")
    assert str(stored_user) == user_id, (
        f"{where} named user_id {user_id!r}, but the profile's user_id is {stored_user!r}"
    )
    zd.eventually(lambda: one_event(zd.client, profile_events_path(profile_id), mark_of(event)))
