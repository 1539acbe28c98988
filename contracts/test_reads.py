"""Reads of existing data: the contracts a read-only run (``--zd-read-only``) can check.

They read a profile the vendor names in its capabilities file (``read_only_data``); in a run that
may write and names none, they track a fresh profile with three events first (zd_readable).
Nothing is assumed of the data but that the profile has at least two events.
"""

from __future__ import annotations

from typing import Any

import pytest

from pytest_zdevents.runtime.client import ZdClient
from pytest_zdevents.runtime.paths import IDENTIFIER_EVENTS_PATH
from pytest_zdevents.runtime.reads import read_all, read_page
from pytest_zdevents.runtime.tracking import Readable

#: A walk of one event a page stops here: a named profile may hold many events.
MAX_PAGES = 200


def walk_one_by_one(client: ZdClient, query: str) -> list[list[Any]]:
    """The event ids of each page of a walk with page[size]=1, stopping at a repeated id (a
    cursor that does not move) or after :data:`MAX_PAGES` pages."""
    params = {"identifier": query, "page[size]": "1"}
    pages: list[list[Any]] = []
    seen: set[Any] = set()
    for _ in range(MAX_PAGES):
        page = read_page(client, IDENTIFIER_EVENTS_PATH, params)
        ids = [event.get("id") for event in page["events"]]
        pages.append(ids)
        if seen & set(ids) or not page["meta"]["has_more"]:
            break
        seen |= set(ids)
        params["page[after]"] = page["meta"]["after_cursor"]
    return pages


@pytest.mark.contract("reads.walk.each_once")
def test_walking_one_event_a_page_lists_each_event_once(zd_client: ZdClient, zd_readable: Readable) -> None:
    """A walk with page[size]=1 by identifier query (E2), compared with one walk in pages of 50."""
    everything = [
        event.get("id")
        for event in read_all(
            zd_client, IDENTIFIER_EVENTS_PATH, {"identifier": zd_readable.query}, page_size=50
        )
    ]
    if len(everything) < 2:
        pytest.skip(
            f"The profile {zd_readable.query} has {len(everything)} events; this contract needs two or more."
        )
    pages = walk_one_by_one(zd_client, zd_readable.query)
    oversized = [ids for ids in pages if len(ids) > 1]
    assert not oversized, (
        f"page[size]=1 MUST return at most one event a page (seed 001); pages held {oversized[:3]}"
    )
    walked = [event_id for ids in pages for event_id in ids]
    repeated = sorted({i for i in walked if walked.count(i) > 1}, key=str)
    assert not repeated, f"A walk by page[after] MUST list each event once (seed 001); repeated: {repeated}"
    if len(pages) < MAX_PAGES:
        missing = set(everything) - set(walked)
        assert not missing, (
            f"A walk by page[after] MUST reach every event (meta.has_more true while more remain, "
            f"seed 001); a walk one a page missed {len(missing)} of {len(everything)}: "
            f"{sorted(missing, key=str)[:5]}"
        )
