"""Tracking events through HTTP: E4 ``POST /api/v2/users/{user_id}/events``, E5
``POST /api/v2/user_profiles/events`` and E6 ``POST /api/v2/user_profiles/{profile_id}/events``.

Sources are cited as in ``/work/shared/reference/zendesk-events-api.md`` (S1 = Events API
reference, S2 = Profiles API reference, ...); "emulator choice" points at the table of choices in
``docs/emulator.md``.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from helpers import (
    DOC_TRACK_BODY,
    TRACK,
    FakeClock,
    error_code,
    get_profile,
    ids,
    seed,
    state,
    track_body,
    user_of,
)

ULID_ALPHABET = set("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
#: FakeClock starts at 1_700_000_000 s.
START = "2023-11-14T22:13:20.000000Z"

Track = Callable[..., dict[str, Any]]


# Helpers local to this file


def jane(user_id: str = "123", email: str = "jane@example.com") -> dict[str, Any]:
    return {"id": user_id, "name": "Jane", "identities": [{"type": "email", "value": email}]}


def profile_events(client: httpx.Client, profile_id: str) -> list[dict[str, Any]]:
    response = client.get(f"/api/v2/user_profiles/{profile_id}/events")
    assert response.status_code == 200, response.text
    return response.json()["events"]


def post(client: httpx.Client, body: dict[str, Any], path: str = TRACK) -> httpx.Response:
    return client.post(path, json=body)


def event_only(**event: Any) -> dict[str, Any]:
    base = {"source": "shoppingnow", "type": "checkout", "properties": {"item": "swag"}}
    return {"event": {**base, **event}}


# The 202 answer


def test_track_answers_202_with_profile_id_status_and_string_user_id(client: httpx.Client) -> None:
    """S1: Track Event answers 202 {"profile_id", "status": "received", "user_id"}, user_id a string."""
    response = post(client, track_body())
    assert response.status_code == 202
    body = response.json()
    assert set(body) == {"profile_id", "status", "user_id"}
    assert body["status"] == "received"
    assert isinstance(body["user_id"], str) and body["user_id"].isdigit()
    assert len(body["profile_id"]) == 26 and set(body["profile_id"]) <= ULID_ALPHABET


def test_doc_example_body_is_accepted_and_stored(client: httpx.Client) -> None:
    """S1 (seed 001): the reference's example body of Track Event Against a Sunshine Profile."""
    response = post(client, copy.deepcopy(DOC_TRACK_BODY))
    assert response.status_code == 202, response.text
    answer = response.json()
    profile = get_profile(client, answer["profile_id"])
    assert profile["source"] == "shoppingnow"
    assert profile["type"] == "customer"
    assert profile["name"] == "Jane Smith"
    assert profile["user_id"] == answer["user_id"]
    assert profile["identifiers"] == ids(("email", "jane@example.com"), ("external_id", "0987654321"))
    (event,) = profile_events(client, answer["profile_id"])
    assert event["source"] == "shoppingnow"
    assert event["type"] == "checkout"
    assert event["description"] == "Order complete"
    assert event["properties"] == DOC_TRACK_BODY["event"]["properties"]
    assert event["created_at"] == "2020-01-31T00:44:07+00:00"


# E5: finding or creating the profile


def test_e5_creates_profile_and_anonymous_sunshine_user_when_nothing_matches(client: httpx.Client) -> None:
    """S1: "If the profile does not exist, it will be created"; seed 000, S2: when no user shares an
    identifier, an anonymous Zendesk user named "sunshine_user" is created."""
    assert state(client)["users"] == []
    answer = post(client, track_body("new@example.com")).json()
    exported = state(client)
    (user,) = exported["users"]
    assert user["id"] == answer["user_id"]
    assert user["name"] == "sunshine_user"
    (profile,) = exported["profiles"]
    assert profile["id"] == answer["profile_id"]
    assert profile["user_id"] == answer["user_id"]
    assert profile["identifiers"] == ids(("email", "new@example.com"))


