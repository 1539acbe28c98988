"""The Profiles API through HTTP: P1-P9 (``/api/v2/users/{user_id}/profiles`` and
``/api/v2/user_profiles``), and 405 answers on every API path.

Sources are cited as in ``/work/shared/reference/zendesk-events-api.md`` (S2 = Profiles API
reference, S9 = Creating profiles, S10 = Updating profiles, S11 = How profiles affect existing
data, S12 = Deleting events, ...); "emulator choice" points at the table of choices in
``docs/emulator.md``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from helpers import TRACK, FakeClock, error_code, get_profile, ids, seed, state, track_body, user_of

PROFILES = "/api/v2/user_profiles"
QUERY = "shoppingnow:customer:email:jane@example.com"
START = "2023-11-14T22:13:20.000000Z"  # FakeClock's start, 1_700_000_000 s
UNKNOWN_ID = "01E1DPYAA7HW7645KMJEY9CXRJ"

Track = Callable[..., dict[str, Any]]


# Helpers local to this file


def user(user_id: str = "123", *identities: tuple[str, str]) -> dict[str, Any]:
    return {"id": user_id, "name": f"User {user_id}", "identities": ids(*identities)}


def put(
    client: httpx.Client, path: str, profile: dict[str, Any], identifier: str | None = None
) -> httpx.Response:
    params = {} if identifier is None else {"identifier": identifier}
    return client.put(path, params=params, json={"profile": profile})


def create(
    client: httpx.Client,
    identifier: str = QUERY,
    *,
    name: str | None = "Jane Smith",
    attributes: dict[str, Any] | None = None,
    identifiers: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """Create a profile with P5 and return it."""
    profile: dict[str, Any] = {"identifiers": identifiers or ids(("external_id", "X1"))}
    if name is not None:
        profile["name"] = name
    if attributes is not None:
        profile["attributes"] = attributes
    response = put(client, PROFILES, profile, identifier)
    assert response.status_code == 201, response.text
    return response.json()["profile"]


def patch(
    client: httpx.Client, profile: dict[str, Any], how: str, content_type: str = "application/json"
) -> httpx.Response:
    """PATCH ``{"profile": profile}`` by id (P7) or by the identifier QUERY (P8)."""
    if how == "by_id":
        found = client.get(PROFILES, params={"identifier": QUERY}).json()["profile"]
        path, params = f"{PROFILES}/{found['id']}", {}
    else:
        path, params = PROFILES, {"identifier": QUERY}
    body = json.dumps({"profile": profile})
    return client.patch(path, params=params, content=body, headers={"Content-Type": content_type})


BY = pytest.mark.parametrize("how", ["by_id", "by_identifier"])


# P1: profiles of a user


def test_p1_lists_user_profiles_oldest_first(client: httpx.Client, track: Track, clock: FakeClock) -> None:
    """S2 "Get Profiles by User ID" answers {"profiles": [...]}; emulator: in creation order, oldest
    first, however they were updated since."""
    seed(client, user("123", ("email", "jane@example.com")))
    made = []
    for source in ("bravo", "alpha", "charlie"):
        made.append(track("jane@example.com", profile={"source": source})["profile_id"])
        clock.advance(10)
    touched = client.patch(f"{PROFILES}/{made[0]}", json={"profile": {"name": "Renamed"}})
    assert touched.status_code == 200
    response = client.get("/api/v2/users/123/profiles")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"profiles"}
    assert [p["id"] for p in body["profiles"]] == made
    assert [p["source"] for p in body["profiles"]] == ["bravo", "alpha", "charlie"]
    assert body["profiles"][0] == get_profile(client, made[0])
    assert all(p["user_id"] == "123" for p in body["profiles"])


def test_p1_user_without_profiles_is_empty_list(client: httpx.Client) -> None:
    """S2: "Get Profiles by User ID" answers {"profiles": [...]}, here empty."""
    seed(client, user("123"))
    response = client.get("/api/v2/users/123/profiles")
    assert response.status_code == 200
    assert response.json() == {"profiles": []}


def test_p1_unknown_user_is_404_user_not_found(client: httpx.Client) -> None:
    """Emulator choice (error codes): an unknown user is 404 UserNotFound."""
    response = client.get("/api/v2/users/999/profiles")
    assert response.status_code == 404
    assert error_code(response) == "UserNotFound"


# P2, P3: one profile


def test_p2_gets_profile_by_id_with_every_field(client: httpx.Client, track: Track) -> None:
    """S2, S7: a profile has id, source, type, name, user_id (a string), identifiers, attributes,
    created_at and updated_at, wrapped as {"profile": {...}}."""
    answer = track(profile={"attributes": {"tier": "gold"}})
    response = client.get(f"{PROFILES}/{answer['profile_id']}")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"profile"}
    assert body["profile"] == {
        "id": answer["profile_id"],
        "source": "shoppingnow",
        "type": "customer",
        "name": "Jane Smith",
        "user_id": answer["user_id"],
        "identifiers": ids(("email", "jane@example.com")),
        "attributes": {"tier": "gold"},
        "created_at": START,
        "updated_at": START,
    }


def test_p2_unknown_id_is_404_profile_not_found(client: httpx.Client) -> None:
    """S2: Get Profile by ID answers 404 when there is none; emulator code ProfileNotFound."""
    response = client.get(f"{PROFILES}/{UNKNOWN_ID}")
    assert response.status_code == 404
    assert error_code(response) == "ProfileNotFound"


@pytest.mark.parametrize(
    "query",
    [
        "shoppingnow:customer:email:jane@example.com",
        "shoppingnow%3Acustomer%3Aemail%3Ajane%40example.com",
    ],
    ids=["raw", "percent-encoded"],
)
def test_p3_gets_profile_by_identifier_raw_or_percent_encoded(
    client: httpx.Client, track: Track, query: str
) -> None:
    """S1, S2: the generated samples percent-encode the identifier query; S4, S13 send raw colons
    and @ with curl -g. Both find the profile."""
    answer = track("jane@example.com")
    response = client.get(f"{PROFILES}?identifier={query}")
    assert response.status_code == 200, response.text
    assert response.json()["profile"]["id"] == answer["profile_id"]
    (entry,) = [e for e in client.get("/__zdevents/requests").json()["requests"] if e["path"] == PROFILES]
    assert entry["query"] == f"identifier={query}"


def test_p3_value_may_contain_colons(client: httpx.Client, track: Track) -> None:
    """Emulator choice: identifier queries split on the first three colons; the value keeps the rest."""
    answer = track(identifiers=ids(("urn", "x:y:z")))
    response = client.get(PROFILES, params={"identifier": "shoppingnow:customer:urn:x:y:z"})
    assert response.status_code == 200
    assert response.json()["profile"]["id"] == answer["profile_id"]


@pytest.mark.parametrize(
    "query",
    [
        "shoppingnow:customer:email:nobody@example.com",
        "otherapp:customer:email:jane@example.com",
        "shoppingnow:visitor:email:jane@example.com",
        "shoppingnow:customer:external_id:jane@example.com",
    ],
    ids=["other-value", "other-source", "other-type", "other-identifier-type"],
)
def test_p3_unknown_identifier_is_404_profile_not_found(
    client: httpx.Client, track: Track, query: str
) -> None:
    """S2: Get Profile by Identifier answers 404 when no profile matches all four parts."""
    track("jane@example.com")
    response = client.get(PROFILES, params={"identifier": query})
    assert response.status_code == 404
    assert error_code(response) == "ProfileNotFound"


# P5: PUT by identifier


def test_p5_put_creates_profile_201(client: httpx.Client) -> None:
    """S2: "Create or Update Profile by Identifier" answers 201 when it creates; emulator choice:
    source and type come from the query (the body's are ignored) and the query's identifier is
    among the identifiers."""
    body = {
        "source": "ignoredsource",
        "type": "ignoredtype",
        "name": "Jane Smith",
        "attributes": {"tier": "gold", "address": {"city": "San Francisco"}},
        "identifiers": ids(("external_id", "X1")),
    }
    response = put(client, PROFILES, body, QUERY)
    assert response.status_code == 201, response.text
    profile = response.json()["profile"]
    assert profile["source"] == "shoppingnow"
    assert profile["type"] == "customer"
    assert profile["name"] == "Jane Smith"
    assert profile["attributes"] == {"tier": "gold", "address": {"city": "San Francisco"}}
    assert profile["identifiers"] == ids(("email", "jane@example.com"), ("external_id", "X1"))
    assert isinstance(profile["user_id"], str)
    assert profile["created_at"] == profile["updated_at"] == START
    assert get_profile(client, profile["id"]) == profile
    assert client.get(PROFILES, params={"identifier": QUERY}).json()["profile"]["id"] == profile["id"]
    (created_user,) = state(client)["users"]
    assert created_user["name"] == "sunshine_user"
    assert created_user["identities"] == ids(("email", "jane@example.com"), ("external_id", "X1"))
    missing = client.get(PROFILES, params={"identifier": "ignoredsource:ignoredtype:external_id:X1"})
    assert missing.status_code == 404


def test_p5_put_links_new_profile_to_user_with_matching_identity(client: httpx.Client) -> None:
    """S2: a new profile links to the Zendesk user who has an identity matching a standard identifier."""
    seed(client, user("123", ("email", "jane@example.com")))
    profile = create(client)
    assert profile["user_id"] == "123"


def test_p5_put_existing_replaces_profile_200(client: httpx.Client, clock: FakeClock) -> None:
    """S9, S11: PUT on a matching profile "replaces the existing profile ... any data that's not
    included in the new version is lost"; emulator choice: the query's identifier is kept."""
    old = create(
        client,
        attributes={"tier": "gold", "city": "Paris"},
        identifiers=ids(("external_id", "X1"), ("member_id", "M1")),
    )
    clock.advance(30)
    response = put(
        client, PROFILES, {"identifiers": ids(("member_id", "M2")), "attributes": {"city": "Rome"}}, QUERY
    )
    assert response.status_code == 200, response.text
    profile = response.json()["profile"]
    assert profile["id"] == old["id"]
    assert profile["attributes"] == {"city": "Rome"}
    assert profile["name"] == "jane@example.com"  # the old name was not sent: it is gone
    assert profile["identifiers"] == ids(("email", "jane@example.com"), ("member_id", "M2"))
    assert profile["created_at"] == old["created_at"] == START
    assert profile["updated_at"] == "2023-11-14T22:13:50.000000Z"
    assert get_profile(client, old["id"]) == profile
    for dropped in ("shoppingnow:customer:external_id:X1", "shoppingnow:customer:member_id:M1"):
        gone = client.get(PROFILES, params={"identifier": dropped})
        assert gone.status_code == 404, dropped
    assert len(state(client)["profiles"]) == 1


def test_p5_put_without_attributes_clears_them(client: httpx.Client) -> None:
    """S9, S11: data not included in a PUT is lost, attributes included."""
    old = create(client, attributes={"tier": "gold"})
    response = put(client, PROFILES, {"name": "Jane", "identifiers": ids(("external_id", "X1"))}, QUERY)
    assert response.status_code == 200
    assert response.json()["profile"]["attributes"] == {}
    assert get_profile(client, old["id"])["attributes"] == {}


def test_p5_put_replace_adds_new_standard_identities_and_keeps_dropped_ones(client: httpx.Client) -> None:
    """S11: on replace, additional standard identifiers are added to the user record; fewer standard
    identifiers leave the user record unchanged."""
    old = create(client, identifiers=ids(("phone_number", "+15555550100")))
    response = put(client, PROFILES, {"identifiers": ids(("twitter", "JaneSmith"))}, QUERY)
    assert response.status_code == 200
    assert user_of(client, old["user_id"])["identities"] == ids(
        ("email", "jane@example.com"), ("phone_number", "+15555550100"), ("twitter", "janesmith")
    )


def test_p5_put_replace_with_another_value_of_a_standard_type_leaves_the_user(client: httpx.Client) -> None:
    """S11: "a matching standard identifier type ... but the identifier value is different": no
    changes are made to the Zendesk user record, so the new value is not added; emulator choice: a
    new value beside the old one of its type is additional, and is added."""
    old = create(client, identifiers=ids(("phone_number", "+15555550100")))
    response = put(client, PROFILES, {"identifiers": ids(("phone_number", "+15555550199"))}, QUERY)
    assert response.status_code == 200
    identities = ids(("email", "jane@example.com"), ("phone_number", "+15555550100"))
    assert user_of(client, old["user_id"])["identities"] == identities
    both = ids(("phone_number", "+15555550199"), ("phone_number", "+15555550142"))
    assert put(client, PROFILES, {"identifiers": both}, QUERY).status_code == 200
    assert user_of(client, old["user_id"])["identities"] == [
        *identities,
        *ids(("phone_number", "+15555550142")),
    ]


def test_p5_put_identifier_of_another_profile_is_409_identifier_conflict(client: httpx.Client) -> None:
    """S2: identifiers belong to a single profile; emulator choice: 409 IdentifierConflict."""
    create(client, identifiers=ids(("member_id", "M1")))
    create(client, "shoppingnow:customer:email:john@example.com", identifiers=ids(("member_id", "M2")))
    before = state(client)
    response = put(client, PROFILES, {"identifiers": ids(("member_id", "M2"))}, QUERY)
    assert response.status_code == 409
    assert error_code(response) == "IdentifierConflict"
    assert state(client) == before


# P4: PUT by user id


def test_p4_put_by_user_id_creates_profile_linked_to_user(client: httpx.Client) -> None:
    """S2: "Create or Update Profile by User ID" links the profile to the path's user (201 when it
    creates); S2: its standard identifiers become that user's identities."""
    seed(client, user("123"))
    response = put(client, "/api/v2/users/123/profiles", {"identifiers": ids(("member_id", "M1"))}, QUERY)
    assert response.status_code == 201, response.text
    profile = response.json()["profile"]
    assert profile["user_id"] == "123"
    assert profile["source"] == "shoppingnow" and profile["type"] == "customer"
    assert profile["identifiers"] == ids(("email", "jane@example.com"), ("member_id", "M1"))
    assert user_of(client, "123")["identities"] == ids(("email", "jane@example.com"))
    listed = client.get("/api/v2/users/123/profiles").json()["profiles"]
    assert [p["id"] for p in listed] == [profile["id"]]
    assert [u["id"] for u in state(client)["users"]] == ["123"]


def test_p4_put_by_user_id_replaces_that_users_profile_200(client: httpx.Client) -> None:
    """S2: "Create or Update Profile by User ID" answers 200 when it updates; S9: a full replace."""
    seed(client, user("123"))
    first = put(
        client, "/api/v2/users/123/profiles", {"name": "A", "identifiers": ids(("member_id", "M1"))}, QUERY
    )
    assert first.status_code == 201
    again = put(client, "/api/v2/users/123/profiles", {"identifiers": ids(("member_id", "M2"))}, QUERY)
    assert again.status_code == 200
    profile = again.json()["profile"]
    assert profile["id"] == first.json()["profile"]["id"]
    assert profile["name"] == "jane@example.com"
    assert profile["identifiers"] == ids(("email", "jane@example.com"), ("member_id", "M2"))


def test_p4_twenty_first_profile_of_user_is_409_profile_limit_exceeded(client: httpx.Client) -> None:
    """S15: at most 20 profiles per person; S2: creating one more "will fail"; emulator choice: 409
    ProfileLimitExceeded."""
    seed(client, user("123"))
    for i in range(20):
        made = put(
            client,
            "/api/v2/users/123/profiles",
            {"identifiers": ids(("member_id", "M"))},
            f"app{i}:customer:email:j@x.com",
        )
        assert made.status_code == 201, made.text
    before = state(client)
    response = put(
        client,
        "/api/v2/users/123/profiles",
        {"identifiers": ids(("member_id", "M"))},
        "app20:customer:email:j@x.com",
    )
    assert response.status_code == 409
    assert error_code(response) == "ProfileLimitExceeded"
    assert state(client) == before


def test_p4_unknown_user_is_404_user_not_found(client: httpx.Client) -> None:
    """Emulator choice (error codes): PUT by an unknown user id is 404 UserNotFound."""
    response = put(client, "/api/v2/users/999/profiles", {"identifiers": ids(("member_id", "M1"))}, QUERY)
    assert response.status_code == 404
    assert error_code(response) == "UserNotFound"
    assert state(client)["profiles"] == []


def test_p4_other_users_profile_is_409_profile_user_mismatch(client: httpx.Client) -> None:
    """S2: a profile belongs to one user; emulator choice: 409 ProfileUserMismatch."""
    old = create(client)
    seed(client, user("123"))
    before = state(client)
    response = put(client, "/api/v2/users/123/profiles", {"identifiers": ids(("member_id", "M1"))}, QUERY)
    assert response.status_code == 409
    assert error_code(response) == "ProfileUserMismatch"
    assert get_profile(client, old["id"])["user_id"] == old["user_id"]
    assert state(client) == before


# P6: PUT by id


def test_p6_put_by_id_replaces_profile(client: httpx.Client, clock: FakeClock) -> None:
    """S2 "Update Profile by Profile ID"; S9, S11: the profile becomes exactly what is sent."""
    old = create(client, attributes={"tier": "gold"}, identifiers=ids(("external_id", "X1")))
    clock.advance(5)
    response = put(
        client,
        f"{PROFILES}/{old['id']}",
        {"name": "New Name", "attributes": {"plan": "pro"}, "identifiers": ids(("member_id", "M9"))},
    )
    assert response.status_code == 200, response.text
    profile = response.json()["profile"]
    assert profile["id"] == old["id"]
    assert profile["source"] == "shoppingnow" and profile["type"] == "customer"
    assert profile["name"] == "New Name"
    assert profile["attributes"] == {"plan": "pro"}
    assert profile["identifiers"] == ids(("member_id", "M9"))
    assert profile["updated_at"] == "2023-11-14T22:13:25.000000Z"
    assert profile["created_at"] == START
    assert get_profile(client, old["id"]) == profile
    assert client.get(PROFILES, params={"identifier": QUERY}).status_code == 404


def test_p6_put_repeated_identifier_is_stored_once(client: httpx.Client) -> None:
    """S2: within one source and type an identifier belongs to one profile, and S10 adds only
    identifiers a profile lacks: an identifier sent twice (or twice up to email case, S2) is one
    identifier of the profile."""
    old = create(client)
    body = {
        "identifiers": ids(
            ("member_id", "M1"), ("member_id", "M1"), ("email", "A@x.com"), ("email", "a@x.com")
        )
    }
    response = put(client, f"{PROFILES}/{old['id']}", body)
    assert response.status_code == 200, response.text
    assert response.json()["profile"]["identifiers"] == ids(("member_id", "M1"), ("email", "a@x.com"))


def test_p6_unknown_id_is_404_profile_not_found(client: httpx.Client) -> None:
    """S2: "Update Profile by Profile ID" lists 404; emulator code ProfileNotFound."""
    response = put(client, f"{PROFILES}/{UNKNOWN_ID}", {"identifiers": ids(("member_id", "M1"))})
    assert response.status_code == 404
    assert error_code(response) == "ProfileNotFound"
    assert state(client)["profiles"] == []


# P7, P8: PATCH


@BY
def test_patch_merges_attributes_key_by_key(client: httpx.Client, how: str) -> None:
    """S10: "attributes are merged, never replaced: new keys are added, existing keys updated"."""
    create(client, attributes={"tier": "gold", "city": "Paris"})
    response = patch(client, {"attributes": {"city": "Rome", "plan": "pro"}}, how)
    assert response.status_code == 200, response.text
    profile = response.json()["profile"]
    assert profile["attributes"] == {"tier": "gold", "city": "Rome", "plan": "pro"}
    assert profile["name"] == "Jane Smith"
    assert profile["identifiers"] == ids(("email", "jane@example.com"), ("external_id", "X1"))


@BY
def test_patch_sets_name_and_keeps_the_rest(client: httpx.Client, how: str) -> None:
    """S10: name is editable by PATCH; what is not sent stays."""
    create(client, attributes={"tier": "gold"})
    response = patch(client, {"name": "Jane S."}, how)
    assert response.status_code == 200, response.text
    profile = response.json()["profile"]
    assert profile["name"] == "Jane S."
    assert profile["attributes"] == {"tier": "gold"}
    assert profile["identifiers"] == ids(("email", "jane@example.com"), ("external_id", "X1"))


@BY
def test_patch_null_attribute_removes_key(client: httpx.Client, how: str) -> None:
    """Emulator choice: a PATCH attributes key set to null removes the key (JSON merge patch, RFC 7396)."""
    created = create(client, attributes={"tier": "gold", "city": "Paris"})
    response = patch(client, {"attributes": {"city": None, "absent": None}}, how)
    assert response.status_code == 200, response.text
    assert response.json()["profile"]["attributes"] == {"tier": "gold"}
    assert get_profile(client, created["id"])["attributes"] == {"tier": "gold"}


@BY
def test_patch_identifiers_are_only_added(client: httpx.Client, how: str) -> None:
    """S10: identifiers can only be added; "Attempting to update one ... adds a new identifier rather
    than updating"; a new standard identifier also becomes an identity of the user."""
    created = create(client)
    response = patch(
        client, {"identifiers": ids(("external_id", "X2"), ("phone_number", "+15555550100"))}, how
    )
    assert response.status_code == 200, response.text
    profile = response.json()["profile"]
    assert profile["identifiers"] == ids(
        ("email", "jane@example.com"),
        ("external_id", "X1"),
        ("external_id", "X2"),
        ("phone_number", "+15555550100"),
    )
    for query in ("shoppingnow:customer:external_id:X1", "shoppingnow:customer:external_id:X2"):
        assert client.get(PROFILES, params={"identifier": query}).json()["profile"]["id"] == created["id"]
    assert {"type": "phone_number", "value": "+15555550100"} in user_of(client, created["user_id"])[
        "identities"
    ]


@BY
def test_patch_ignores_source_type_and_user_id(client: httpx.Client, how: str) -> None:
    """S10: source, type and user_id are read-only and ignored, not rejected."""
    created = create(client)
    seed(client, user("123"))
    response = patch(client, {"source": "otherapp", "type": "visitor", "user_id": "123", "name": "J"}, how)
    assert response.status_code == 200, response.text
    profile = response.json()["profile"]
    assert (profile["source"], profile["type"], profile["user_id"]) == (
        "shoppingnow",
        "customer",
        created["user_id"],
    )
    assert profile["name"] == "J"
    assert client.get("/api/v2/users/123/profiles").json() == {"profiles": []}


@BY
@pytest.mark.parametrize(
    "content_type",
    ["application/json", "application/merge-patch+json", "application/merge-patch+json; charset=utf-8"],
)
def test_patch_accepts_json_and_merge_patch_json(client: httpx.Client, how: str, content_type: str) -> None:
    """S2 calls PATCH a JSON merge patch, S10's curl sample sends application/json; emulator choice:
    PATCH accepts both."""
    create(client)
    response = patch(client, {"attributes": {"tier": "silver"}}, how, content_type)
    assert response.status_code == 200, response.text
    assert response.json()["profile"]["attributes"] == {"tier": "silver"}


def test_patch_other_content_type_is_415(client: httpx.Client) -> None:
    """Emulator choice: a write body must be application/json (PATCH also merge-patch+json), else 415."""
    create(client)
    response = patch(client, {"name": "X"}, "by_identifier", "text/plain")
    assert response.status_code == 415
    assert error_code(response) == "UnsupportedMediaType"


@BY
def test_patch_past_twenty_identifiers_is_409_identifier_limit_exceeded(
    client: httpx.Client, how: str
) -> None:
    """S14: a profile has at most 20 identifiers; emulator choice: 409 IdentifierLimitExceeded, and
    the refused PATCH changes nothing."""
    created = create(client, identifiers=ids(*[("member_id", f"m{i}") for i in range(17)]))
    assert len(created["identifiers"]) == 18
    before = state(client)
    response = patch(client, {"name": "X", "identifiers": ids(*[("alias", f"a{i}") for i in range(3)])}, how)
    assert response.status_code == 409
    assert error_code(response) == "IdentifierLimitExceeded"
    assert state(client) == before
    exactly = patch(client, {"identifiers": ids(("alias", "a0"), ("alias", "a1"))}, how)
    assert exactly.status_code == 200
    assert len(exactly.json()["profile"]["identifiers"]) == 20


@BY
def test_patch_identifier_of_another_profile_is_409_and_changes_nothing(
    client: httpx.Client, how: str
) -> None:
    """S2: an identifier belongs to a single profile; emulator choice: 409 IdentifierConflict, and
    the refused PATCH leaves name and attributes as they were."""
    create(client, attributes={"tier": "gold"})
    create(client, "shoppingnow:customer:email:john@example.com", identifiers=ids(("member_id", "M2")))
    before = state(client)
    response = patch(
        client, {"name": "X", "attributes": {"tier": None}, "identifiers": ids(("member_id", "M2"))}, how
    )
    assert response.status_code == 409
    assert error_code(response) == "IdentifierConflict"
    assert state(client) == before


def test_p7_unknown_id_is_404_profile_not_found(client: httpx.Client) -> None:
    """S10: PATCH answers 404 if the profile is not found; emulator code ProfileNotFound."""
    response = client.patch(f"{PROFILES}/{UNKNOWN_ID}", json={"profile": {"name": "X"}})
    assert response.status_code == 404
    assert error_code(response) == "ProfileNotFound"


def test_p8_unknown_identifier_is_404_profile_not_found(client: httpx.Client) -> None:
    """S10: PATCH answers 404 if the profile is not found, and does not create one."""
    response = client.patch(PROFILES, params={"identifier": QUERY}, json={"profile": {"name": "X"}})
    assert response.status_code == 404
    assert error_code(response) == "ProfileNotFound"
    assert state(client)["profiles"] == []


@BY
def test_patch_moves_updated_at_not_created_at(client: httpx.Client, clock: FakeClock, how: str) -> None:
    """S2, S7: updated_at is the last change, created_at the creation; both read-only."""
    created = create(client)
    assert created["created_at"] == created["updated_at"] == START
    clock.advance(60)
    response = patch(client, {"name": "Later"}, how)
    assert response.status_code == 200
    profile = response.json()["profile"]
    assert profile["created_at"] == START
    assert profile["updated_at"] == "2023-11-14T22:14:20.000000Z"
    assert get_profile(client, created["id"])["updated_at"] == "2023-11-14T22:14:20.000000Z"


# P9: DELETE


def test_p9_delete_answers_204_with_empty_body(client: httpx.Client, track: Track) -> None:
    """S2, S12: "Delete Profile by Profile ID" answers 204 (body shown as null)."""
    answer = track()
    response = client.delete(f"{PROFILES}/{answer['profile_id']}")
    assert response.status_code == 204
    assert response.content == b""


def test_p9_deleted_profile_and_its_events_are_gone(client: httpx.Client, track: Track) -> None:
    """S12: "Deleting a profile is the only way to delete events": the profile and its events go;
    the user's other profiles and their events stay."""
    doomed = track("jane@example.com", event={"type": "doomed"})
    kept = track("jane@example.com", event={"type": "kept"}, profile={"source": "otherapp"})
    assert kept["user_id"] == doomed["user_id"]
    user_id = doomed["user_id"]
    both = client.get(f"/api/v2/users/{user_id}/events").json()["events"]
    assert sorted(e["type"] for e in both) == ["doomed", "kept"]
    assert client.delete(f"{PROFILES}/{doomed['profile_id']}").status_code == 204

    gone = client.get(f"{PROFILES}/{doomed['profile_id']}")
    assert gone.status_code == 404
    assert error_code(gone) == "ProfileNotFound"
    events = client.get(f"/api/v2/users/{user_id}/events")
    assert events.status_code == 200
    assert [(e["type"], e["profile_id"]) for e in events.json()["events"]] == [("kept", kept["profile_id"])]
    profiles = client.get(f"/api/v2/users/{user_id}/profiles").json()["profiles"]
    assert [p["id"] for p in profiles] == [kept["profile_id"]]
    exported = state(client)
    assert [e["profile_id"] for e in exported["events"]] == [kept["profile_id"]]
    assert [p["id"] for p in exported["profiles"]] == [kept["profile_id"]]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v2/user_profiles/events?identifier=shoppingnow:customer:email:jane@example.com",
        "/api/v2/user_profiles?identifier=shoppingnow:customer:email:jane@example.com",
        "/api/v2/user_profiles/{id}/events",
    ],
    ids=["events-by-identifier", "profile-by-identifier", "events-by-profile-id"],
)
def test_p9_deleted_profile_reads_are_404(client: httpx.Client, track: Track, path: str) -> None:
    """S12, S1: after the delete nothing matches the profile's identifier or id: 404 ProfileNotFound."""
    answer = track("jane@example.com")
    assert client.get(path.format(id=answer["profile_id"])).status_code == 200
    assert client.delete(f"{PROFILES}/{answer['profile_id']}").status_code == 204
    response = client.get(path.format(id=answer["profile_id"]))
    assert response.status_code == 404
    assert error_code(response) == "ProfileNotFound"


