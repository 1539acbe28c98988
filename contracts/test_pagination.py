"""Cursor pagination of the three ways of reading events (E1 by user, E2 by identifier query,
E3 by profile id): page[size], meta.has_more, meta.after_cursor and links[0].next (seed 001,
reference §5).

Every test tracks its own events against a fresh profile (created_at values with ties, so a
cursor cannot lean on distinct times), waits until a single unfiltered read shows all of them,
then walks the pages once. Events are compared by a unique mark each carries in its properties,
never by order; page sizes stay small (a server may cap page[size] at 50); reads by user send
filter[source] (they may also list Zendesk standard events, S23). What links[0].next or
meta.after_cursor hold on the last page is not asserted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from pytest_zdevents.runtime.cleanup import Created
from pytest_zdevents.runtime.client import ZdClient
from pytest_zdevents.runtime.isolation import (
    EVENT_SOURCES,
    EVENT_TYPES,
    MARK,
    PROFILE_SOURCE,
    PROFILE_TYPE,
    Namespace,
    identifier_query,
    marks,
)
from pytest_zdevents.runtime.paths import (
    IDENTIFIER_EVENTS_PATH,
    TRACK_PATH,
    profile_events_path,
    user_events_path,
)
from pytest_zdevents.runtime.reads import read_all, read_page

SCOPES = ("profile", "identifier", "user")


def meta(page: dict[str, Any], where: str) -> dict[str, Any]:
    """``page["meta"]``, checked to carry a boolean has_more (seed 001 example response)."""
    value = page.get("meta")
    assert isinstance(value, dict) and isinstance(value.get("has_more"), bool), (
        f"A page of events must carry meta {{'after_cursor', 'has_more': true|false}} (seed 001); "
        f"{where} answered meta={value!r}"
    )
    return value


class Pages:
    """A fresh profile with ``count`` events of the first suite source, readable in three scopes."""

    def __init__(
        self,
        client: ZdClient,
        namespace: Namespace,
        created: Created,
        eventually: Callable[..., Any],
        count: int,
    ) -> None:
        self.client = client
        self.identifier = namespace.identifier("email")
        self.profile_id = self.user_id = ""
        self.marks: list[str] = []
        base = datetime.now(UTC).replace(microsecond=0) - timedelta(days=2)
        for i in range(count):
            mark = namespace.value()
            body = {
                "profile": {"source": PROFILE_SOURCE, "type": PROFILE_TYPE, "identifiers": [self.identifier]},
                "event": {
                    "source": EVENT_SOURCES[0],
                    "type": EVENT_TYPES[i % len(EVENT_TYPES)],
                    # Pairs of events share a created_at: ties the cursor has to get past.
                    "created_at": (base + timedelta(minutes=i // 2)).isoformat(),
                    "properties": {MARK: mark},
                },
            }
            response = client.post(TRACK_PATH, json=body)
            assert response.status_code == 202, (
                f"Tracking an event must be answered 202 (S1); got {response.status_code}: "
                f"{response.text[:500]}"
            )
            answer = response.json()
            created.add(str(answer["profile_id"]))
            if not self.profile_id:
                self.profile_id, self.user_id = str(answer["profile_id"]), str(answer.get("user_id", ""))
            assert str(answer["profile_id"]) == self.profile_id, (
                "Events tracked with the same identifier must go to the same profile (S1); got "
                f"{self.profile_id} and {answer['profile_id']}."
            )
            self.marks.append(mark)
        self.eventually = eventually

    def place(self, scope: str) -> tuple[str, dict[str, str]]:
        if scope == "profile":
            return profile_events_path(self.profile_id), {}
        if scope == "identifier":
            return IDENTIFIER_EVENTS_PATH, {"identifier": identifier_query(self.identifier)}
        return user_events_path(self.user_id), {"filter[source]": EVENT_SOURCES[0]}

    def wait(self, scope: str) -> None:
        """Until one read of up to 50 events shows every tracked event (ingestion may lag)."""
        path, params = self.place(scope)

        def visible() -> None:
            got = marks(read_all(self.client, path, params, page_size=50))
            missing = set(self.marks) - set(got)
            assert not missing, f"{len(missing)} of {len(self.marks)} tracked events not readable yet: {got}"

        self.eventually(visible)

    def walk(self, scope: str, size: int, *, follow: str = "cursor") -> list[dict[str, Any]]:
        """Every page from the first while meta.has_more is true, through page[after]=
        meta.after_cursor (``follow="cursor"``) or links[0].next (``follow="link"``)."""
        path, params = self.place(scope)
        query = {**params, "page[size]": str(size)}
        where = f"GET {path} {query}"
        pages = [read_page(self.client, path, query)]
        # Enough pages for every event, one empty page more, and one to spare.
        limit = -(-len(self.marks) // size) + 2
        while meta(pages[-1], where)["has_more"]:
            assert len(pages) < limit, (
                f"Walking {len(self.marks)} events in pages of {size} ({where}), meta.has_more was "
                f"still true after {len(pages)} pages: the walk never ends. Marks per page: "
                f"{[marks(p.get('events', [])) for p in pages]}"
            )
            if follow == "cursor":
                query["page[after]"] = str(meta(pages[-1], where).get("after_cursor"))
                where = f"GET {path} {query}"
                pages.append(read_page(self.client, path, query))
            else:
                url = next_link(pages[-1], where)
                where = f"GET {url}"
                # Not read_page: httpx drops a URL's own query string when params are passed.
                response = self.client.get(url)
                assert response.status_code == 200, (
                    f"links[0].next must return the page that follows (seed 001); {where} answered "
                    f"{response.status_code}: {response.text[:500]}"
                )
                pages.append(response.json())
        return pages


def next_link(page: dict[str, Any], where: str) -> str:
    """links[0].next of a page that has more, checked to be the documented array form."""
    links = page.get("links")
    assert isinstance(links, list) and links and isinstance(links[0], dict), (
        'links must be an array of objects, "links": [{"next": "...?page[after]=..."}] (seed 001); '
        f"{where} answered links={links!r}"
    )
    url = links[0].get("next")
    assert isinstance(url, str) and url, (
        f"While more events remain (meta.has_more true), links[0].next must be the URL of the next "
        f"page (seed 001); {where} answered links={links!r}"
    )
    return url


@pytest.fixture
def pages(
    zd_client: ZdClient, zd_namespace: Namespace, zd_created: Created, zd_eventually: Any
) -> Callable[[int], Pages]:
    return lambda count: Pages(zd_client, zd_namespace, zd_created, zd_eventually, count)


def page_marks(walked: list[dict[str, Any]]) -> list[list[Any]]:
    return [marks(p.get("events", [])) for p in walked]


@pytest.mark.contract("pagination.page_size.respected")
@pytest.mark.parametrize("scope", SCOPES)
def test_page_size_is_the_number_of_events(pages: Callable[[int], Pages], scope: str) -> None:
    """page[size]=n MUST return at most n events, and exactly n while more remain: 'Include the
    specified number of events'.

    seed 001 (Events API reference), Get Events: page[size] 'Include the specified number of
    events'; 'page[size] specifies the number of events'"""
    timeline = pages(6)
    timeline.wait(scope)
    for size in range(1, 6):
        walked = timeline.walk(scope, size)
        first = walked[0].get("events", [])
        assert len(first) == size, (
            f"page[size]={size} must return exactly {size} events while more remain (seed 001: "
            f"'Include the specified number of events'); {len(timeline.marks)} events exist and the "
            f"first page had {len(first)}: {marks(first)}"
        )
        for number, page in enumerate(walked, 1):
            events = page.get("events", [])
            assert len(events) <= size, (
                f"page[size]={size} must return at most {size} events (seed 001); page {number} "
                f"had {len(events)}: {marks(events)}"
            )
            if page["meta"]["has_more"]:
                assert len(events) == size, (
                    f"page[size]={size} must return exactly {size} events while more remain; page "
                    f"{number} had meta.has_more true and {len(events)} events: {marks(events)}"
                )