def test_e5_second_event_with_same_identifier_reuses_profile(client: httpx.Client, track: Track) -> None:
    """S1: tracking finds the profile by source, type and a matching identifier."""
    first = track("jane@example.com", event={"type": "viewed"})
    second = track("jane@example.com", event={"type": "checkout"})
    assert second == first
    exported = state(client)
    assert len(exported["profiles"]) == 1
    assert len(exported["users"]) == 1
    assert sorted(e["type"] for e in profile_events(client, first["profile_id"])) == ["checkout", "viewed"]


def test_e5_known_identifier_plus_new_one_adds_new_identifier(client: httpx.Client, track: Track) -> None:
    """S1: "Any additional identifier information provided is added to the profile"."""
    first = track(identifiers=ids(("email", "jane@example.com")))
    second = track(identifiers=ids(("member_id", "M-7"), ("email", "jane@example.com")))
    assert second["profile_id"] == first["profile_id"]
    profile = get_profile(client, first["profile_id"])
    assert profile["identifiers"] == ids(("email", "jane@example.com"), ("member_id", "M-7"))
    by_new = client.get("/api/v2/user_profiles", params={"identifier": "shoppingnow:customer:member_id:M-7"})
    assert by_new.status_code == 200
    assert by_new.json()["profile"]["id"] == first["profile_id"]


@pytest.mark.parametrize(
    "other", [{"source": "otherapp"}, {"type": "visitor"}], ids=["other-source", "other-type"]
)
def test_e5_identifier_in_another_source_or_type_does_not_match(
    client: httpx.Client, track: Track, other: dict[str, str]
) -> None:
    """S2, S5: a profile is identified by source + type + identifier; the same identifier in
    another source or type is another profile."""
    first = track("jane@example.com")
    second = track("jane@example.com", profile=other)
    assert second["profile_id"] != first["profile_id"]
    assert len(state(client)["profiles"]) == 2
    profile = get_profile(client, second["profile_id"])
    assert profile["source"] == other.get("source", "shoppingnow")
    assert profile["type"] == other.get("type", "customer")


# Linking profiles to users


def test_new_profile_links_to_seeded_user_with_matching_identity(client: httpx.Client, track: Track) -> None:
    """S2, seed 000: "If the API finds a user in Zendesk who shares an identifier listed in the
    profile's identifiers array, it automatically associates the new profile ... with that user"."""
    seed(client, jane())
    answer = track("jane@example.com")
    assert answer["user_id"] == "123"
    assert get_profile(client, answer["profile_id"])["user_id"] == "123"
    assert [u["id"] for u in state(client)["users"]] == ["123"]


@pytest.mark.parametrize(
    ("id_type", "value"),
    [
        ("email", "jane.other@example.com"),
        ("phone_number", "+15555550100"),
        ("external_id", "ext-42"),
        ("twitter", "janesmith"),
        ("facebook", "jane.fb"),
        ("sdk", "sdk-abc"),
    ],
)
def test_standard_identifier_added_to_profile_becomes_user_identity(
    client: httpx.Client, track: Track, id_type: str, value: str
) -> None:
    """S2: "Any email, phone, Facebook, SDK or X identifier added to a profile is automatically added
    as an identity to the user ... Any external ID identifier is ... added as the external_id"."""
    seed(client, jane())
    track(identifiers=ids(("email", "jane@example.com"), (id_type, value)))
    assert {"type": id_type, "value": value} in user_of(client, "123")["identities"]


def test_standard_identifier_added_by_later_event_becomes_user_identity(
    client: httpx.Client, track: Track
) -> None:
    """S2: standard identifiers added to an existing profile are added to its user as identities."""
    seed(client, jane())
    track("jane@example.com")
    track(identifiers=ids(("email", "jane@example.com"), ("phone_number", "+15555550100")))
    assert user_of(client, "123")["identities"] == ids(
        ("email", "jane@example.com"), ("phone_number", "+15555550100")
    )


