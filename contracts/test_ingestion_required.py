"""Ingestion: what a track request must have. A body without its profile or its event, a profile
without source, type or identifiers, an event without source, type or properties, and required
keys spelt in another case are each refused with a 4xx, since the docs give no status; id and
received_at are the server's, whatever the client sends.

A check that something was *not* stored first waits for a later, valid event of the same profile,
then looks for the refused one by its description, which is unique to it (its properties, and so
its mark, may be what the request lacks).
"""

from __future__ import annotations

from typing import Any

import pytest

from pytest_zdevents.runtime.isolation import mark_of
from pytest_zdevents.runtime.kit import Kit
from pytest_zdevents.runtime.paths import TRACK_PATH, profile_events_path, user_events_path
from pytest_zdevents.runtime.reads import one_event, shown
from pytest_zdevents.runtime.timestamps import instant
from pytest_zdevents.runtime.tracking import Tracked


def _not_stored(zd: Kit, tracked: Tracked, description: str, events_path: str, promise: str) -> None:
    """Once a later, valid event of ``tracked``'s profile reads back through ``events_path``, no
    event there has ``description``."""
    events = zd.events_after_a_later_one(tracked, events_path)
    stored = [e for e in events if e.get("description") == description]
    assert not stored, f"{promise}, and a refused event is not stored; GET {events_path} has it: {stored}"


def _described_event(zd: Kit) -> dict[str, Any]:
    """A valid event whose description is unique to it."""
    return zd.namespace.event(description=f"refused {zd.namespace.value()}")


# The body: a profile and an event

BODY_CASES = ["E5 without profile", "E5 without event", "E4 without profile", "E4 without event"]


@pytest.mark.contract("ingestion.body.profile_and_event_required")
@pytest.mark.parametrize("case", BODY_CASES)
def test_a_track_request_without_its_profile_or_its_event_is_refused(case: str, zd: Kit) -> None:
    """Through E5 and E4 (for a user this run created); the event E4 was sent without a profile is
    then looked for among the user's events."""
    tracked = zd.shared_profile()
    route, member = case.split()[0], case.split()[-1]
    path = TRACK_PATH if route == "E5" else user_events_path(tracked.user_id)
    event = _described_event(zd)
    body = {"profile": tracked.body["profile"], "event": event}
    del body[member]
    promise = (
        f"A track request without {member} MUST be refused with a 4xx (seed 001: profile and event are "
        f"both required; seed 000: 'The API expects a profile with each event'); POST {path} ({route})"
    )
    zd.track.refused(body, promise, path)
    if case == "E4 without profile":
        _not_stored(zd, tracked, event["description"], path, promise)


# The profile: source, type and one or more identifiers

PROFILE_CASES = ["without source", "without type", "without identifiers", "with an empty identifiers array"]


@pytest.mark.contract("ingestion.profile.required_fields")
@pytest.mark.parametrize("case", PROFILE_CASES)
def test_a_profile_without_source_type_or_identifiers_is_refused(case: str, zd: Kit) -> None:
    """An otherwise valid E5 request whose profile lacks one of its three required members, or has
    no identifier in its array."""
    profile = zd.namespace.profile()
    if case == "with an empty identifiers array":
        profile["identifiers"] = []
    else:
        del profile[case.split()[-1]]
    zd.track.refused(
        {"profile": profile, "event": zd.namespace.event()},
        f"A track request whose profile is {case} MUST be refused with a 4xx (S8: a profile has at least "
        "source, type, and one or more identifiers; seed 001: identifiers 'One or more user identities')",
    )


# The event: source, type and properties


@pytest.mark.contract("ingestion.event.required_fields")
@pytest.mark.parametrize("route", ["E5", "E6"])
@pytest.mark.parametrize("field", ["source", "type", "properties"])
def test_an_event_without_source_type_or_properties_is_refused_and_not_stored(
    field: str, route: str, zd: Kit
) -> None:
    """Through E5 (with the profile of an earlier event) and E6; then the refused event is looked
    for among the profile's events."""
    tracked = zd.shared_profile()
    event = _described_event(zd)
    del event[field]
    path = profile_events_path(tracked.profile_id)
    body: dict[str, Any] = {"event": event}
    if route == "E5":
        path, body = TRACK_PATH, {"profile": tracked.body["profile"], "event": event}
    promise = (
        f"An event without {field} MUST be refused with a 4xx (S6: 'The source, type, and properties "
        f"properties are required'); POST {path} ({route})"
    )
    zd.track.refused(body, promise, path)
    _not_stored(zd, tracked, event["description"], profile_events_path(tracked.profile_id), promise)


# Member names are case-sensitive

CASE_CASES = ["event.Source", "event.Type", "event.Properties", "profile.Identifiers"]


@pytest.mark.contract("ingestion.keys.case_sensitive")
@pytest.mark.parametrize("case", CASE_CASES)
def test_a_required_key_in_another_case_is_refused(case: str, zd: Kit) -> None:
    """An otherwise valid E5 request with one required member's name capitalised, so that the
    lower-case member it must have is missing."""
    body = {"profile": zd.namespace.profile(), "event": zd.namespace.event()}
    member, key = case.split(".")
    body[member][key] = body[member].pop(key.lower())
    zd.track.refused(
        body,
        f"A track request whose {member} spells {key.lower()!r} as {key!r} MUST be refused with a 4xx, like "
        f"one without {key.lower()!r} (S24: 'The documented JSON properties for this API are case "
        "sensitive'; S6, S8: it is required)",
    )


# id and received_at are read-only

CLIENT_RECEIVED_AT = "2001-02-03T04:05:06Z"


@pytest.mark.contract("ingestion.read_only.server_values")
def test_an_event_read_back_has_the_servers_id_and_received_at(zd: Kit) -> None:
    """An E5 event with an id and a received_at of the client's. A 4xx is a legal answer and ends
    the test; an accepted event is read back by its mark, and neither value may be the client's."""
    client_id = zd.namespace.value()
    event = zd.namespace.event(id=client_id, received_at=CLIENT_RECEIVED_AT)
    response = zd.track.post({"profile": zd.namespace.profile(), "event": event})
    promise = "An event's id and received_at are read-only (seed 001)"
    if 400 <= response.status_code < 500:
        return
    assert response.is_success, (
        f"{promise}: the request is refused with a 4xx or accepted; got {shown(response)}"
    )
    answer = response.json()
    assert isinstance(answer, dict) and answer.get("profile_id"), (
        f"The answer to tracking names the profile it stored the event against (S1); got {shown(response)}"
    )
    path = profile_events_path(str(answer["profile_id"]))
    stored = zd.eventually(lambda: one_event(zd.client, path, mark_of(event)))
    assert stored.get("id") != client_id, (
        f"{promise}: an event MUST NOT read back with the id the client sent ({client_id!r}); GET {path} "
        f"returned {stored}"
    )
    received = stored.get("received_at")
    assert received is None or instant(received) != instant(CLIENT_RECEIVED_AT), (
        f"{promise}: an event MUST NOT read back with the received_at the client sent "
        f"({CLIENT_RECEIVED_AT}); received_at is 'the time the event was received' (seed 001); GET {path} "
        f"returned {stored}"
    )