@pytest.mark.contract("pagination.walk.each_once")
@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("size", [2, 3])
def test_walk_returns_every_event_once(pages: Callable[[int], Pages], scope: str, size: int) -> None:
    """Following the pages from the first until meta.has_more is false MUST return every event
    exactly once.

    reference §5, S16: 'The Profiles and Events APIs use cursor-based pagination. You receive a
    pagination token for the next page.'; seed 001 example response: meta {"after_cursor",
    "has_more": true}, links [{"next": "...?page[after]=..."}]"""
    timeline = pages(7)
    timeline.wait(scope)
    walked = timeline.walk(scope, size)
    got = Counter(m for page in page_marks(walked) for m in page)
    assert got == Counter(timeline.marks), (
        f"Following the pages (page[size]={size}) from the first until meta.has_more is false must "
        f"return every event exactly once (S16, seed 001). Missing: "
        f"{sorted(set(timeline.marks) - set(got))}; repeated: {sorted(m for m, c in got.items() if c > 1)}; "
        f"marks per page: {page_marks(walked)}"
    )


@pytest.mark.contract("pagination.has_more.accurate")
@pytest.mark.parametrize("scope", SCOPES)
def test_has_more_says_whether_events_remain(pages: Callable[[int], Pages], scope: str) -> None:
    """meta.has_more MUST be true when more events remain after the page and false on the last
    page.

    seed 001 (Events API reference), Get Events example response: "meta": {"after_cursor":
    "hkjhdjk", "has_more": true}. The guides' single-page examples (seeds 000, 002) omit meta:
    abridged examples, not a contradiction; the reference's three response examples are followed"""
    timeline = pages(5)
    timeline.wait(scope)
    path, params = timeline.place(scope)
    # Five events in pages of two: two full pages with more to come, then a last page of one.
    walked = timeline.walk(scope, 2)
    seen: set[Any] = set()
    for number, page in enumerate(walked, 1):
        seen |= set(marks(page.get("events", []))) & set(timeline.marks)
        remain = sorted(set(timeline.marks) - seen)
        has_more = page["meta"]["has_more"]
        if remain:
            assert has_more is True, (
                f"meta.has_more must be true when more events remain after the page (seed 001); page "
                f"{number} of GET {path} in pages of 2 said {has_more} with {remain} still to come; "
                f"marks per page: {page_marks(walked)}"
            )
        else:
            assert has_more is False, (
                f"meta.has_more must be false on the last page (seed 001); page {number} of GET "
                f"{path} in pages of 2 held the last events and said {has_more}"
            )
    # All five in one page of up to 50: that page is the last.
    single = read_page(timeline.client, path, {**params, "page[size]": "50"})
    assert meta(single, f"GET {path}")["has_more"] is False, (
        f"meta.has_more must be false on the last page (seed 001); GET {path} with page[size]=50 "
        f"returned {marks(single.get('events', []))} of 5 events and has_more {single['meta']['has_more']}"
    )