def test_non_standard_identifier_does_not_become_user_identity(client: httpx.Client, track: Track) -> None:
    """S2: only email, phone, Facebook, SDK, X (twitter) and external id identifiers reach the user."""
    seed(client, jane())
    answer = track(identifiers=ids(("email", "jane@example.com"), ("member_id", "M-7")))
    assert user_of(client, "123")["identities"] == ids(("email", "jane@example.com"))
    assert {"type": "member_id", "value": "M-7"} in get_profile(client, answer["profile_id"])["identifiers"]


def test_profiles_of_two_sources_with_same_email_share_a_user(client: httpx.Client, track: Track) -> None:
    """S2: a new profile links to the user who has a matching identity; the first profile's email
    became that (anonymous) user's identity."""
    first = track("jane@example.com", profile={"source": "shoppingnow"})
    second = track("jane@example.com", profile={"source": "otherapp"})
    assert second["profile_id"] != first["profile_id"]
    assert second["user_id"] == first["user_id"]
    assert len(state(client)["users"]) == 1
    listed = client.get(f"/api/v2/users/{first['user_id']}/profiles").json()["profiles"]
    assert [p["id"] for p in listed] == [first["profile_id"], second["profile_id"]]


def test_identifiers_of_two_users_are_409_user_conflict(client: httpx.Client) -> None:
    """S2: "all the identifiers should belong to a single user ... When identifiers for multiple users
    are provided, the request will fail"; emulator choice: 409 UserConflict."""
    seed(client, jane("123", "jane@example.com"), jane("456", "john@example.com"))
    body = track_body(identifiers=ids(("email", "jane@example.com"), ("email", "john@example.com")))
    response = post(client, body)
    assert response.status_code == 409
    assert error_code(response) == "UserConflict"
    assert state(client)["profiles"] == []


def test_adding_another_users_identifier_to_a_profile_is_409_user_conflict(
    client: httpx.Client, track: Track
) -> None:
    """S2: all identifiers of a profile belong to a single user; emulator choice: 409 UserConflict."""
    seed(client, jane("123", "jane@example.com"), jane("456", "john@example.com"))
    answer = track("jane@example.com")
    body = track_body(identifiers=ids(("email", "jane@example.com"), ("email", "john@example.com")))
    response = post(client, body)
    assert response.status_code == 409
    assert error_code(response) == "UserConflict"
    assert get_profile(client, answer["profile_id"])["identifiers"] == ids(("email", "jane@example.com"))


def test_identifiers_matching_two_profiles_of_same_source_type_are_409_identifier_conflict(
    client: httpx.Client, track: Track
) -> None:
    """S2: "all the identifiers should belong to a single user and a single profile"; emulator
    choice: 409 IdentifierConflict."""
    track(identifiers=ids(("member_id", "A")))
    track(identifiers=ids(("member_id", "B")))
    response = post(client, track_body(identifiers=ids(("member_id", "A"), ("member_id", "B"))))
    assert response.status_code == 409
    assert error_code(response) == "IdentifierConflict"


def test_e5_identifiers_differing_only_in_email_case_are_stored_once(client: httpx.Client) -> None:
    """S2: email values are lowercased when written, so "Jane@Example.com" and "jane@example.com" are
    one identifier; S1: only identifiers the profile lacks are added, so it is stored once (and the
    user gets one identity, S2)."""
    body = track_body(identifiers=ids(("email", "Jane@Example.com"), ("email", "jane@example.com")))
    response = post(client, body)
    assert response.status_code == 202, response.text
    answer = response.json()
    assert get_profile(client, answer["profile_id"])["identifiers"] == ids(("email", "jane@example.com"))
    assert user_of(client, answer["user_id"])["identities"] == ids(("email", "jane@example.com"))


# Case of identifier values


