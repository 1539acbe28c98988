"""The control plane under /__zdevents/ (health, reset, state, journal, settings, switches), the
version header, the rate limit (S15) and the ingestion lag."""

from __future__ import annotations

import base64
import copy
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from helpers import TRACK, FakeClock, error_code, track_body

from pytest_zdevents import __version__
from pytest_zdevents.emulator import QUIRKS, VARIATIONS, Emulator

JANE = "shoppingnow:customer:email:jane@example.com"
PROFILES = "/api/v2/user_profiles"
SECRETS = ("c0ntrol-t0ken-77", "c0ntrol-oauth-88", "c0ntrol-ro-99")


def assert_error(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert error_code(response) == code


def populate(client: httpx.Client) -> dict[str, Any]:
    """Two users, three profiles, five events, attributes and a non-standard identifier."""
    jane = client.post(
        TRACK,
        json=track_body(
            profile={"attributes": {"tier": "gold", "flags": {"vip": True}}},
            event={"created_at": "2020-02-01T10:00:00Z"},
        ),
    ).json()
    client.post(
        TRACK,
        json=track_body(
            profile={"source": "coolbikes", "type": "rider"},
            event={"source": "coolbikes", "type": "ride", "created_at": "2020-02-02T10:00:00+02:00"},
        ),
    )
    bob = client.post(
        TRACK,
        json=track_body(
            identifiers=[
                {"type": "email", "value": "bob@example.com"},
                {"type": "loyalty", "value": "L-1:2"},
            ],
            event={"created_at": "2020-02-03T10:00:00.123456789Z", "description": "Bob's"},
        ),
    ).json()
    for day in ("04", "05"):
        client.post(TRACK, json=track_body(event={"created_at": f"2020-02-{day}T00:00:00Z"}))
    return {"jane": jane, "bob": bob}


def api_reads(client: httpx.Client, ids: dict[str, Any]) -> list[Any]:
    jane, bob = ids["jane"], ids["bob"]
    paths = [
        f"{TRACK}?identifier={JANE}",
        f"{TRACK}?identifier={JANE}&page[size]=1",
        f"/api/v2/users/{jane['user_id']}/events",
        f"/api/v2/users/{bob['user_id']}/events",
        f"{PROFILES}/{jane['profile_id']}/events?filter[start_time]=2020-02-04",
        f"/api/v2/users/{jane['user_id']}/profiles",
        f"{PROFILES}?identifier=shoppingnow:customer:loyalty:L-1:2",
        f"{PROFILES}/{bob['profile_id']}",
    ]
    answers = []
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, (path, response.text)
        answers.append(response.json())
    return answers


# Health


def test_health(client: httpx.Client) -> None:
    response = client.get("/__zdevents/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["version"] == __version__


def test_no_control_plane_response_reveals_a_credential(make_emulator: Callable[..., Emulator]) -> None:
    token, oauth, read_only = SECRETS
    emulator = make_emulator(
        email="e@example.com", token=token, oauth_tokens=[oauth], read_only_oauth_tokens=[read_only]
    )
    with emulator.client() as client:
        good = "Basic " + base64.b64encode(f"e@example.com/token:{token}".encode()).decode()
        assert client.post(TRACK, json=track_body(), headers={"Authorization": good}).status_code == 202
        client.get(TRACK, params={"identifier": JANE}, headers={"Authorization": f"Bearer {oauth}"})
        client.get(TRACK, params={"identifier": JANE}, headers={"Authorization": f"Bearer {read_only}"})
        # With the agent's credentials: the data routes need them, and must still reveal none.
        texts = [
            client.get(path, headers={"Authorization": good}).text
            for path in (
                "/__zdevents/health",
                "/__zdevents/settings",
                "/__zdevents/state",
                "/__zdevents/requests",
                "/__zdevents/switches",
            )
        ]
        texts.append(
            client.patch("/__zdevents/settings", json={"lag": 0}, headers={"Authorization": good}).text
        )
        assert all('"errors"' not in text for text in texts), texts
        for text in texts:
            for secret in (*SECRETS, good.split(" ")[1]):
                assert secret not in text


# Reset


def test_reset_forgets_everything_but_settings(make_emulator: Callable[..., Emulator]) -> None:
    emulator = make_emulator(quirks=["received_at_missing"], variations=["oldest_first"], lag=0)
    with emulator.client() as client:
        ids = populate(client)
        assert client.patch("/__zdevents/settings", json={"rate_limit": 1000}).status_code == 200
        settings = client.get("/__zdevents/settings").json()
        assert client.get("/__zdevents/requests").json()["requests"]
        response = client.post("/__zdevents/reset")
        assert response.status_code == 204
        assert client.get("/__zdevents/state").json() == {
            "version": 1,
            "users": [],
            "profiles": [],
            "events": [],
        }
        assert client.get("/__zdevents/requests").json()["requests"] == []
        assert client.get("/__zdevents/settings").json() == settings
        assert settings["quirks"] == ["received_at_missing"]
        assert settings["variations"] == ["oldest_first"]
        assert settings["rate_limit"] == 1000
        assert_error(client.get(f"{PROFILES}/{ids['jane']['profile_id']}"), 404, "ProfileNotFound")
        assert_error(client.get(f"/api/v2/users/{ids['jane']['user_id']}/events"), 404, "UserNotFound")
        assert_error(client.get(TRACK, params={"identifier": JANE}), 404, "ProfileNotFound")


# State export and import


def test_state_round_trip(client: httpx.Client) -> None:
    ids = populate(client)
    exported = client.get("/__zdevents/state").json()
    assert len(exported["users"]) == 2
    assert len(exported["profiles"]) == 3
    assert len(exported["events"]) == 5
    reads = api_reads(client, ids)
    assert client.post("/__zdevents/reset").status_code == 204
    imported = client.post("/__zdevents/state", json=exported)
    assert imported.status_code == 200, imported.text
    assert imported.json() == {"imported": {"users": 2, "profiles": 3, "events": 5}}
    assert client.get("/__zdevents/state").json() == exported
    assert api_reads(client, ids) == reads


def test_imported_state_behaves_like_tracked_state(client: httpx.Client) -> None:
    """After an import, tracking for a seeded identifier finds the seeded profile and user."""
    ids = populate(client)
    exported = client.get("/__zdevents/state").json()
    client.post("/__zdevents/reset")
    client.post("/__zdevents/state", json=exported)
    answer = client.post(TRACK, json=track_body(identifiers=[{"type": "email", "value": "JANE@example.com"}]))
    assert answer.status_code == 202
    assert answer.json() == {**ids["jane"], "status": "received"}


def test_import_adds_to_what_is_there(client: httpx.Client) -> None:
    client.post(TRACK, json=track_body())
    state = {
        "users": [
            {"id": "42", "name": "Seeded", "identities": [{"type": "email", "value": "seed@example.com"}]}
        ],
        "profiles": [
            {
                "id": "01ARZ3NDEKTSV4RRFFQ69G5FAV",
                "source": "shoppingnow",
                "type": "customer",
                "user_id": "42",
                "identifiers": [{"type": "email", "value": "seed@example.com"}],
            }
        ],
        "events": [
            {
                "profile_id": "01ARZ3NDEKTSV4RRFFQ69G5FAV",
                "source": "shoppingnow",
                "type": "seeded",
                "properties": {"a": "b"},
                "created_at": "2020-01-01T00:00:00Z",
            }
        ],
    }
    response = client.post("/__zdevents/state", json=state)
    assert response.status_code == 200, response.text
    exported = client.get("/__zdevents/state").json()
    assert len(exported["users"]) == 2
    assert len(exported["events"]) == 2
    events = client.get("/api/v2/users/42/events").json()["events"]
    assert [(e["type"], e["created_at"], e["user_id"]) for e in events] == [
        ("seeded", "2020-01-01T00:00:00Z", "42")
    ]


def base_state() -> dict[str, Any]:
    """A valid import: one user, one profile, one event."""
    return {
        "users": [
            {"id": "501", "name": "Ann", "identities": [{"type": "email", "value": "ann@example.com"}]}
        ],
        "profiles": [
            {
                "id": "P501",
                "source": "shoppingnow",
                "type": "customer",
                "user_id": "501",
                "identifiers": [{"type": "email", "value": "ann@example.com"}],
                "created_at": "2020-01-01T00:00:00Z",
            }
        ],
        "events": [
            {
                "id": "E501",
                "profile_id": "P501",
                "source": "shoppingnow",
                "type": "checkout",
                "properties": {"item": "x"},
                "created_at": "2020-01-02T00:00:00Z",
            }
        ],
    }


def with_extra(kind: str, record: Any) -> dict[str, Any]:
    """The base state with one more, bad, record of ``kind`` after the good ones."""
    state = base_state()
    state[kind].append(record)
    return state


def with_change(kind: str, changes: dict[str, Any]) -> dict[str, Any]:
    """The base state plus a second record of ``kind``: a copy of the first with ``changes``."""
    state = base_state()
    record = copy.deepcopy(state[kind][0])
    record.update(changes)
    state[kind].append(record)
    return state


OTHER_PROFILE = {"id": "P502", "identifiers": [{"type": "email", "value": "ann2@example.com"}]}
OTHER_USER = {"id": "502", "identities": []}

BAD_STATES = [
    pytest.param([base_state()], 400, "InvalidState", id="not-an-object"),
    pytest.param({**base_state(), "events": {"a": 1}}, 400, "InvalidState", id="events-not-an-array"),
    pytest.param(with_extra("events", "E2"), 400, "InvalidState", id="event-not-an-object"),
    pytest.param(with_change("users", {"id": "abc"}), 400, "InvalidState", id="user-id-not-integer"),
    pytest.param(with_change("users", {"id": ""}), 400, "InvalidState", id="user-id-empty"),
    pytest.param(
        with_change("users", {"id": "502", "identities": 5}),
        400,
        "InvalidState",
        id="user-identities-not-an-array",
    ),
    pytest.param(
        with_change("users", {"id": "502", "identities": [{"type": "loyalty", "value": "x"}]}),
        400,
        "InvalidState",
        id="user-identity-not-standard",
    ),
    pytest.param(
        with_change("profiles", {**OTHER_PROFILE, "source": "s" * 41}),
        400,
        "InvalidState",
        id="profile-source-41",
    ),
    pytest.param(
        with_change("profiles", {**OTHER_PROFILE, "source": "zendesk"}),
        400,
        "InvalidState",
        id="profile-source-zendesk",
    ),
    pytest.param(
        with_change("profiles", {**OTHER_PROFILE, "attributes": {"n": 1}}),
        400,
        "InvalidState",
        id="profile-number-attribute",
    ),
    pytest.param(
        with_change("profiles", {**OTHER_PROFILE, "user_id": "999"}),
        400,
        "InvalidState",
        id="profile-unknown-user",
    ),
    pytest.param(
        with_change("profiles", {**OTHER_PROFILE, "created_at": "yesterday"}),
        400,
        "InvalidState",
        id="profile-created-at-not-a-timestamp",
    ),
    pytest.param(
        with_change("profiles", {**OTHER_PROFILE, "created_at": 1580000000}),
        400,
        "InvalidState",
        id="profile-created-at-a-number",
    ),
    pytest.param(
        with_change("profiles", {**OTHER_PROFILE, "updated_at": ["x"]}),
        400,
        "InvalidState",
        id="profile-updated-at-an-array",
    ),
    pytest.param(
        with_change("events", {"id": "E502", "profile_id": "P999"}),
        400,
        "InvalidState",
        id="event-unknown-profile",
    ),
    pytest.param(
        with_change("events", {"id": "E502", "properties": {"n": [1]}}),
        400,
        "InvalidState",
        id="event-number-property",
    ),
    pytest.param(
        with_change("events", {"id": "E502", "created_at": "2020-02-30T00:00:00Z"}),
        400,
        "InvalidState",
        id="event-created-at-invalid",
    ),
    pytest.param(
        with_change("events", {"id": "E502", "received_at": 7}),
        400,
        "InvalidState",
        id="event-received-at-a-number",
    ),
    pytest.param(with_change("events", {"id": 502}), 400, "InvalidState", id="event-id-a-number"),
    pytest.param(with_change("users", {"identities": []}), 409, "InvalidState", id="duplicate-user-id"),
    pytest.param(
        with_change("profiles", {"identifiers": [{"type": "email", "value": "ann2@example.com"}]}),
        409,
        "InvalidState",
        id="duplicate-profile-id",
    ),
    pytest.param(with_change("events", {}), 409, "InvalidState", id="duplicate-event-id"),
    pytest.param(with_change("users", {"id": "502"}), 409, "UserConflict", id="identity-of-two-users"),
    pytest.param(
        with_change("profiles", {"id": "P502"}), 409, "IdentifierConflict", id="identifier-of-two-profiles"
    ),
]


@pytest.mark.parametrize(("state", "status", "code"), BAD_STATES)
def test_bad_import_is_refused_whole(client: httpx.Client, state: Any, status: int, code: str) -> None:
    """Every record before the bad one is valid; none of them is imported."""
    client.post(TRACK, json=track_body())
    before = client.get("/__zdevents/state").json()
    assert_error(client.post("/__zdevents/state", json=state), status, code)
    assert client.get("/__zdevents/state").json() == before


@pytest.mark.parametrize(
    ("kind", "record", "status", "code"),
    [
        ("users", {"id": "501"}, 409, "InvalidState"),
        (
            "profiles",
            {
                "id": "P501",
                "source": "s",
                "type": "t",
                "user_id": "501",
                "identifiers": [{"type": "email", "value": "z@example.com"}],
            },
            409,
            "InvalidState",
        ),
        (
            "events",
            {"id": "E501", "profile_id": "P501", "source": "s", "type": "t", "properties": {}},
            409,
            "InvalidState",
        ),
    ],
    ids=["user", "profile", "event"],
)
def test_import_of_an_existing_id_is_409(
    client: httpx.Client, kind: str, record: dict[str, Any], status: int, code: str
) -> None:
    assert client.post("/__zdevents/state", json=base_state()).status_code == 200
    before = client.get("/__zdevents/state").json()
    assert_error(client.post("/__zdevents/state", json={kind: [record]}), status, code)
    assert client.get("/__zdevents/state").json() == before


@pytest.mark.parametrize("raw", [b"{", b"NaN", b""])
def test_import_of_non_json_is_400(client: httpx.Client, raw: bytes) -> None:
    response = client.post("/__zdevents/state", content=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert error_code(response) in {"InvalidJson", "InvalidState"}


# Journal


def test_journal_records_requests_newest_last(client: httpx.Client) -> None:
    tracked = client.post(TRACK, json=track_body())
    read = client.get(TRACK, params={"identifier": JANE, "page[size]": "1"})
    missing = client.get("/api/v2/users/999/events")
    entries = client.get("/__zdevents/requests").json()["requests"]
    assert [(e["method"], e["path"], e["status"]) for e in entries] == [
        ("POST", TRACK, 202),
        ("GET", TRACK, 200),
        ("GET", "/api/v2/users/999/events", 404),
    ]
    assert [e["query"] for e in entries] == [
        "",
        read.request.url.query.decode(),
        "",
    ]
    assert "page%5Bsize%5D=1" in entries[1]["query"] or "page[size]=1" in entries[1]["query"]
    assert entries[0]["body"] == track_body()
    assert entries[1]["body"] is None
    assert tracked.status_code == 202
    assert missing.status_code == 404
    for entry in entries:
        assert isinstance(entry["time"], float)
        assert entry["duration_ms"] >= 0


def test_journal_records_an_unreadable_body_as_text(client: httpx.Client) -> None:
    client.post(TRACK, content=b"{not json", headers={"Content-Type": "application/json"})
    (entry,) = client.get("/__zdevents/requests").json()["requests"]
    assert entry["status"] == 400
    assert entry["body"] == "{not json"


def test_journal_leaves_out_the_control_plane(client: httpx.Client) -> None:
    client.get("/__zdevents/health")
    client.get("/__zdevents/state")
    client.get("/__zdevents/settings")
    client.get("/__zdevents/requests")
    assert client.get("/__zdevents/requests").json()["requests"] == []


def test_journal_keeps_the_last_journal_size_requests(make_emulator: Callable[..., Emulator]) -> None:
    emulator = make_emulator(journal_size=3)
    with emulator.client() as client:
        for size in range(1, 6):
            client.get(TRACK, params={"identifier": JANE, "page[size]": str(size)})
        entries = client.get("/__zdevents/requests").json()["requests"]
        assert [e["query"].rsplit("=", 1)[1] for e in entries] == ["3", "4", "5"]


def test_journal_delete_clears_it(client: httpx.Client) -> None:
    client.post(TRACK, json=track_body())
    client.get(TRACK, params={"identifier": JANE})
    assert len(client.get("/__zdevents/requests").json()["requests"]) == 2
    assert client.delete("/__zdevents/requests").status_code == 204
    assert client.get("/__zdevents/requests").json()["requests"] == []
    client.get(TRACK, params={"identifier": JANE})
    assert len(client.get("/__zdevents/requests").json()["requests"]) == 1
    assert client.get("/__zdevents/state").json()["events"] != []


# Settings


def test_settings_read(make_emulator: Callable[..., Emulator]) -> None:
    emulator = make_emulator(lag=2.5, rate_limit=7, quirks=["put_merges"], variations=["oldest_first"])
    with emulator.client() as client:
        settings = client.get("/__zdevents/settings").json()
    assert settings["lag"] == 2.5
    assert settings["rate_limit"] == 7
    assert settings["quirks"] == ["put_merges"]
    assert settings["variations"] == ["oldest_first"]
    assert settings["auth_required"] is False


def test_settings_patch_changes_behaviour_at_run_time(client: httpx.Client, clock: FakeClock) -> None:
    response = client.patch(
        "/__zdevents/settings",
        json={"quirks": ["track_returns_200"], "variations": ["oldest_first"], "lag": 3},
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["quirks"], body["variations"], body["lag"]) == (["track_returns_200"], ["oldest_first"], 3)
    assert client.get("/__zdevents/settings").json() == body
    assert client.post(TRACK, json=track_body(event={"type": "late"})).status_code == 200
    assert client.get(TRACK, params={"identifier": JANE}).json()["events"] == []
    clock.advance(3)
    assert [e["type"] for e in client.get(TRACK, params={"identifier": JANE}).json()["events"]] == ["late"]

    back = client.patch("/__zdevents/settings", json={"quirks": [], "variations": [], "lag": 0})
    assert (back.json()["quirks"], back.json()["variations"], back.json()["lag"]) == ([], [], 0)
    assert client.post(TRACK, json=track_body(event={"type": "now"})).status_code == 202
    assert [e["type"] for e in client.get(TRACK, params={"identifier": JANE}).json()["events"]] == [
        "now",
        "late",
    ]


def test_settings_patch_switches_the_rate_limit(client: httpx.Client) -> None:
    assert client.patch("/__zdevents/settings", json={"rate_limit": 1}).json()["rate_limit"] == 1
    assert client.get(TRACK, params={"identifier": JANE}).status_code == 404
    assert_error(client.get(TRACK, params={"identifier": JANE}), 429, "TooManyRequests")
    assert client.patch("/__zdevents/settings", json={"rate_limit": None}).json()["rate_limit"] is None
    for _ in range(5):
        assert client.get(TRACK, params={"identifier": JANE}).status_code == 404


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"quirks": ["no_such_quirk"]}, id="unknown-quirk"),
        pytest.param({"variations": ["no_such_variation"]}, id="unknown-variation"),
        pytest.param({"quirks": ["oldest_first"]}, id="variation-as-quirk"),
        pytest.param({"variations": ["put_merges"]}, id="quirk-as-variation"),
        pytest.param({"speed": 1}, id="unknown-key"),
        pytest.param({"token": "t"}, id="token"),
        pytest.param({"email": "e@example.com", "token": "t"}, id="credentials"),
        pytest.param({"journal_size": 5}, id="journal-size"),
        pytest.param({"max_body_bytes": 5}, id="max-body-bytes"),
        pytest.param({"db_path": "/tmp/x.db"}, id="db-path"),
        pytest.param({"lag": -1}, id="negative-lag"),
        pytest.param({"lag": "soon"}, id="lag-a-string"),
        pytest.param({"rate_limit": 0}, id="rate-limit-zero"),
        pytest.param({"rate_limit": "2"}, id="rate-limit-a-string"),
        pytest.param({"rate_limit": 1.5}, id="rate-limit-a-fraction"),
        pytest.param({"rate_limit": True}, id="rate-limit-a-boolean"),
        pytest.param({"quirks": [["put_merges"]]}, id="quirk-a-list"),
        pytest.param({"lag": 2, "quirks": ["nope"]}, id="good-and-bad-together"),
        pytest.param([], id="not-an-object"),
    ],
)
def test_settings_patch_rejects_bad_changes(client: httpx.Client, changes: Any) -> None:
    before = client.get("/__zdevents/settings").json()
    assert_error(client.patch("/__zdevents/settings", json=changes), 400, "InvalidSettings")
    assert client.get("/__zdevents/settings").json() == before


