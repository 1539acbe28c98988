"""The legal variations together, and the parts of single variations that need a clock or the
control plane; test_switches.py has one scenario per variation."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from helpers import TRACK, FakeClock, error_code, track_body

from pytest_zdevents.emulator import VARIATIONS, Emulator
from pytest_zdevents.emulator.ids import IdMaker
from pytest_zdevents.emulator.timestamps import with_nine_digits

JANE = "shoppingnow:customer:email:jane@example.com"
PROFILES = "/api/v2/user_profiles"
NINE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}(Z|[+-]\d\d:\d\d)")
HEX_ID = re.compile(r"[0-9a-f]{24}")
BASIC = ("e@example.com/token", "t")


def pages(client: httpx.Client, url: str, **params: str) -> list[dict[str, Any]]:
    """Every page of an event read, following links[0].next while meta.has_more."""
    # httpx replaces a URL's own query with params when params are given, even empty ones.
    body = (client.get(url, params=params) if params else client.get(url)).json()
    found = [body]
    while body["meta"]["has_more"]:
        body = client.get(body["links"][0]["next"]).json()
        found.append(body)
        assert len(found) < 100, "paging does not end"
    return found


def test_every_variation_at_once(make_emulator: Callable[..., Emulator], clock: FakeClock) -> None:
    """All variations switched on together: each still shows, and the API still works through
    all of them: tracking, paging to every event exactly once, errors, auth."""
    emulator = make_emulator(variations=list(VARIATIONS), email="e@example.com", token="t")
    with emulator.client(auth=BASIC) as client:
        answer = client.post(TRACK, json=track_body()).json()
        user, profile_id = answer["user_id"], answer["profile_id"]
        assert re.fullmatch(r"[0-9]{14}", user) and HEX_ID.fullmatch(profile_id)
        for n in range(1, 60):
            clock.ns += 1_234_567
            body = track_body(event={"type": f"t{n}", "created_at": f"2020-02-28T18:13:{n:02d}.1758413Z"})
            assert client.post(f"/api/v2/users/{user}/events", json=body).status_code == 202
        created = client.post(f"{PROFILES}/{profile_id}/events", json={"event": track_body()["event"]})
        assert created.status_code == 202
        urls = [f"/api/v2/users/{user}/events", TRACK, f"{PROFILES}/{profile_id}/events"]
        for url in urls:
            read = pages(
                client, url, **{"page[size]": "1000", **({"identifier": JANE} if url == TRACK else {})}
            )
            # page_size_max_50 and page_size_clamped: 1000 is served as 50.
            assert [len(page["events"]) for page in read] == [50, 11]
            events = [event for page in read for event in page["events"]]
            assert len({event["id"] for event in events}) == 61
            # oldest_first
            assert [event["type"] for event in events][:3] == ["checkout", "checkout", "t1"]
            assert all(HEX_ID.fullmatch(event["id"]) for event in events)
            assert all(
                NINE.fullmatch(event["created_at"]) and NINE.fullmatch(event["received_at"])
                for event in events
            )
            assert re.fullmatch(r"[A-Za-z0-9_-]{34}==", read[0]["meta"]["after_cursor"])
            assert read[-1]["links"] == [{"next": ""}] and read[-1]["meta"]["after_cursor"] is None
        # date_only_end_of_day, and an inclusive bound at a nine-digit instant.
        day = pages(client, urls[2], **{"filter[end_time]": "2020-02-28", "filter[start_time]": "2020-02-28"})
        assert sum(len(page["events"]) for page in day) == 59
        bound = "2020-02-28T18:13:07.175841300Z"
        exact = client.get(urls[2], params={"filter[start_time]": bound, "filter[end_time]": bound}).json()
        assert [event["type"] for event in exact["events"]] == ["t7"]
        # type_without_source_ignored
        assert sum(len(page["events"]) for page in pages(client, urls[2], **{"filter[type]": "t7"})) == 61
        # support_errors_on_user_routes, with error_codes_generic, conflicts_as_400 and a 401.
        assert client.get("/api/v2/users/999/events").json() == {
            "error": "RecordNotFound",
            "description": "Not found",
        }
        response = client.post(f"/api/v2/users/{user}/events", content=b"{}")
        assert response.status_code == 415
        assert response.json()["error"] == "ClientError"
        other = client.post(TRACK, json=track_body("bob@example.com")).json()
        response = client.post(f"/api/v2/users/{other['user_id']}/events", json=track_body())
        assert response.status_code == 400
        assert response.json()["error"]["title"] == "Invalid attribute"
        assert response.json()["error"]["message"].startswith(f"Profile {profile_id} belongs to user {user}")
        response = client.get(f"{PROFILES}/{'0' * 24}")
        assert (response.status_code, error_code(response)) == (404, "ClientError")
        # profile_writes_off
        assert client.delete(f"{PROFILES}/{profile_id}").status_code == 405
        profile = client.get(f"{PROFILES}/{profile_id}").json()["profile"]
        assert NINE.fullmatch(profile["created_at"]) and NINE.fullmatch(profile["updated_at"])
    with emulator.client() as anonymous:
        response = anonymous.get(f"/api/v2/users/{user}/events")
        assert response.status_code == 401
        assert response.json() == {"error": "Couldn't authenticate you"}


def test_received_at_keeps_every_nanosecond(make_emulator: Callable[..., Emulator], clock: FakeClock) -> None:
    """nanosecond_timestamps: the times the emulator sets are written to the nanosecond."""
    clock.ns += 123_456_789
    with make_emulator(variations=["nanosecond_timestamps"]).client() as client:
        answer = client.post(TRACK, json=track_body()).json()
        (event,) = client.get(TRACK, params={"identifier": JANE}).json()["events"]
        assert event["received_at"] == "2023-11-14T22:13:20.123456789Z"
        clock.ns += 1
        patched = client.patch(f"{PROFILES}/{answer['profile_id']}", json={"profile": {"name": "J"}})
        assert patched.json()["profile"]["created_at"] == "2023-11-14T22:13:20.123456789Z"
        assert patched.json()["profile"]["updated_at"] == "2023-11-14T22:13:20.123456790Z"


def test_nine_digits_for_records_written_before_or_imported(
    make_emulator: Callable[..., Emulator], clock: FakeClock
) -> None:
    """Switched on at run time, nanosecond_timestamps also pads what was written before it and
    what was imported, keeping their instants; switched off, the stored forms come back."""
    clock.ns += 123_456_789
    emulator = make_emulator()
    with emulator.client() as client:
        answer = client.post(
            TRACK, json=track_body(event={"created_at": "2020-01-31T00:44:07.5+01:00"})
        ).json()
        state = {
            "events": [
                {
                    "profile_id": answer["profile_id"],
                    "source": "shoppingnow",
                    "type": "imported",
                    "properties": {},
                    "created_at": "2020-01-30t10:00:00z",
                    "received_at": "2020-01-30T10:00:01.25Z",
                }
            ]
        }
        assert client.post("/__zdevents/state", json=state).status_code == 200
        before = client.get(TRACK, params={"identifier": JANE}).json()["events"]
        assert [e["received_at"] for e in before] == [
            "2023-11-14T22:13:20.123456Z",
            "2020-01-30T10:00:01.25Z",
        ]
        client.patch("/__zdevents/settings", json={"variations": ["nanosecond_timestamps"]})
        after = client.get(TRACK, params={"identifier": JANE}).json()["events"]
        assert [(e["created_at"], e["received_at"]) for e in after] == [
            ("2020-01-31T00:44:07.500000000+01:00", "2023-11-14T22:13:20.123456000Z"),
            ("2020-01-30t10:00:00.000000000z", "2020-01-30T10:00:01.250000000Z"),
        ]
        profile = client.get(f"{PROFILES}/{answer['profile_id']}").json()["profile"]
        assert profile["created_at"] == "2023-11-14T22:13:20.123456000Z"
        client.patch("/__zdevents/settings", json={"variations": []})
        assert client.get(TRACK, params={"identifier": JANE}).json()["events"] == before


@pytest.mark.parametrize(
    ("text", "nine"),
    [
        ("2020-02-28T18:13:28.175841347Z", "2020-02-28T18:13:28.175841347Z"),
        ("2020-02-28T18:13:28Z", "2020-02-28T18:13:28.000000000Z"),
        ("2020-02-28T18:13:28.1-05:30", "2020-02-28T18:13:28.100000000-05:30"),
        ("2016-12-31T23:59:60.5Z", "2016-12-31T23:59:60.500000000Z"),
        ("2020-02-28T18:13:28.1758413479999Z", "2020-02-28T18:13:28.175841347Z"),
        ("2020-02-28", "2020-02-28"),
        ("not a time", "not a time"),
    ],
)
def test_with_nine_digits(text: str, nine: str) -> None:
    assert with_nine_digits(text) == nine


def test_hex_ids_are_unique_within_a_second() -> None:
    """other_ids: ids minted in the same second differ by their counter."""
    maker = IdMaker(seed=7)
    minted = [maker.hex_id(1_700_000_000 * 10**9) for _ in range(100_000)]
    assert len(set(minted)) == len(minted)
    assert all(HEX_ID.fullmatch(i) for i in minted[:100])
    assert minted[0].startswith(f"{1_700_000_000:08x}")


def test_hex_ids_leave_the_seeded_ulids_alone() -> None:
    """The hex ids draw from a generator of their own: a seeded emulator mints the same ULIDs
    and user ids as before the variation existed."""
    plain, mixed = IdMaker(seed=3), IdMaker(seed=3)
    mixed.hex_id(0)
    assert [plain.ulid(0), plain.user_id()] == [mixed.ulid(0), mixed.user_id()]
    assert len(IdMaker(seed=3).user_id(14)) == 14


def test_a_new_profile_never_takes_an_imported_id(
    make_emulator: Callable[..., Emulator], clock: FakeClock
) -> None:
    """other_ids: a minted profile id that an imported profile already has is minted again."""
    emulator = make_emulator(variations=["other_ids"])
    first = IdMaker(seed=1234).hex_id(clock())
    taken = {
        "users": [{"id": "50184591324691", "name": "Jane"}],
        "profiles": [
            {
                "id": first,
                "user_id": "50184591324691",
                "source": "other",
                "type": "customer",
                "identifiers": [{"type": "crm", "value": "1"}],
            }
        ],
    }
    with emulator.client() as client:
        assert client.post("/__zdevents/state", json=taken).status_code == 200
        answer = client.post(TRACK, json=track_body()).json()
        assert answer["profile_id"] != first and HEX_ID.fullmatch(answer["profile_id"])
        assert client.get(f"{PROFILES}/{first}").json()["profile"]["source"] == "other"


def test_cursor_forms_follow_the_variation_at_run_time(client: httpx.Client) -> None:
    """A cursor is read in the form the emulator issues now; the next link matches meta."""
    for n in range(3):
        client.post(TRACK, json=track_body(event={"type": f"t{n}"}))
    plain = client.get(TRACK, params={"identifier": JANE, "page[size]": "1"}).json()
    client.patch("/__zdevents/settings", json={"variations": ["other_cursors"]})
    response = client.get(TRACK, params={"identifier": JANE, "page[after]": plain["meta"]["after_cursor"]})
    assert (response.status_code, error_code(response)) == (400, "InvalidCursor")
    other = client.get(TRACK, params={"identifier": JANE, "page[size]": "1"}).json()
    (link,) = other["links"]
    assert parse_qs(urlsplit(link["next"]).query)["page[after]"] == [other["meta"]["after_cursor"]]
    assert [e["type"] for page in pages(client, link["next"]) for e in page["events"]] == ["t1", "t0"]


def test_clamped_page_size_follows_the_maximum(make_emulator: Callable[..., Emulator]) -> None:
    """page_size_clamped with page_size_max_50: 51 and more are served as 50."""
    with make_emulator(variations=["page_size_clamped", "page_size_max_50"]).client() as client:
        for n in range(51):
            client.post(TRACK, json=track_body(event={"type": f"t{n}"}))
        for size in ("51", "100", "0100"):
            body = client.get(TRACK, params={"identifier": JANE, "page[size]": size}).json()
            assert len(body["events"]) == 50 and body["meta"]["has_more"] is True
        response = client.get(TRACK, params={"identifier": JANE, "page[size]": "0"})
        assert response.json()["errors"][0]["detail"] == (
            "page[size] must be an integer 1 or more (more than 50 is served as 50), not '0'."
        )


def test_support_errors_follow_generic_codes(make_emulator: Callable[..., Emulator]) -> None:
    """support_errors_on_user_routes with error_codes_generic: the Support body's code is the
    generic one; 404 keeps Support's RecordNotFound and 400 its Invalid attribute."""
    variations = ["support_errors_on_user_routes", "error_codes_generic"]
    with make_emulator(variations=variations).client() as client:
        response = client.delete("/api/v2/users/1/profiles")
        assert response.json() == {
            "error": "ClientError",
            "description": "DELETE is not allowed on /api/v2/users/1/profiles; use GET, PUT, HEAD.",
        }
        assert client.get("/api/v2/users/1/profiles").json()["error"] == "RecordNotFound"
        response = client.put("/api/v2/users/1/profiles?identifier=a:b", json={})
        assert response.status_code == 400
        assert response.json()["error"]["title"] == "Invalid attribute"
        response = client.get("/api/v2/user_profiles?identifier=a:b")
        assert (response.status_code, error_code(response)) == (400, "ClientError")


def test_control_plane_switches_every_variation_on_and_off(client: httpx.Client) -> None:
    response = client.patch("/__zdevents/settings", json={"variations": list(VARIATIONS)})
    assert response.status_code == 200
    assert response.json()["variations"] == sorted(VARIATIONS)
    assert client.post(TRACK, json=track_body()).json()["user_id"].isdigit()
    assert client.patch("/__zdevents/settings", json={"variations": []}).json()["variations"] == []