@pytest.mark.parametrize(
    ("id_type", "sent", "stored"),
    [("email", "Jane.Smith@Example.COM", "jane.smith@example.com"), ("twitter", "JaneSmith", "janesmith")],
)
def test_email_and_twitter_values_are_lowercased_on_write(
    client: httpx.Client, track: Track, id_type: str, sent: str, stored: str
) -> None:
    """S2: "When the value for identifier types "email" and "twitter" are added or modified, any upper
    case letters are automatically converted to lower case"."""
    answer = track(identifiers=ids((id_type, sent)))
    assert get_profile(client, answer["profile_id"])["identifiers"] == ids((id_type, stored))
    (user,) = state(client)["users"]
    assert user["identities"] == ids((id_type, stored))


@pytest.mark.parametrize(
    ("id_type", "sent", "query"),
    [("email", "jane@example.com", "JANE@Example.com"), ("twitter", "janesmith", "JaneSmith")],
)
def test_email_and_twitter_queries_and_matches_ignore_case(
    client: httpx.Client, track: Track, id_type: str, sent: str, query: str
) -> None:
    """S2: email and twitter values are lowercased, so the value in an identifier query or a later
    event of those types matches whatever its case."""
    first = track(identifiers=ids((id_type, sent)))
    again = track(identifiers=ids((id_type, query)))
    assert again["profile_id"] == first["profile_id"]
    found = client.get(
        "/api/v2/user_profiles", params={"identifier": f"shoppingnow:customer:{id_type}:{query}"}
    )
    assert found.status_code == 200
    assert found.json()["profile"]["id"] == first["profile_id"]


@pytest.mark.parametrize(
    ("id_type", "value"),
    [("external_id", "AbC-123"), ("phone_number", "+1-555-CALL-NOW"), ("member_id", "FooBar")],
)
def test_other_identifier_types_keep_case(
    client: httpx.Client, track: Track, id_type: str, value: str
) -> None:
    """S2: only email and twitter are lowercased; other identifier values are kept and matched as sent."""
    answer = track(identifiers=ids((id_type, value)))
    assert get_profile(client, answer["profile_id"])["identifiers"] == ids((id_type, value))
    exact = client.get(
        "/api/v2/user_profiles", params={"identifier": f"shoppingnow:customer:{id_type}:{value}"}
    )
    assert exact.status_code == 200
    lowered = client.get(
        "/api/v2/user_profiles", params={"identifier": f"shoppingnow:customer:{id_type}:{value.lower()}"}
    )
    assert lowered.status_code == 404
    assert error_code(lowered) == "ProfileNotFound"
    other = track(identifiers=ids((id_type, value.lower())))
    assert other["profile_id"] != answer["profile_id"]


# Default names


@pytest.mark.parametrize(
    ("identifiers", "name"),
    [
        (ids(("member_id", "M-1"), ("email", "jane@example.com")), "jane@example.com"),
        (ids(("external_id", "0987654321")), "User 0987654321"),
        (ids(("phone_number", "+15555550100")), "User +15555550100"),
        (ids(("twitter", "janesmith")), "Twitter user janesmith"),
        (ids(("facebook", "jane.fb")), "Facebook user jane.fb"),
        (ids(("sdk", "sdk-abc")), "SDK user sdk-abc"),
        (ids(("shado", "FooBar")), "Shado user FooBar"),
    ],
    ids=["email", "external_id", "phone_number", "twitter", "facebook", "sdk", "custom"],
)
def test_profile_without_name_is_named_from_identifiers(
    client: httpx.Client, identifiers: list[dict[str, str]], name: str
) -> None:
    """S2 name table (reference 3.5): email -> the address, external_id/phone -> "User <v>", twitter ->
    "Twitter user <v>", facebook -> "Facebook user <v>", sdk -> "SDK user <v>", else 'Shado user FooBar'."""
    body = track_body(identifiers=identifiers)
    del body["profile"]["name"]
    response = post(client, body)
    assert response.status_code == 202, response.text
    assert get_profile(client, response.json()["profile_id"])["name"] == name


