"""Cursor pagination of event reads (S1, S16): every event exactly once, in a stable order."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from pytest_zdevents.emulator import Emulator
from pytest_zdevents.emulator.timestamps import format_ns

PROFILE_ID = "01E1G0NJSQPNPZRV096JXKXFAA"
EVENTS = f"/api/v2/user_profiles/{PROFILE_ID}/events"
SHARED_INSTANT = "2020-02-28T18:13:28.175841347Z"


def seed(client: httpx.Client, count: int, *, shared_every: int = 0, source: str = "shoppingnow") -> None:
    """Import ``count`` events on one profile; every ``shared_every``-th shares one created_at."""
    events = []
    for n in range(count):
        shared = shared_every and n % shared_every == 0
        created_at = SHARED_INSTANT if shared else format_ns(1_580_000_000 * 10**9 + n * 10**9)
        events.append(
            {
                "profile_id": PROFILE_ID,
                "source": source,
                "type": f"t{n}",
                "properties": {},
                "created_at": created_at,
            }
        )
    state = {
        "users": [{"id": "85211553", "name": "Jane"}],
        "profiles": [
            {
                "id": PROFILE_ID,
                "user_id": "85211553",
                "source": "coolbikes",
                "type": "rider",
                "identifiers": [{"type": "email", "value": "jane@example.com"}],
            }
        ],
        "events": events,
    }
    response = client.post("/__zdevents/state", json=state)
    assert response.status_code == 200, response.text


def walk(client: httpx.Client, url: str, **params: str) -> tuple[list[str], int]:
    """Follow meta.after_cursor to the end; the event types in order, and the page count."""
    seen: list[str] = []
    pages = 0
    after: str | None = None
    while True:
        query = {**params, **({"page[after]": after} if after else {})}
        body = client.get(url, params=query).json()
        pages += 1
        seen += [event["type"] for event in body["events"]]
        if not body["meta"]["has_more"]:
            return seen, pages
        after = body["meta"]["after_cursor"]
        assert pages < 10_000, "pagination does not end"


@pytest.fixture(params=["memory", "sqlite"])
def backend_client(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    db_path = str(tmp_path / "events.sqlite3") if request.param == "sqlite" else None
    emulator = Emulator(db_path=db_path)
    with emulator.client() as client:
        yield client
    emulator.close()


def test_ten_thousand_events_a_quarter_sharing_created_at(backend_client: httpx.Client) -> None:
    """Issue 2's acceptance check: 10,000 events on one profile, 2,500 sharing one created_at,
    read back page by page: each exactly once, in the same order on every walk."""
    seed(backend_client, 10_000, shared_every=4)
    first, pages = walk(backend_client, EVENTS, **{"page[size]": "100"})
    assert pages == 100
    assert len(first) == 10_000
    assert len(set(first)) == 10_000
    second, _ = walk(backend_client, EVENTS, **{"page[size]": "100"})
    assert second == first


def test_newest_first_then_latest_arrival_first(client: httpx.Client) -> None:
    """Emulator choice: created_at descending, ties broken by arrival, latest first."""
    seed(client, 12, shared_every=3)
    seen, _ = walk(client, EVENTS, **{"page[size]": "5"})
    shared = [f"t{n}" for n in (9, 6, 3, 0)]
    others = [f"t{n}" for n in range(11, -1, -1) if n % 3]
    # The shared instant (2020-02-28) is later than every other created_at (2020-01-26..).
    assert seen == shared + others


def test_oldest_first_variation(make_emulator: Callable[..., Emulator]) -> None:
    """The oldest_first variation walks the same events in the opposite order."""
    with make_emulator(variations=["oldest_first"]).client() as client:
        seed(client, 7)
        seen, _ = walk(client, EVENTS, **{"page[size]": "3"})
    assert seen == [f"t{n}" for n in range(7)]


def test_default_and_maximum_page_size_are_100(client: httpx.Client) -> None:
    """Emulator choice (S21's generic default): 100 events a page unless asked for fewer;
    more than 100 is refused."""
    seed(client, 150)
    assert len(client.get(EVENTS).json()["events"]) == 100
    assert len(client.get(EVENTS, params={"page[size]": "100"}).json()["events"]) == 100
    assert len(client.get(EVENTS, params={"page[size]": "7"}).json()["events"]) == 7
    assert client.get(EVENTS, params={"page[size]": "101"}).status_code == 400


def test_page_size_max_50_variation(make_emulator: Callable[..., Emulator]) -> None:
    """The page_size_max_50 variation caps and defaults page[size] at 50."""
    with make_emulator(variations=["page_size_max_50"]).client() as client:
        seed(client, 60)
        assert len(client.get(EVENTS).json()["events"]) == 50
        assert client.get(EVENTS, params={"page[size]": "51"}).status_code == 400


def test_meta_and_links_as_documented(client: httpx.Client) -> None:
    """S1: meta.has_more, meta.after_cursor and links [{next}] with page[after]=<cursor>;
    emulator choice: next is "" on the last page, after_cursor names the last event returned."""
    seed(client, 3)
    first = client.get(EVENTS, params={"page[size]": "2", "filter[source]": "shoppingnow"}).json()
    assert first["meta"]["has_more"] is True
    cursor = first["meta"]["after_cursor"]
    (link,) = first["links"]
    next_url = httpx.URL(link["next"])
    assert next_url.path == EVENTS
    assert next_url.params["page[after]"] == cursor
    assert next_url.params["filter[source]"] == "shoppingnow"
    assert next_url.params["page[size]"] == "2"
    last = client.get(str(next_url)).json()
    assert [event["type"] for event in last["events"]] == ["t0"]
    assert last["meta"]["has_more"] is False
    assert last["links"] == [{"next": ""}]
    assert last["meta"]["after_cursor"] is not None


def test_empty_page(client: httpx.Client) -> None:
    """Emulator choice: no events means no cursor, has_more false and an empty next link."""
    seed(client, 2)
    body = client.get(EVENTS, params={"filter[source]": "nothing-here"}).json()
    assert body == {"events": [], "links": [{"next": ""}], "meta": {"has_more": False, "after_cursor": None}}


def test_cursor_survives_new_events(client: httpx.Client) -> None:
    """Newest first, a walk's cursor is a position: events added meanwhile at newer instants do
    not shift what the next page returns."""
    seed(client, 4)
    first = client.get(EVENTS, params={"page[size]": "2"}).json()
    client.post(
        "/__zdevents/state",
        json={"events": [{"profile_id": PROFILE_ID, "source": "s", "type": "late", "properties": {}}]},
    )
    rest = client.get(EVENTS, params={"page[size]": "2", "page[after]": first["meta"]["after_cursor"]}).json()
    assert [event["type"] for event in first["events"] + rest["events"]] == ["t3", "t2", "t1", "t0"]
