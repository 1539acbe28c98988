"""Cursor pagination of the three ways of reading events (E1 by user, E2 by identifier query,
E3 by profile id): page[size], meta.has_more, meta.after_cursor and links[0].next (seed 001,
reference §5).

Every test reads the same seven events of one profile, tracked once a run (created_at values with
ties, so a cursor cannot lean on distinct times), once a single unfiltered read shows all of
them; a walk (scope, page size, how the next page is reached) is sent once a run, and every
contract that needs it asserts its own promise on it. Events are compared by a unique mark each
carries in its properties, never by order; page sizes stay small (a server may cap page[size] at
50); reads by user send filter[source] (they may also list Zendesk standard events, S23). What
links[0].next or meta.after_cursor hold on the last page is not asserted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from pytest_zdevents.runtime.isolation import EVENT_SOURCES, EVENT_TYPES, marks, recent_instant
from pytest_zdevents.runtime.kit import Kit
from pytest_zdevents.runtime.reads import read_page
from pytest_zdevents.runtime.timeline import SCOPES, Timeline, within_source
from pytest_zdevents.runtime.timestamps import stamp

#: ``pages(scope)``, the fixture below.
Pages = Callable[[str], Timeline]
#: The events every pagination contract walks: pairs share a created_at, the last stands alone.
EVENTS = 7


def meta(page: dict[str, Any], where: str) -> dict[str, Any]:
    """``page["meta"]``, checked to carry a boolean has_more (seed 001 example response)."""
    value = page.get("meta")
    assert isinstance(value, dict) and isinstance(value.get("has_more"), bool), (
        f"A page of events must carry meta {{'after_cursor', 'has_more': true|false}} (seed 001); "
        f"{where} answered meta={value!r}"
    )
    return value


def place(timeline: Timeline, scope: str) -> tuple[str, dict[str, str]]:
    """The path and query of a walk in ``scope``: by user, within the source tracked."""
    path, params = timeline.place(scope)
    return path, {**params, **within_source(scope)}


def walk(timeline: Timeline, scope: str, size: int, *, follow: str = "cursor") -> list[dict[str, Any]]:
    """Every page from the first while meta.has_more is true, through page[after]=
    meta.after_cursor (``follow="cursor"``) or links[0].next (``follow="link"``); walked once a
    run (:meth:`Timeline.memo`), the contracts that read the same walk share it."""
    return timeline.memo(("walk", scope, size, follow), lambda: _walk(timeline, scope, size, follow))


def _walk(timeline: Timeline, scope: str, size: int, follow: str) -> list[dict[str, Any]]:
    path, params = place(timeline, scope)
    query = {**params, "page[size]": str(size)}
    where = f"GET {path} {query}"
    pages = [read_page(timeline.client, path, query)]
    # Enough pages for every event, one empty page more, and one to spare.
    limit = -(-len(timeline.marks) // size) + 2
    while meta(pages[-1], where)["has_more"]:
        assert len(pages) < limit, (
            f"Walking {len(timeline.marks)} events in pages of {size} ({where}), meta.has_more was "
            f"still true after {len(pages)} pages: the walk never ends. Marks per page: "
            f"{page_marks(pages)}"
        )
        if follow == "cursor":
            query["page[after]"] = str(meta(pages[-1], where).get("after_cursor"))
            where = f"GET {path} {query}"
            pages.append(read_page(timeline.client, path, query))
        else:
            url = next_link(pages[-1], where)
            where = f"GET {url}"
            # Not read_page: httpx drops a URL's own query string when params are passed.
            response = timeline.client.get(url)
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
def pages(zd: Kit) -> Pages:
    """``pages(scope)``: a profile with :data:`EVENTS` events of the first suite source, once a
    read in ``scope`` shows them all; tracked once a run."""

    def build(timeline: Timeline) -> None:
        base = recent_instant()
        for i in range(EVENTS):
            # Pairs of events share a created_at: ties the cursor has to get past.
            created_at = stamp(base + timedelta(minutes=i // 2))
            timeline.track(EVENT_SOURCES[0], EVENT_TYPES[i % len(EVENT_TYPES)], created_at)

    def make(scope: str) -> Timeline:
        # Read-only walks: every contract and scope shares one profile.
        timeline, _ = zd.shared_timeline("pagination", build)
        timeline.wait(scope, within_source(scope))
        return timeline

    return make


def page_marks(walked: list[dict[str, Any]]) -> list[list[Any]]:
    return [marks(p.get("events", [])) for p in walked]


def unrepeated(walked: list[dict[str, Any]], promise: str) -> list[Any]:
    """The marks of the walk, page after page, asserting that no page repeats an earlier one's."""
    seen: list[Any] = []
    for number, page_of in enumerate(page_marks(walked), 1):
        again = sorted(set(page_of) & set(seen))
        assert not again, f"{promise}; page {number} repeats {again}; marks per page: {page_marks(walked)}"
        seen += page_of
    return seen