def test_explicit_profile_name_wins_over_default(client: httpx.Client, track: Track) -> None:
    """S2: the name is only derived from identifiers when the profile has none."""
    answer = track(identifiers=ids(("twitter", "janesmith")), profile={"name": "Jane Smith"})
    assert get_profile(client, answer["profile_id"])["name"] == "Jane Smith"


# E4: tracking against a Zendesk user


def test_e4_links_new_profile_to_path_user(client: httpx.Client) -> None:
    """S1: "Track Event Against Zendesk User and Given Profile" links the profile to the path's user;
    S2: its standard identifiers become the user's identities."""
    seed(client, {"id": "123", "name": "Jane", "identities": []})
    response = post(client, track_body("jane@example.com"), "/api/v2/users/123/events")
    assert response.status_code == 202, response.text
    answer = response.json()
    assert answer["user_id"] == "123"
    assert get_profile(client, answer["profile_id"])["user_id"] == "123"
    assert user_of(client, "123")["identities"] == ids(("email", "jane@example.com"))
    assert len(state(client)["users"]) == 1


def test_e4_existing_profile_of_path_user_gets_the_event(client: httpx.Client) -> None:
    """S1: E4 finds the profile by source, type and identifier as E5 does; it is the path user's."""
    seed(client, jane())
    first = post(client, track_body("jane@example.com"), "/api/v2/users/123/events").json()
    second = post(
        client, track_body("jane@example.com", event={"type": "refund"}), "/api/v2/users/123/events"
    )
    assert second.status_code == 202
    assert second.json() == first
    assert sorted(e["type"] for e in profile_events(client, first["profile_id"])) == ["checkout", "refund"]


def test_e4_identifier_of_another_user_is_409_user_conflict(client: httpx.Client) -> None:
    """S2: all the identifiers of a profile belong to a single user; an identity of user 456 cannot
    join a profile of user 123. Emulator choice: 409 UserConflict."""
    seed(client, jane("123", "jane@example.com"), jane("456", "john@example.com"))
    response = post(client, track_body("john@example.com"), "/api/v2/users/123/events")
    assert response.status_code == 409
    assert error_code(response) == "UserConflict"
    assert state(client)["profiles"] == []


def test_e4_unknown_user_is_404_user_not_found(client: httpx.Client) -> None:
    """S1 (E4 on a user that does not exist); emulator choice: 404 UserNotFound."""
    response = post(client, track_body(), "/api/v2/users/999/events")
    assert response.status_code == 404
    assert error_code(response) == "UserNotFound"
    assert state(client)["profiles"] == []


def test_e4_non_integer_user_id_is_400_invalid_user_id(client: httpx.Client) -> None:
    """S1: a user id "must be an integer" (Invalid attribute); emulator choice: 400 InvalidUserId."""
    response = post(client, track_body(), "/api/v2/users/abc/events")
    assert response.status_code == 400
    assert error_code(response) == "InvalidUserId"


def test_e4_profile_owned_by_another_user_is_409_profile_user_mismatch(
    client: httpx.Client, track: Track
) -> None:
    """S2: a profile belongs to a single user; emulator choice: 409 ProfileUserMismatch."""
    owned = track("jane@example.com")
    seed(client, {"id": "123", "name": "Other", "identities": []})
    response = post(client, track_body("jane@example.com"), "/api/v2/users/123/events")
    assert response.status_code == 409
    assert error_code(response) == "ProfileUserMismatch"
    assert get_profile(client, owned["profile_id"])["user_id"] == owned["user_id"]
    assert len(profile_events(client, owned["profile_id"])) == 1