def test_switches_lists_quirks_and_variations(client: httpx.Client) -> None:
    response = client.get("/__zdevents/switches")
    assert response.status_code == 200
    assert response.json() == {"quirks": QUIRKS, "variations": VARIATIONS}
    assert len(QUIRKS) > 0 and len(VARIATIONS) > 0
    assert all(isinstance(text, str) and text for text in (*QUIRKS.values(), *VARIATIONS.values()))


# The version header


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status"),
    [
        ("POST", TRACK, {"json": track_body()}, 202),
        ("GET", "/__zdevents/state", {}, 200),
        ("GET", f"{PROFILES}?identifier=a:b:c:d", {}, 404),
        ("GET", f"{TRACK}?identifier={JANE}&page[size]=0", {}, 400),
        ("POST", TRACK, {"content": b"x"}, 415),
        ("DELETE", TRACK, {}, 405),
        ("GET", "/nowhere", {}, 404),
        ("GET", "/__zdevents/health", {}, 200),
        ("POST", "/__zdevents/reset", {}, 204),
        ("DELETE", "/__zdevents/requests", {}, 204),
        ("PATCH", "/__zdevents/settings", {"json": {"nope": 1}}, 400),
        ("GET", "/__zdevents/switches", {}, 200),
    ],
)
def test_every_response_has_the_version_header(
    client: httpx.Client, method: str, path: str, kwargs: dict[str, Any], status: int
) -> None:
    response = client.request(method, path, **kwargs)
    assert response.status_code == status
    assert response.headers["x-zdevents-emulator"] == __version__