@pytest.mark.contract("pagination.links.next_array")
@pytest.mark.parametrize("scope", SCOPES)
def test_links_next_returns_the_following_page(pages: Callable[[int], Pages], scope: str) -> None:
    """links MUST be an array whose first object's next URL, while more events remain, returns
    the page that follows.

    seed 001 (Events API reference), Get Events example response: "links": [{"next":
    "...?page[after]=hkjhdjk"}]; S3 shows the same array; seeds 000 and 002 show "links":
    [{"next": ""}]. Zendesk's generic pagination uses an object (S21); the Events API's own
    pages all show an array and are followed (reference §2.4, §8 item 2)"""
    timeline = pages(5)
    timeline.wait(scope)
    walked = timeline.walk(scope, 2, follow="link")
    for number, page in enumerate(walked, 1):
        links = page.get("links")
        assert isinstance(links, list) and links and isinstance(links[0], dict), (
            'links must be an array of objects, "links": [{"next": ...}] (seed 001); page '
            f"{number} answered links={links!r}"
        )
    seen: list[Any] = []
    for number, page_of in enumerate(page_marks(walked), 1):
        again = sorted(set(page_of) & set(seen))
        assert not again, (
            f"links[0].next must return the page that follows (seed 001); page {number}, reached "
            f"through the previous page's next URL, repeats {again}; marks per page: {page_marks(walked)}"
        )
        seen += page_of
    assert Counter(seen) == Counter(timeline.marks), (
        f"Following links[0].next while meta.has_more is true must reach every event once (seed "
        f"001); missing {sorted(set(timeline.marks) - set(seen))}; marks per page: {page_marks(walked)}"
    )


@pytest.mark.contract("pagination.after_cursor.continues")
@pytest.mark.parametrize("scope", SCOPES)
def test_after_cursor_returns_the_page_that_follows(pages: Callable[[int], Pages], scope: str) -> None:
    """meta.after_cursor sent back as page[after] MUST return the page that follows, with no
    event of the earlier pages repeated and none skipped.

    seed 001 (Events API reference), Get Events example response: meta.after_cursor "hkjhdjk" and
    the next link '...?page[after]=hkjhdjk' (reference §5)"""
    timeline = pages(7)
    timeline.wait(scope)
    walked = timeline.walk(scope, 3)
    seen: list[Any] = []
    for number, page_of in enumerate(page_marks(walked), 1):
        again = sorted(set(page_of) & set(seen))
        assert not again, (
            f"page[after]=meta.after_cursor must return the page that follows, with no event of the "
            f"earlier pages repeated (seed 001); page {number} repeats {again}; marks per page: "
            f"{page_marks(walked)}"
        )
        seen += page_of
    skipped = sorted(set(timeline.marks) - set(seen))
    assert not skipped, (
        f"page[after]=meta.after_cursor must return the page that follows with no event skipped "
        f"(seed 001); after the last page these of the 7 events were never returned: {skipped}; "
        f"marks per page: {page_marks(walked)}"
    )