def test_e5_profile_user_id_links_like_e4(client: httpx.Client) -> None:
    """Emulator choice: profile.user_id in an E5 body links the profile to that user, as E4's path does."""
    seed(client, {"id": "123", "name": "Jane", "identities": []})
    response = post(client, track_body(profile={"user_id": "123"}))
    assert response.status_code == 202, response.text
    answer = response.json()
    assert answer["user_id"] == "123"
    assert get_profile(client, answer["profile_id"])["user_id"] == "123"


def test_e5_profile_user_id_unknown_is_404_user_not_found(client: httpx.Client) -> None:
    """Emulator choice: profile.user_id acts like E4's path user, so an unknown one is 404 UserNotFound."""
    response = post(client, track_body(profile={"user_id": "999"}))
    assert response.status_code == 404
    assert error_code(response) == "UserNotFound"


def test_e5_profile_user_id_of_other_user_is_409_profile_user_mismatch(
    client: httpx.Client, track: Track
) -> None:
    """Emulator choice: profile.user_id acts like E4's path user, so another user's profile is 409."""
    track("jane@example.com")
    seed(client, {"id": "123", "name": "Other", "identities": []})
    response = post(client, track_body("jane@example.com", profile={"user_id": "123"}))
    assert response.status_code == 409
    assert error_code(response) == "ProfileUserMismatch"


# E6: tracking against a profile id


def test_e6_stores_event_against_existing_profile(client: httpx.Client, track: Track) -> None:
    """S1: "Track Event Against a Sunshine Profile by Profile ID" takes {"event": ...} only."""
    answer = track("jane@example.com")
    path = f"/api/v2/user_profiles/{answer['profile_id']}/events"
    response = post(client, event_only(type="refund", properties={"amount": "12.50"}), path)
    assert response.status_code == 202, response.text
    assert response.json() == {
        "profile_id": answer["profile_id"],
        "status": "received",
        "user_id": answer["user_id"],
    }
    refund = [e for e in profile_events(client, answer["profile_id"]) if e["type"] == "refund"]
    assert len(refund) == 1
    assert refund[0]["properties"] == {"amount": "12.50"}
    assert refund[0]["profile_id"] == answer["profile_id"]
    assert refund[0]["user_id"] == answer["user_id"]


def test_e6_unknown_profile_is_404_profile_not_found(client: httpx.Client) -> None:
    """S1: "If the profile does not exist, it will return an error" (404 example); code ProfileNotFound."""
    response = post(client, event_only(), "/api/v2/user_profiles/01E1DPYAA7HW7645KMJEY9CXRJ/events")
    assert response.status_code == 404
    assert error_code(response) == "ProfileNotFound"
    assert state(client)["events"] == []


@pytest.mark.parametrize(
    "profile",
    [
        {
            "source": "otherapp",
            "type": "visitor",
            "identifiers": [{"type": "email", "value": "x@example.com"}],
        },
        {"source": "zendesk"},
        "not an object",
    ],
    ids=["another-profile", "invalid-profile", "not-an-object"],
)
def test_e6_profile_key_in_body_is_ignored(client: httpx.Client, track: Track, profile: Any) -> None:
    """S1: E6 takes only {"event": ...}; the curl sample's profile is a leftover, so it is ignored."""
    answer = track("jane@example.com")
    before = state(client)
    body = {**event_only(type="refund"), "profile": profile}
    response = post(client, body, f"/api/v2/user_profiles/{answer['profile_id']}/events")
    assert response.status_code == 202, response.text
    assert response.json()["profile_id"] == answer["profile_id"]
    after = state(client)
    assert after["profiles"] == before["profiles"]
    assert after["users"] == before["users"]
    assert len(after["events"]) == len(before["events"]) + 1


# Timestamps


@pytest.mark.parametrize(
    "created_at",
    ["2020-02-28T18:13:28.175841347Z", "2020-01-31T00:44:07+00:00", "2020-01-31T02:44:07.5+02:00"],
)
def test_created_at_is_kept_exactly_as_sent(client: httpx.Client, track: Track, created_at: str) -> None:
    """S1, S6: created_at is the client's value ("If not set, the API sets the value"); it is read
    back as the same string."""
    answer = track(event={"created_at": created_at})
    (event,) = profile_events(client, answer["profile_id"])
    assert event["created_at"] == created_at


