"""Event reads answered again from :mod:`pytest_zdevents.emulator.pagecache`: the same bytes for
the same URL while nothing changes, and a fresh read as soon as anything could change the answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest
from helpers import TRACK, FakeClock, track_body

from pytest_zdevents.emulator import Emulator
from pytest_zdevents.emulator.pagecache import PAGES_KEPT, PageCache
from pytest_zdevents.emulator.settings import EmulatorSettings

JANE = "shoppingnow:customer:email:jane@example.com"


def reads(profile_id: str, user_id: str) -> list[str]:
    return [
        f"/api/v2/user_profiles/{profile_id}/events",
        f"/api/v2/users/{user_id}/events",
        f"/api/v2/user_profiles/events?identifier={JANE}",
        f"/api/v2/user_profiles/{profile_id}/events?page[size]=1",
    ]


def types(client: httpx.Client, url: str) -> list[str]:
    answer = client.get(url)
    assert answer.status_code == 200, answer.text
    return [event["type"] for event in answer.json()["events"]]


@pytest.fixture
def tracked(client: httpx.Client) -> dict[str, Any]:
    answer = client.post(TRACK, json=track_body(event={"type": "first"}))
    assert answer.status_code == 202, answer.text
    return answer.json()


def test_the_same_read_answers_the_same_bytes(client: httpx.Client, tracked: dict[str, Any]) -> None:
    for url in reads(tracked["profile_id"], tracked["user_id"]):
        assert client.get(url).content == client.get(url).content, url


def test_a_write_shows_in_the_next_read(client: httpx.Client, tracked: dict[str, Any]) -> None:
    urls = reads(tracked["profile_id"], tracked["user_id"])
    assert [types(client, url) for url in urls] == [["first"]] * 4
    assert client.post(TRACK, json=track_body(event={"type": "second"})).status_code == 202
    assert [types(client, url) for url in urls] == [["second", "first"]] * 3 + [["second"]]
    assert client.delete(f"/api/v2/user_profiles/{tracked['profile_id']}").status_code == 204
    assert client.get(urls[0]).status_code == 404, "a deleted profile's events must not be answered again"


def test_a_change_of_settings_shows_in_the_next_read(
    emulator: Emulator, client: httpx.Client, tracked: dict[str, Any]
) -> None:
    url = reads(tracked["profile_id"], tracked["user_id"])[0]
    assert isinstance(client.get(url).json()["events"][0]["user_id"], str)
    emulator.configure(quirks=["user_id_as_number"])
    assert isinstance(client.get(url).json()["events"][0]["user_id"], int)


def test_reset_and_import_show_in_the_next_read(
    emulator: Emulator, client: httpx.Client, tracked: dict[str, Any]
) -> None:
    url = reads(tracked["profile_id"], tracked["user_id"])[0]
    saved = emulator.export()
    assert types(client, url) == ["first"]
    emulator.reset()
    assert client.get(url).status_code == 404
    emulator.import_(saved)
    assert types(client, url) == ["first"]


def test_an_event_within_its_lag_shows_once_it_is_readable(
    make_emulator: Callable[..., Emulator], clock: FakeClock
) -> None:
    """A read made while an event is not yet readable is not answered again once it is."""
    with make_emulator(lag=2.0).client() as client:
        first = client.post(TRACK, json=track_body(event={"type": "first"})).json()
        url = reads(first["profile_id"], first["user_id"])[0]
        clock.advance(3)
        assert types(client, url) == ["first"]
        client.post(TRACK, json=track_body(event={"type": "second"}))
        assert types(client, url) == ["first"]
        assert types(client, url) == ["first"]
        clock.advance(3)
        assert types(client, url) == ["second", "first"]


def test_pages_are_kept_per_settings_and_state_and_only_so_many() -> None:
    cache, settings = PageCache(), EmulatorSettings()
    cache.put(settings, (1, 0), "/a", b"a")
    assert cache.get(settings, (1, 0), "/a") == b"a"
    assert cache.get(settings, (2, 0), "/a") is None, "another state must not see the page"
    assert cache.get(EmulatorSettings(), (1, 0), "/a") is None, "other settings must not see the page"
    cache.put(settings, None, "/b", b"b")
    assert cache.get(settings, None, "/b") is None, "a state that may change with time keeps nothing"
    for n in range(PAGES_KEPT):
        cache.put(settings, (1, 0), f"/{n}", b"x")
    assert sum(cache.get(settings, (1, 0), f"/{n}") is not None for n in range(PAGES_KEPT)) < PAGES_KEPT


def test_a_write_by_another_process_on_the_same_file_shows(
    make_emulator: Callable[..., Emulator], tmp_path: Any
) -> None:
    """Two emulators on one SQLite file (as two processes would be): a page one of them read is
    not answered again once the other has written."""
    db = str(tmp_path / "shared.sqlite3")
    with make_emulator(db_path=db).client() as reader, make_emulator(db_path=db).client() as writer:
        first = writer.post(TRACK, json=track_body(event={"type": "first"})).json()
        url = reads(first["profile_id"], first["user_id"])[0]
        assert types(reader, url) == ["first"]
        assert writer.post(TRACK, json=track_body(event={"type": "second"})).status_code == 202
        assert types(reader, url) == ["second", "first"]