def test_version_header_on_401_429_and_500(make_emulator: Callable[..., Emulator]) -> None:
    emulator = make_emulator(email="e@example.com", token="t", rate_limit=1)
    with emulator.client() as client:
        unauthenticated = client.get(TRACK)
        limited = client.get(TRACK)
    assert (unauthenticated.status_code, limited.status_code) == (401, 429)
    crashing = make_emulator(quirks=["server_error_on_bad_timestamp"])
    with crashing.client() as client:
        client.post(TRACK, json=track_body())
        failed = client.get(TRACK, params={"identifier": JANE, "filter[start_time]": "bad"})
    assert failed.status_code == 500
    for response in (unauthenticated, limited, failed):
        assert response.headers["x-zdevents-emulator"] == __version__


# Rate limit (S15)


def test_third_request_in_a_burst_is_429(make_emulator: Callable[..., Emulator]) -> None:
    emulator = make_emulator(rate_limit=2)
    with emulator.client() as client:
        answers = [client.get(TRACK, params={"identifier": JANE}) for _ in range(3)]
    assert [r.status_code for r in answers] == [404, 404, 429]
    assert [r.headers["x-rate-limit"] for r in answers] == ["2", "2", "2"]
    assert [r.headers["x-rate-limit-remaining"] for r in answers] == ["1", "0", "0"]
    limited = answers[2]
    assert error_code(limited) == "TooManyRequests"
    retry_after = limited.headers["retry-after"]
    assert retry_after.isdigit()
    assert int(retry_after) >= 1
    assert "retry-after" not in answers[0].headers