def test_absent_created_at_is_the_receive_time(client: httpx.Client, track: Track, clock: FakeClock) -> None:
    """S1: created_at "If not set, the API sets the value when it receives the event"."""
    body = track_body()
    del body["event"]["created_at"]
    clock.advance(1.5)
    response = post(client, body)
    assert response.status_code == 202, response.text
    (event,) = profile_events(client, response.json()["profile_id"])
    assert event["created_at"] == "2023-11-14T22:13:21.500000Z"
    assert event["received_at"] == event["created_at"]


def test_received_at_is_set_by_server_even_if_client_sends_one(
    client: httpx.Client, track: Track, clock: FakeClock
) -> None:
    """S1: received_at is read-only, the time the event was received."""
    clock.advance(2)
    answer = track(event={"received_at": "1999-01-01T00:00:00Z"})
    (event,) = profile_events(client, answer["profile_id"])
    assert event["received_at"] == "2023-11-14T22:13:22.000000Z"
    assert event["created_at"] == DOC_TRACK_BODY["event"]["created_at"]


def test_received_at_is_the_fake_clock_start(client: httpx.Client, track: Track) -> None:
    """S1: received_at is the time received; emulator format YYYY-MM-DDTHH:MM:SS.ffffffZ."""
    answer = track()
    (event,) = profile_events(client, answer["profile_id"])
    assert event["received_at"] == START


def test_properties_read_back_exactly(client: httpx.Client, track: Track) -> None:
    """S1: properties is "A custom JSON object"; nested objects, arrays, unicode read back as sent;
    emulator choice: booleans and null accepted (only numbers are rejected)."""
    properties = {
        "order": {"lines": [{"sku": "A-1", "qty": "2"}, {"sku": "B-2", "qty": "1"}], "gift": True},
        "coupon": None,
        "tags": ["new", "vip", ""],
        "paid": False,
        "note": 'Grüße, 東京 🚲 "quoted" \\ back',
        "empty": {},
    }
    answer = track(event={"properties": copy.deepcopy(properties), "description": "Ünïcode ✓"})
    (event,) = profile_events(client, answer["profile_id"])
    assert event["properties"] == properties
    assert event["description"] == "Ünïcode ✓"


# Limits


def test_twenty_profiles_per_user_then_409_profile_limit_exceeded(client: httpx.Client, track: Track) -> None:
    """S15: at most 20 profiles per person; S2: "When creating a new profile for a user exceeds the
    maximum number of profiles, the request will fail"; emulator choice: 409 ProfileLimitExceeded."""
    answers = [track("jane@example.com", profile={"source": f"app{i}"}) for i in range(20)]
    assert len({a["user_id"] for a in answers}) == 1
    response = post(client, track_body("jane@example.com", profile={"source": "app20"}))
    assert response.status_code == 409
    assert error_code(response) == "ProfileLimitExceeded"
    listed = client.get(f"/api/v2/users/{answers[0]['user_id']}/profiles").json()["profiles"]
    assert len(listed) == 20


def test_identifiers_exceeding_twenty_through_merging_is_409_identifier_limit_exceeded(
    client: httpx.Client, track: Track
) -> None:
    """S14: a profile has at most 20 identifiers; emulator choice: 409 IdentifierLimitExceeded when
    an event's new identifiers would take it past 20."""
    first = [("member_id", f"m{i}") for i in range(15)]
    answer = track(identifiers=ids(*first))
    more = [("member_id", "m0")] + [("alias", f"a{i}") for i in range(6)]
    response = post(client, track_body(identifiers=ids(*more)))
    assert response.status_code == 409
    assert error_code(response) == "IdentifierLimitExceeded"
    assert get_profile(client, answer["profile_id"])["identifiers"] == ids(*first)