def test_p9_deleted_profiles_identifier_is_free_again(client: httpx.Client, track: Track) -> None:
    """S12: the deleted profile is gone, so its identifier creates a new profile (S1)."""
    first = track("jane@example.com")
    assert client.delete(f"{PROFILES}/{first['profile_id']}").status_code == 204
    again = track("jane@example.com")
    assert again["profile_id"] != first["profile_id"]
    assert again["user_id"] == first["user_id"]  # the email is still the user's identity


def test_p9_delete_twice_is_404(client: httpx.Client, track: Track) -> None:
    """S2: deleting a profile that is not there is an error; emulator code 404 ProfileNotFound."""
    answer = track()
    assert client.delete(f"{PROFILES}/{answer['profile_id']}").status_code == 204
    response = client.delete(f"{PROFILES}/{answer['profile_id']}")
    assert response.status_code == 404
    assert error_code(response) == "ProfileNotFound"


def test_p9_delete_unknown_is_404(client: httpx.Client) -> None:
    """Emulator choice (error codes): an unknown profile is 404 ProfileNotFound."""
    response = client.delete(f"{PROFILES}/{UNKNOWN_ID}")
    assert response.status_code == 404
    assert error_code(response) == "ProfileNotFound"


def test_track_via_post_still_works_next_to_405s(client: httpx.Client) -> None:
    """S1: POST /api/v2/user_profiles/events is tracking, not the {profile_id} path's 405."""
    response = client.post(TRACK, json=track_body())
    assert response.status_code == 202