def test_rate_limit_counts_writes_and_errors_alike(make_emulator: Callable[..., Emulator]) -> None:
    emulator = make_emulator(rate_limit=2)
    with emulator.client() as client:
        first = client.post(TRACK, json=track_body())
        second = client.post(TRACK, content=b"{", headers={"Content-Type": "application/json"})
        third = client.post(TRACK, json=track_body())
    assert [first.status_code, second.status_code, third.status_code] == [202, 400, 429]
    assert error_code(third) == "TooManyRequests"


def test_control_plane_is_not_rate_limited(make_emulator: Callable[..., Emulator]) -> None:
    emulator = make_emulator(rate_limit=1)
    with emulator.client() as client:
        assert client.get(TRACK, params={"identifier": JANE}).status_code == 404
        assert client.get(TRACK, params={"identifier": JANE}).status_code == 429
        for _ in range(5):
            for path in (
                "/__zdevents/health",
                "/__zdevents/state",
                "/__zdevents/requests",
                "/__zdevents/settings",
            ):
                response = client.get(path)
                assert response.status_code == 200, path
                assert "x-rate-limit" not in response.headers


def test_a_limited_client_is_served_after_retry_after(make_emulator: Callable[..., Emulator]) -> None:
    emulator = make_emulator(rate_limit=1)
    with emulator.client() as client:
        client.get(TRACK, params={"identifier": JANE})
        limited = client.get(TRACK, params={"identifier": JANE})
        assert limited.status_code == 429
        time.sleep(int(limited.headers["retry-after"]))
        assert client.get(TRACK, params={"identifier": JANE}).status_code == 404