@pytest.mark.contract("pagination.page_size.respected")
@pytest.mark.parametrize("scope", SCOPES)
def test_page_size_is_the_number_of_events(pages: Pages, scope: str) -> None:
    """Seven events walked in pages of 1 to 5: every page holds at most n, and exactly n while more
    remain."""
    timeline = pages(scope)
    for size in range(1, 6):
        walked = walk(timeline, scope, size)
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
def test_walk_returns_every_event_once(pages: Pages, scope: str, size: int) -> None:
    """Seven events, pairs of them sharing a created_at, walked through meta.after_cursor."""
    timeline = pages(scope)
    walked = walk(timeline, scope, size)
    got = Counter(m for page in page_marks(walked) for m in page)
    assert got == Counter(timeline.marks), (
        f"Following the pages (page[size]={size}) from the first until meta.has_more is false must "
        f"return every event exactly once (S16, seed 001). Missing: "
        f"{sorted(set(timeline.marks) - set(got))}; repeated: {sorted(m for m, c in got.items() if c > 1)}; "
        f"marks per page: {page_marks(walked)}"
    )


@pytest.mark.contract("pagination.has_more.accurate")
@pytest.mark.parametrize("scope", SCOPES)
def test_has_more_says_whether_events_remain(pages: Pages, scope: str) -> None:
    """Seven events walked in pages of 1 (the last page exactly full), of 2 and of 3 (the last one
    not), and read in one page of 7 (exactly full) and of 50."""
    timeline = pages(scope)
    path, params = place(timeline, scope)
    for size in (1, 2, 3):
        walked = walk(timeline, scope, size)
        seen: set[Any] = set()
        for number, page in enumerate(walked, 1):
            seen |= set(marks(page.get("events", []))) & set(timeline.marks)
            remain = sorted(set(timeline.marks) - seen)
            has_more = page["meta"]["has_more"]
            assert has_more is bool(remain), (
                f"meta.has_more must say whether more events remain after the page (seed 001); page "
                f"{number} of GET {path} in pages of {size} said {has_more} with {remain or 'none'} still "
                f"to come; marks per page: {page_marks(walked)}"
            )
    for size in (EVENTS, 50):
        single = read_page(timeline.client, path, {**params, "page[size]": str(size)})
        got = marks(single.get("events", []))
        assert meta(single, f"GET {path}")["has_more"] is False, (
            f"meta.has_more must be false on the last page, full or not (seed 001); GET {path} with "
            f"page[size]={size} returned {got}, all {EVENTS} events, and has_more "
            f"{single['meta']['has_more']}"
        )


@pytest.mark.contract("pagination.links.next_array")
@pytest.mark.parametrize("scope", SCOPES)
def test_links_next_returns_the_following_page(pages: Pages, scope: str) -> None:
    """Seven events in pages of two, each page after the first reached through the previous one's
    links[0].next."""
    timeline = pages(scope)
    walked = walk(timeline, scope, 2, follow="link")
    for number, page in enumerate(walked, 1):
        links = page.get("links")
        assert isinstance(links, list) and links and isinstance(links[0], dict), (
            'links must be an array of objects, "links": [{"next": ...}] (seed 001); page '
            f"{number} answered links={links!r}"
        )
    seen = unrepeated(
        walked,
        "links[0].next must return the page that follows (seed 001), so no page reached through it repeats",
    )
    assert Counter(seen) == Counter(timeline.marks), (
        f"Following links[0].next while meta.has_more is true must reach every event once (seed "
        f"001); missing {sorted(set(timeline.marks) - set(seen))}; marks per page: {page_marks(walked)}"
    )


@pytest.mark.contract("pagination.after_cursor.continues")
@pytest.mark.parametrize("scope", SCOPES)
def test_after_cursor_returns_the_page_that_follows(pages: Pages, scope: str) -> None:
    """Seven events in pages of three: no page repeats an event of the pages before it, and none is
    skipped."""
    timeline = pages(scope)
    walked = walk(timeline, scope, 3)
    seen = unrepeated(
        walked,
        "page[after]=meta.after_cursor must return the page that follows, with no event of the earlier "
        "pages repeated (seed 001)",
    )
    skipped = sorted(set(timeline.marks) - set(seen))
    assert not skipped, (
        f"page[after]=meta.after_cursor must return the page that follows with no event skipped "
        f"(seed 001); after the last page these of the 7 events were never returned: {skipped}; "
        f"marks per page: {page_marks(walked)}"
    )