def test_exactly_twenty_identifiers_through_merging_is_accepted(client: httpx.Client, track: Track) -> None:
    """S14: a profile has at most 20 identifiers, so exactly 20 is fine."""
    first = [("member_id", f"m{i}") for i in range(15)]
    answer = track(identifiers=ids(*first))
    more = [("member_id", "m0")] + [("alias", f"a{i}") for i in range(5)]
    response = post(client, track_body(identifiers=ids(*more)))
    assert response.status_code == 202, response.text
    assert response.json()["profile_id"] == answer["profile_id"]
    identifiers = get_profile(client, answer["profile_id"])["identifiers"]
    assert len(identifiers) == 20
    assert identifiers == ids(*first, *more[1:])


# Atomicity


Refusal = tuple[str, dict[str, Any]]


def _user_conflict(client: httpx.Client, track: Track) -> Refusal:
    seed(client, jane("123", "jane@example.com"), jane("456", "john@example.com"))
    track("jane@example.com")
    return TRACK, track_body(identifiers=ids(("email", "jane@example.com"), ("email", "john@example.com")))


def _user_conflict_new_profile(client: httpx.Client, track: Track) -> Refusal:
    seed(client, jane("123", "jane@example.com"), jane("456", "john@example.com"))
    track("jane@example.com")
    body = track_body(
        identifiers=ids(("member_id", "X"), ("email", "jane@example.com"), ("email", "john@example.com")),
        profile={"source": "otherapp"},
    )
    return TRACK, body


def _identifier_conflict(client: httpx.Client, track: Track) -> Refusal:
    track(identifiers=ids(("member_id", "A")))
    track(identifiers=ids(("member_id", "B")))
    return TRACK, track_body(
        identifiers=ids(("member_id", "A"), ("member_id", "B"), ("email", "c@example.com"))
    )


def _profile_limit(client: httpx.Client, track: Track) -> Refusal:
    for i in range(20):
        track("jane@example.com", profile={"source": f"app{i}"})
    body = track_body(identifiers=ids(("email", "jane@example.com"), ("phone_number", "+15555550100")))
    body["profile"]["source"] = "app20"
    return TRACK, body


def _identifier_limit(client: httpx.Client, track: Track) -> Refusal:
    track(identifiers=ids(*[("member_id", f"m{i}") for i in range(15)]))
    more = [("member_id", "m0"), ("email", "new@example.com")] + [("alias", f"a{i}") for i in range(5)]
    return TRACK, track_body(identifiers=ids(*more))


def _profile_user_mismatch(client: httpx.Client, track: Track) -> Refusal:
    track("jane@example.com")
    seed(client, {"id": "123", "name": "Other", "identities": []})
    body = track_body(identifiers=ids(("email", "jane@example.com"), ("phone_number", "+15555550100")))
    return "/api/v2/users/123/events", body


@pytest.mark.parametrize(
    ("provoke", "code"),
    [
        (_user_conflict, "UserConflict"),
        (_user_conflict_new_profile, "UserConflict"),
        (_identifier_conflict, "IdentifierConflict"),
        (_profile_limit, "ProfileLimitExceeded"),
        (_identifier_limit, "IdentifierLimitExceeded"),
        (_profile_user_mismatch, "ProfileUserMismatch"),
    ],
    ids=lambda value: getattr(value, "__name__", value).strip("_"),
)
def test_refused_track_leaves_no_trace(
    client: httpx.Client, track: Track, provoke: Callable[[httpx.Client, Track], Refusal], code: str
) -> None:
    """Emulator choice (conflicts are 409) and docs/emulator.md: every operation validates completely
    before it writes, so a refused request changes no user, profile or event."""
    path, body = provoke(client, track)
    before = state(client)
    response = post(client, body, path)
    assert response.status_code == 409, response.text
    assert error_code(response) == code
    assert state(client) == before