def test_unlimited_by_default(client: httpx.Client) -> None:
    answers = [client.get(TRACK, params={"identifier": JANE}) for _ in range(30)]
    assert {r.status_code for r in answers} == {404}
    assert "x-rate-limit" not in answers[0].headers


# Ingestion lag


def test_lag_delays_reads_not_the_202(make_emulator: Callable[..., Emulator], clock: FakeClock) -> None:
    emulator = make_emulator(lag=5)
    with emulator.client() as client:
        answer = client.post(TRACK, json=track_body())
        assert answer.status_code == 202
        scopes = [
            f"{TRACK}?identifier={JANE}",
            f"/api/v2/users/{answer.json()['user_id']}/events",
            f"{PROFILES}/{answer.json()['profile_id']}/events",
        ]

        def visible() -> list[int]:
            return [len(client.get(path).json()["events"]) for path in scopes]

        assert visible() == [0, 0, 0]
        clock.advance(4.999)
        assert visible() == [0, 0, 0]
        clock.advance(0.001)
        assert visible() == [1, 1, 1]
        assert client.get("/__zdevents/state").json()["events"][0]["type"] == "checkout"


def test_lag_applies_to_each_event_from_its_own_receipt(
    make_emulator: Callable[..., Emulator], clock: FakeClock
) -> None:
    emulator = make_emulator(lag=5)
    with emulator.client() as client:
        client.post(TRACK, json=track_body(event={"type": "first"}))
        clock.advance(3)
        client.post(TRACK, json=track_body(event={"type": "second"}))
        clock.advance(2)

        def types() -> list[str]:
            return [e["type"] for e in client.get(TRACK, params={"identifier": JANE}).json()["events"]]

        assert types() == ["first"]
        clock.advance(3)
        assert sorted(types()) == ["first", "second"]
