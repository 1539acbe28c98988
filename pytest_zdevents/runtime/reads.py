"""Reading events the way every contract does: one page, or every page through the cursor."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from pytest_zdevents.runtime.client import ZdClient
from pytest_zdevents.runtime.isolation import mark_of
from pytest_zdevents.runtime.paths import profile_events_path, profile_path

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


def events_shown(client: ZdClient, profile_id: str, count: int) -> None:
    """That the ``count`` events tracked against a profile are readable by its id (E3): the
    writes have shown, for ``zd_eventually(check, shown=...)``."""
    events = read_all(client, profile_events_path(profile_id))
    assert len(events) >= count, (
        f"The {count} events tracked against profile {profile_id} are not all readable through "
        f"GET {profile_events_path(profile_id)} yet: {len(events)} are"
    )


def shown(response: httpx.Response) -> str:
    """A response, short, for assertion messages."""
    return f"HTTP {response.status_code}: {response.text[:300]}"


def get_profile(client: ZdClient, profile_id: str) -> dict[str, Any]:
    """GET /api/v2/user_profiles/{profile_id} (P2): the profile object of a 200."""
    path = profile_path(profile_id)
    response = client.get(path)
    assert response.status_code == 200, (
        f'GET {path} of an existing profile must answer 200 {{"profile": ...}} (S2); got {shown(response)}'
    )
    body = response.json()
    assert isinstance(body, dict) and isinstance(body.get("profile"), dict), (
        f'GET {path} must answer {{"profile": {{...}}}} (S2); got {shown(response)}'
    )
    return body["profile"]


def identifier_pairs(identifiers: Any) -> set[tuple[Any, Any]]:
    """A profile's identifiers as (type, value) pairs; anything unreadable as an empty set."""
    if not isinstance(identifiers, list):
        return set()
    return {(i.get("type"), i.get("value")) for i in identifiers if isinstance(i, dict)}


def one_event(
    client: ZdClient, path: str, mark: str, params: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The one event with ``mark`` (:data:`~pytest_zdevents.runtime.isolation.MARK`) in every
    page of ``path``; an AssertionError until it is there."""
    found = [event for event in read_all(client, path, params) if mark_of(event) == mark]
    assert len(found) == 1, (
        f"GET {path} {dict(params or {})} should return the tracked event (mark {mark}) once; it "
        f"returned it {len(found)} times"
    )
    return found[0]
