"""Ingestion: what is refused. The protected source 'zendesk', JSON numbers, and sources and
types over 40 characters: each with a 4xx, since the docs give no status.

A check that something was *not* stored first waits for a later, valid event of the same profile.
"""

from __future__ import annotations

import pytest

from pytest_zdevents.runtime.isolation import AT_NAME_LIMIT, mark_of
from pytest_zdevents.runtime.kit import Kit
from pytest_zdevents.runtime.limits import MAX_NAME_LENGTH
from pytest_zdevents.runtime.paths import TRACK_PATH, profile_events_path

#: One character over the documented 40-character limit for sources and types (S14).
TOO_LONG = AT_NAME_LIMIT + "x"


@pytest.mark.contract("ingestion.protected_source.event_refused")
@pytest.mark.parametrize("route", ["E5", "E6"])
def test_an_event_with_the_zendesk_source_is_refused_and_not_stored(route: str, zd: Kit) -> None:
    """Refused through E5 and E6; once a later, valid event of the profile is readable, the refused
    one is looked for."""
    tracked = zd.shared_profile()
    refused = zd.namespace.event(source="zendesk")
    if route == "E5":
        path, body = TRACK_PATH, {"profile": tracked.body["profile"], "event": refused}
    else:
        path, body = profile_events_path(tracked.profile_id), {"event": refused}
    zd.track.refused(
        body,
        f"An event with the source 'zendesk' MUST be refused with a 4xx (seed 001); POST {path} ({route})",
        path,
    )
    stored = [e for e in zd.events_after_a_later_one(tracked) if mark_of(e) == mark_of(refused)]
    assert not stored, f"An event with the source 'zendesk' MUST not be stored (seed 001); it was: {stored}"


@pytest.mark.contract("ingestion.protected_source.profile_refused")
def test_a_profile_with_the_zendesk_source_is_refused(zd: Kit) -> None:
    """An otherwise valid track request whose profile has the source 'zendesk'."""
    zd.track.refused(
        {"profile": zd.namespace.profile(source="zendesk"), "event": zd.namespace.event()},
        "A track request whose profile has the source 'zendesk' MUST be refused with a 4xx (S2: 'reserved "
        "and cannot be used to create a profile')",
    )


NUMBERS = {
    "event property": ({"count": 3}, None),
    "nested event property": ({"item": {"price": 499.99}}, None),
    "profile attribute": ({}, {"age": 42}),
}


@pytest.mark.contract("ingestion.numbers.refused")
@pytest.mark.parametrize("where", sorted(NUMBERS))
def test_a_json_number_is_refused(where: str, zd: Kit) -> None:
    """A number in an event property, in a nested one, or in a profile attribute. Identifier values
    are left out: the docs show a numeric phone_number value."""
    properties, attributes = NUMBERS[where]
    event = zd.namespace.event()
    event["properties"].update(properties)
    profile = zd.namespace.profile(**({"attributes": attributes} if attributes else {}))
    zd.track.refused(
        {"profile": profile, "event": event},
        f"A JSON number in the {where} MUST be refused with a 4xx (seed 000: 'The API doesn't accept "
        "numeric values. All numbers must be strings')",
    )


@pytest.mark.contract("ingestion.length.source_type_refused")
@pytest.mark.parametrize("field", ["event.source", "event.type", "profile.source", "profile.type"])
def test_a_source_or_type_over_40_characters_is_refused(field: str, zd: Kit) -> None:
    """41 characters in one of the four fields of an otherwise valid track request."""
    assert len(TOO_LONG) == MAX_NAME_LENGTH + 1
    body = {"profile": zd.namespace.profile(), "event": zd.namespace.event()}
    member, key = field.split(".")
    body[member][key] = TOO_LONG
    zd.track.refused(
        body,
        f"A {field} of 41 characters MUST be refused with a 4xx (S14: source and type are at most 40 "
        "characters)",
    )
