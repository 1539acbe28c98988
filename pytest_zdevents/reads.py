"""Reading events the way every contract does: one page, or every page through the cursor."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .client import ZdClient

#: A walk longer than this is taken for a cursor that never ends.
MAX_PAGES = 1000


def read_page(client: ZdClient, path: str, params: Mapping[str, str] | None = None) -> dict[str, Any]:
    """One page of events: the 200 body, or an AssertionError that says what came instead."""
    # None, not {}: httpx replaces a URL's own query (as in links[0].next) with any params given.
    response = client.get(path, params=dict(params) if params else None)
    assert response.status_code == 200, (
        f"Reading events must answer 200 (S1); GET {path} {dict(params or {})} answered "
        f"{response.status_code}: {response.text[:500]}"
    )
    return response.json()


def read_all(
    client: ZdClient, path: str, params: Mapping[str, str] | None = None, *, page_size: int | None = None
) -> list[dict[str, Any]]:
    """Every event, following ``meta.after_cursor`` while ``meta.has_more`` is true (S1)."""
    query = dict(params or {})
    if page_size is not None:
        query["page[size]"] = str(page_size)
    events: list[dict[str, Any]] = []
    for _ in range(MAX_PAGES):
        page = read_page(client, path, query)
        events += page["events"]
        if not page["meta"]["has_more"]:
            return events
        query["page[after]"] = page["meta"]["after_cursor"]
    raise AssertionError(f"meta.has_more was still true after {MAX_PAGES} pages of GET {path}.")


def profile_events_path(profile_id: str) -> str:
    return f"/api/v2/user_profiles/{profile_id}/events"


def user_events_path(user_id: str) -> str:
    return f"/api/v2/users/{user_id}/events"


IDENTIFIER_EVENTS_PATH = "/api/v2/user_profiles/events"
