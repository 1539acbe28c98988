"""Property: for any drawn events and page sizes, the pages return every matching event once
(seed 001 pagination, S16). The hypothesis profile and its limits are in contracts/conftest.py."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from pytest_zdevents.runtime.client import ZdClient
from pytest_zdevents.runtime.drawn import EVENT_SPEC, track_drawn
from pytest_zdevents.runtime.isolation import EVENT_SOURCES, EVENT_TYPES, mark_of, recent_instant
from pytest_zdevents.runtime.kit import Kit
from pytest_zdevents.runtime.reads import read_page
from pytest_zdevents.runtime.timeline import SCOPES, show, within_source

A = EVENT_SOURCES[0]
T0 = EVENT_TYPES[0]


@pytest.mark.contract("properties.pagination.each_once")
@given(
    specs=st.lists(EVENT_SPEC, min_size=1, max_size=8),
    sizes=st.lists(st.integers(1, 4), min_size=1, max_size=3, unique=True),
    scope=st.sampled_from(SCOPES),
    source=st.one_of(st.none(), st.sampled_from(EVENT_SOURCES)),
)
# Every run tries first a walk that needs several pages.
@example(
    specs=[{"source": A, "type": T0, "at": 60 * (i // 2), "offset": "Z"} for i in range(6)],
    sizes=[2],
    scope="profile",
    source=None,
)
def test_pages_return_every_matching_event_once(
    zd: Kit, specs: list[dict[str, Any]], sizes: list[int], scope: str, source: str | None
) -> None:
    """Each drawn page size walks every page of the drawn events, within the drawn source if any."""
    timeline = zd.timeline()
    marks = track_drawn(timeline, recent_instant(), specs)
    source = source or (A if scope == "user" else None)
    timeline.wait(scope, within_source(scope, source))
    expected = [m for m, e in zip(marks, specs, strict=True) if source is None or e["source"] == source]
    path, params = timeline.place(scope)
    if source:
        params["filter[source]"] = source
    for size in sizes:
        walk_each_once(zd.client, path, params, size, expected)


def walk_each_once(
    client: ZdClient, path: str, params: dict[str, str], size: int, expected: list[str]
) -> None:
    """Follow the pages of ``size`` until meta.has_more is false: pages of at most ``size``,
    every one of ``expected`` exactly once."""
    query = {**params, "page[size]": str(size)}
    pages: list[list[Any]] = []
    limit = -(-len(expected) // size) + 2
    while True:
        page = read_page(client, path, query)
        events = page.get("events", [])
        pages.append([mark_of(e) for e in events])
        assert len(events) <= size, (
            f"page[size]={size} must give pages of at most {size} events (seed 001); GET {path} {query} "
            f"returned {len(events)}: {show(events)}"
        )
        meta = page.get("meta") or {}
        if not meta.get("has_more"):
            break
        assert len(pages) < limit, (
            f"Walking {len(expected)} events in pages of {size}, meta.has_more was still true after "
            f"{len(pages)} pages; marks per page: {pages}"
        )
        query["page[after]"] = str(meta.get("after_cursor"))
    got = Counter(m for p in pages for m in p)
    assert got == Counter(expected), (
        f"Following the pages until meta.has_more is false must return every matching event exactly "
        f"once (seed 001, S16). GET {path} {params} in pages of {size}: missing "
        f"{sorted(set(expected) - set(got))}, repeated {sorted(m for m, c in got.items() if c > 1)}, "
        f"not matching {sorted(set(got) - set(expected), key=str)}; marks per page: {pages}"
    )
