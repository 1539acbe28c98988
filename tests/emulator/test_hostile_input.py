"""The hostile-input corpus: inputs a schema-driven fuzzer does not make, each refused at the door
with a 4xx and the envelope, none leaving a record that breaks a later read (docs/emulator.md,
"What the emulator refuses")."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers import TRACK, error_code, track_body

from pytest_zdevents.emulator import Emulator
from pytest_zdevents.emulator.journal import BODY_LIMIT, HEADERS_LIMIT, TEXT_LIMIT

PROFILES = "/api/v2/user_profiles"
QUERY = "shoppingnow:customer:email:jane@example.com"
LONE = "\ud800"
#: How a lone surrogate reaches the server: as a JSON escape, as its raw (CESU) bytes, or in a
#: UTF-16 body; the last two are not UTF-8 at all.
ENCODINGS: dict[str, Callable[[Any], bytes]] = {
    "escaped": lambda body: json.dumps(body).encode(),
    "raw-bytes": lambda body: json.dumps(body, ensure_ascii=False).encode("utf-8", "surrogatepass"),
    "utf-16": lambda body: json.dumps(body, ensure_ascii=False).encode("utf-16", "surrogatepass"),
}


def profile_body() -> dict[str, Any]:
    return {
        "profile": {
            "source": "shoppingnow",
            "type": "customer",
            "name": "Jane Smith",
            "identifiers": [{"type": "email", "value": "jane@example.com"}],
            "attributes": {"tier": "gold", "address": {"city": "Paris"}},
        }
    }


def write_routes(user_id: str, profile_id: str) -> list[tuple[str, str, dict[str, str], dict[str, Any]]]:
    """Every route that writes what a body says: method, path, query and a valid body."""
    by_identifier = {"identifier": QUERY}
    return [
        ("POST", TRACK, {}, track_body()),
        ("POST", f"/api/v2/users/{user_id}/events", {}, track_body()),
        ("POST", f"{PROFILES}/{profile_id}/events", {}, track_body()),
        ("PUT", f"/api/v2/users/{user_id}/profiles", by_identifier, profile_body()),
        ("PUT", PROFILES, by_identifier, profile_body()),
        ("PATCH", PROFILES, by_identifier, profile_body()),
        ("PUT", f"{PROFILES}/{profile_id}", {}, profile_body()),
        ("PATCH", f"{PROFILES}/{profile_id}", {}, profile_body()),
        ("POST", "/__zdevents/state", {}, {"events": []}),
    ]


def poisoned(body: Any, path: str = "$") -> Iterator[tuple[str, Any]]:
    """Copies of ``body`` with a lone surrogate in one string or one key each, named by where."""
    if isinstance(body, str):
        yield path, body + LONE
    elif isinstance(body, list):
        for index, item in enumerate(body):
            for where, bad in poisoned(item, f"{path}[{index}]"):
                yield where, [*body[:index], bad, *body[index + 1 :]]
    elif isinstance(body, dict):
        for key, item in body.items():
            yield f"{path} (key {key})", {**{k: v for k, v in body.items() if k != key}, key + LONE: item}
            for where, bad in poisoned(item, f"{path}.{key}"):
                yield where, {**body, key: bad}


@pytest.fixture(params=["memory", "sqlite"])
def store_client(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[httpx.Client]:
    db = str(tmp_path / "state.db") if request.param == "sqlite" else None
    emulator = Emulator(db_path=db)
    with emulator.client() as client:
        yield client
    emulator.close()


def reads_all_answer(client: httpx.Client, user_id: str, profile_id: str) -> None:
    """Every read of the API and the control plane answers without a server error."""
    for path, params in [
        (TRACK, {"identifier": QUERY}),
        (f"/api/v2/users/{user_id}/events", {}),
        (f"/api/v2/users/{user_id}/profiles", {}),
        (PROFILES, {"identifier": QUERY}),
        (f"{PROFILES}/{profile_id}", {}),
        (f"{PROFILES}/{profile_id}/events", {}),
        ("/__zdevents/state", {}),
        ("/__zdevents/requests", {}),
        ("/__zdevents/health", {}),
    ]:
        response = client.get(path, params=params)
        assert response.status_code == 200, f"GET {path}: {response.status_code} {response.text[:300]}"


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_a_lone_surrogate_anywhere_in_any_body_is_refused_and_poisons_nothing(
    store_client: httpx.Client, encoding: str
) -> None:
    client = store_client
    made = client.post(TRACK, json=track_body()).json()
    user_id, profile_id = made["user_id"], made["profile_id"]
    encode = ENCODINGS[encoding]
    for method, path, params, body in write_routes(user_id, profile_id):
        for where, bad in poisoned(body):
            headers = {"Content-Type": "application/json"}
            response = client.request(method, path, params=params, content=encode(bad), headers=headers)
            assert response.status_code == 400, f"{method} {path} with a lone surrogate at {where}"
            assert error_code(response) == "InvalidJson"
            assert client.get("/__zdevents/state").status_code == 200, f"after {method} {path} at {where}"
    reads_all_answer(client, user_id, profile_id)


def test_a_body_in_another_encoding_than_utf8_is_refused(client: httpx.Client) -> None:
    for encoding in ("utf-16", "utf-32", "latin-1"):
        raw = json.dumps(track_body(event={"description": "Café"}), ensure_ascii=False).encode(encoding)
        response = client.post(TRACK, content=raw, headers={"Content-Type": "application/json"})
        assert response.status_code == 400, encoding
        assert "not UTF-8" in response.json()["errors"][0]["detail"]
    # A UTF-8 byte order mark is allowed to be ignored (RFC 8259 8.1), and is.
    bom = b"\xef\xbb\xbf" + json.dumps(track_body()).encode()
    assert client.post(TRACK, content=bom, headers={"Content-Type": "application/json"}).status_code == 202


def test_a_pair_of_surrogate_escapes_is_one_character_and_accepted(client: httpx.Client) -> None:
    raw = json.dumps(track_body(event={"description": "\U0001f600"})).encode()
    assert b"\\ud83d\\ude00" in raw
    assert client.post(TRACK, content=raw, headers={"Content-Type": "application/json"}).status_code == 202


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999", "-1e999", "1" * 4301])
@pytest.mark.parametrize("route", ["track", "patch", "import", "settings"])
def test_a_number_json_cannot_carry_is_refused_and_the_journal_shows_what_came(
    client: httpx.Client, number: str, route: str
) -> None:
    made = client.post(TRACK, json=track_body()).json()
    method, path, text = {
        "track": ("POST", TRACK, json.dumps(track_body()).replace('"Zendesk Swag"', number)),
        "patch": (
            "PATCH",
            f"{PROFILES}/{made['profile_id']}",
            f'{{"profile": {{"attributes": {{"n": {number}}}}}}}',
        ),
        "import": ("POST", "/__zdevents/state", f'{{"events": [], "n": {number}}}'),
        "settings": ("PATCH", "/__zdevents/settings", f'{{"lag": {number}}}'),
    }[route]
    response = client.request(
        method, path, content=text.encode(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400, response.text
    assert error_code(response) == "InvalidJson"
    journal = client.get("/__zdevents/requests")
    assert journal.status_code == 200
    if not path.startswith("/__zdevents"):
        assert journal.json()["requests"][-1]["body"] == text[:BODY_LIMIT] or number in journal.text
    assert client.get("/__zdevents/health").status_code == 200
    assert client.post(TRACK, json=track_body()).status_code == 202


def test_the_journal_is_bounded_in_bytes_and_a_delete_empties_it(
    make_emulator: Callable[..., Emulator],
) -> None:
    emulator = make_emulator(journal_size=20)
    with emulator.client() as client:
        huge = b'{"x": "' + b"a" * (64 * 1024) + b'"'  # refused: never closed
        for _ in range(25):
            sent = client.post(
                TRACK,
                params={"q": "b" * 60_000},
                content=huge,
                headers={"Content-Type": "application/json", **{f"X-H{i}": "c" * 900 for i in range(20)}},
            )
            assert sent.status_code == 400
        journal = client.get("/__zdevents/requests")
        assert journal.status_code == 200
        entries = journal.json()["requests"]
        assert len(entries) == 20
        for entry in entries:
            assert len(entry["body"]) < BODY_LIMIT + 100
            assert entry["body"].endswith(f"(cut at {BODY_LIMIT:,} of {len(huge):,} bytes)")
            assert len(entry["query"]) < TEXT_LIMIT + 100
            assert "(cut at" in entry["query"]
            assert sum(len(k) + len(v) for k, v in entry["headers"].items()) < HEADERS_LIMIT + 200
        assert len(journal.content) < 20 * (BODY_LIMIT + TEXT_LIMIT + HEADERS_LIMIT + 1024)
        assert client.delete("/__zdevents/requests").status_code == 204
        assert client.get("/__zdevents/requests").json() == {"requests": []}


def test_a_whole_body_is_shown_as_json_and_a_cut_one_as_text(client: httpx.Client) -> None:
    client.post(TRACK, json=track_body())
    client.post(TRACK, json=track_body(event={"description": "d" * BODY_LIMIT}))
    first, second = client.get("/__zdevents/requests").json()["requests"]
    assert first["body"] == track_body()
    assert isinstance(second["body"], str) and "(cut at" in second["body"]


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"page[size]": "9" * 5000}, "InvalidPageSize"),
        ({"page[size]": "0" * 5000 + "1"}, None),
        ({"page[after]": "9" * 5000 + "." + "9" * 5000}, None),
        ({"filter[source]": "s", "filter[start_time]": "9" * 5000}, "StartTimestampNotValid"),
        ({"identifier": "a:b:c:" + "d" * 60_000}, None),
    ],
)
def test_a_huge_number_or_text_in_the_query_is_no_server_error(
    client: httpx.Client, params: dict[str, str], code: str | None
) -> None:
    client.post(TRACK, json=track_body())
    response = client.get(TRACK, params={"identifier": QUERY, **params})
    assert response.status_code in (200, 400, 404), response.text[:300]
    if code is not None:
        assert error_code(response) == code


def test_a_huge_user_id_or_declared_length_is_no_server_error(client: httpx.Client) -> None:
    assert client.get(f"/api/v2/users/{'9' * 5000}/events").status_code in (400, 404)
    declared = {"Content-Type": "application/json", "Content-Length": "9" * 5000}
    response = client.post(TRACK, content=b"{}", headers=declared)
    assert response.status_code in (400, 413)


@pytest.mark.parametrize("depth", [100_000, 900, 40])
@pytest.mark.parametrize("route", ["track", "import"])
def test_deep_nesting_is_refused(client: httpx.Client, depth: int, route: str) -> None:
    nested = "[" * depth + "]" * depth
    if route == "track":
        path, text = TRACK, json.dumps(track_body()).replace('"Zendesk Swag"', nested)
    else:
        path, text = "/__zdevents/state", f'{{"users": {nested}}}'
    response = client.post(path, content=text.encode(), headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text[:300]
    if route == "track":
        assert error_code(response) in ("InvalidJson", "NestingTooDeep")
    assert client.get("/__zdevents/requests").status_code == 200


def test_an_import_nested_as_deep_as_the_parser_reads_is_refused_whole(client: httpx.Client) -> None:
    event = {
        "id": "01HX0000000000000000000000",
        "profile_id": "01HX0000000000000000000001",
        "user_id": "1",
        "source": "s",
        "type": "t",
        "properties": json.loads("[" * 900 + "]" * 900),
        "created_at": "2024-01-01T00:00:00Z",
        "received_at": "2024-01-01T00:00:00Z",
    }
    response = client.post("/__zdevents/state", json={"events": [event]})
    assert response.status_code == 400, response.text[:300]
    assert client.get("/__zdevents/state").json()["events"] == []


@pytest.mark.parametrize(
    "changes",
    [
        {"lag": 1e300},
        {"lag": -1},
        {"lag": "inf"},
        {"rate_limit": 10**30},
        {"rate_limit": 0},
        {"rate_limit": 1.5},
    ],
)
def test_a_setting_out_of_range_is_refused_and_the_emulator_keeps_working(
    client: httpx.Client, changes: dict[str, Any]
) -> None:
    response = client.patch("/__zdevents/settings", json=changes)
    assert response.status_code == 400
    assert error_code(response) == "InvalidSettings"
    assert "must be" in response.json()["errors"][0]["detail"]
    health = client.get("/__zdevents/health")
    assert (health.status_code, health.json()["lag"], health.json()["rate_limit"]) == (200, 0.0, None)
    assert client.post(TRACK, json=track_body()).status_code == 202


@pytest.mark.parametrize(
    ("credentials", "empty"),
    [
        ({"email": "", "token": "t"}, "email"),
        ({"email": "e@example.com", "token": " "}, "API token"),
        ({"oauth_tokens": [""]}, "OAuth token"),
        ({"read_only_oauth_tokens": ["\t"]}, "OAuth token"),
    ],
)
def test_an_empty_credential_is_refused_rather_than_switching_authentication_off(
    credentials: dict[str, Any], empty: str
) -> None:
    with pytest.raises(ValueError, match=f"The {empty} is empty, which would switch authentication off"):
        Emulator(**credentials)


def test_python_import_of_what_json_cannot_carry_is_refused(emulator: Emulator) -> None:
    good = copy.deepcopy(track_body())
    with emulator.client() as client:
        client.post(TRACK, json=good)
        state = emulator.export()
    for where, bad in [("lone surrogate", LONE), ("not finite", float("nan"))]:
        user = {**state["users"][0], "id": "77", "name": bad, "identities": []}
        with pytest.raises(Exception, match="not JSON") as raised:
            emulator.import_({"users": [user]})
        assert getattr(raised.value, "status", None) == 400, where
    assert len(emulator.export()["users"]) == 1


def test_head_never_changes_state(client: httpx.Client) -> None:
    state = {
        "users": [{"id": "5", "name": "Jo", "identities": [{"type": "email", "value": "jo@example.com"}]}]
    }
    headers = {"Content-Type": "application/json"}
    head = client.request("HEAD", "/__zdevents/state", content=json.dumps(state), headers=headers)
    assert head.status_code == 200
    put = client.request("HEAD", PROFILES, params={"identifier": QUERY}, json=profile_body())
    assert put.status_code in (200, 404)
    assert client.get("/__zdevents/state").json() == {"version": 1, "users": [], "profiles": [], "events": []}


@pytest.mark.parametrize("host", ["[", "evil.example/x?y", "a b", "host:99999", "h:port"])
def test_a_malformed_host_is_400(client: httpx.Client, host: str) -> None:
    response = client.get(TRACK, params={"identifier": QUERY}, headers={"Host": host})
    assert response.status_code == 400
    assert error_code(response) == "InvalidHost"
    assert client.get("/__zdevents/requests").status_code == 200


@pytest.mark.parametrize("method", ["GET", "PUT"])
def test_a_query_that_is_not_utf8_is_refused_and_stores_nothing(client: httpx.Client, method: str) -> None:
    url = f"{PROFILES}?identifier=shoppingnow:customer:email:jane%ED%A0%80@example.com"
    response = client.request(method, url, json=profile_body())
    assert response.status_code == 400
    assert error_code(response) == "InvalidQueryString"
    assert client.get("/__zdevents/state").json()["profiles"] == []
