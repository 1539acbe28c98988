"""A profile with marked events, readable by scope: the data of the filter, pagination and
property contracts.

Each event carries a unique mark in its properties, so a read is compared with what was tracked by
marks, never by order. The three scopes are the three ways of reading events: by identifier query
(E2), by profile id (E3) and by user id (E1).
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Callable, Hashable, Mapping
from datetime import datetime
from typing import Any, TypeVar

from pytest_zdevents.runtime.client import ZdClient
from pytest_zdevents.runtime.eventually import Eventually
from pytest_zdevents.runtime.isolation import EVENT_SOURCES, MARK, identifier_query, mark_of
from pytest_zdevents.runtime.paths import IDENTIFIER_EVENTS_PATH, profile_events_path, user_events_path
from pytest_zdevents.runtime.reads import read_all
from pytest_zdevents.runtime.timestamps import instant
from pytest_zdevents.runtime.tracking import Tracker

T = TypeVar("T")

SCOPES = ("profile", "identifier", "user")
#: The page size of whole reads: one page for most timelines, and no more than a server may cap.
PAGE_SIZE = 50


def within_source(scope: str, source: str | None = None) -> dict[str, str]:
    """The filter a read in ``scope`` carries at least: by user, filter[source] (``source``, else
    the first suite source), since a user's events may also hold Zendesk standard events (S23)."""
    return {"filter[source]": source or EVENT_SOURCES[0]} if scope == "user" else {}


def show(events: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """Events, short, for assertion messages: (mark, source, type, created_at) each."""
    return [(mark_of(e), e.get("source"), e.get("type"), e.get("created_at")) for e in events]


def matching(
    timeline: Timeline, filters: Mapping[str, str], at: Mapping[str, datetime | None] | None = None
) -> list[str]:
    """The marks of the tracked events that every one of ``filters`` selects (seed 001: the whole
    source; the whole type, of that source; created_at equal to or later than start_time, equal to
    or before end_time). An event's created_at is the instant it was sent with, or its value in
    ``at`` (mark -> instant, as read back) where that has one."""

    def selects(mark: str, event: dict[str, Any]) -> bool:
        moment = (at or {}).get(mark) or instant(event["created_at"])
        assert moment is not None
        start, end = instant(filters.get("filter[start_time]")), instant(filters.get("filter[end_time]"))
        return (
            filters.get("filter[source]", event["source"]) == event["source"]
            and filters.get("filter[type]", event["type"]) == event["type"]
            and (start is None or moment >= start)
            and (end is None or moment <= end)
        )

    return [mark for mark, event in timeline.sent.items() if selects(mark, event)]


def check(
    timeline: Timeline, scope: str, filters: dict[str, str], expected: list[str], promise: str
) -> list[dict[str, Any]]:
    """Read ``timeline`` once in ``scope`` with ``filters`` and assert the events are exactly the
    ``expected`` marks, each once (``promise`` says what the docs promise); the events read."""
    if scope == "user" and "filter[source]" not in filters:
        raise AssertionError("reads by user always send filter[source] (S23 standard events)")
    events = timeline.read(scope, filters)
    got = Counter(mark_of(e) for e in events)
    tracked = [(m, e["source"], e["type"], e["created_at"]) for m, e in timeline.sent.items()]
    assert got == Counter(expected), (
        f"{promise}\nRead by {scope} with {filters}: expected exactly the events {sorted(expected)} "
        f"of those tracked {tracked}; got {show(events)}"
    )
    return events


class Timeline:
    """The events of one fresh profile, each with a unique mark, readable in the three scopes."""

    def __init__(self, tracker: Tracker, eventually: Eventually) -> None:
        self.tracker = tracker
        self.client: ZdClient = tracker.client
        self.eventually = eventually
        self.identifier = tracker.namespace.identifier("email")
        self.profile_id = self.user_id = ""
        #: mark -> the event tracked with it, in the order tracked.
        self.sent: dict[str, dict[str, Any]] = {}
        #: Once :meth:`freeze` is called (a shared timeline, built): what its reads answered, by
        #: what they asked, for every test that reads it (views share the dict).
        self.answers: dict[Hashable, Any] | None = None

    def freeze(self) -> None:
        """No event is tracked for this timeline any more: a read once answered with every event
        readable holds for every test that asks it again (:meth:`memo`)."""
        self.answers = {}

    def memo(self, key: Hashable, read: Callable[[], T]) -> T:
        """What ``read()`` answers, read once for a frozen timeline (its events are all readable
        and no longer change, so a second read of the same question would send the same answer
        again); every time for one still tracking."""
        if self.answers is None:
            return read()
        if key not in self.answers:
            self.answers[key] = read()
        return self.answers[key]

    def waiting_with(self, eventually: Eventually) -> Timeline:
        """This timeline's events, read with ``eventually``: how another test reads a timeline it
        shares (each test waits with its own)."""
        view = copy.copy(self)
        view.eventually = eventually
        return view

    @property
    def marks(self) -> list[str]:
        return list(self.sent)

    def track(self, source: str, type_: str, created_at: str, **fields: Any) -> str:
        """Track an event (E5) with a fresh mark added to its properties; the mark."""
        if self.answers is not None:
            raise RuntimeError("A frozen (shared) timeline tracks nothing more: its reads are kept.")
        mark = self.tracker.namespace.value()
        event = {
            "source": source,
            "type": type_,
            "created_at": created_at,
            **fields,
            "properties": {**fields.get("properties", {}), MARK: mark},
        }
        tracked = self.tracker(self.identifier, event=event)
        if not self.profile_id:
            self.profile_id, self.user_id = tracked.profile_id, tracked.user_id
        assert tracked.profile_id == self.profile_id, (
            f"Events tracked with the same identifier must go to the same profile (S1); the first "
            f"went to {self.profile_id}, this one to {tracked.profile_id}."
        )
        self.sent[mark] = event
        return mark

    def place(self, scope: str) -> tuple[str, dict[str, str]]:
        """The path and base query of a read in ``scope``."""
        if scope == "profile":
            return profile_events_path(self.profile_id), {}
        if scope == "identifier":
            return IDENTIFIER_EVENTS_PATH, {"identifier": identifier_query(self.identifier)}
        return user_events_path(self.user_id), {}

    def read(self, scope: str, filters: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
        """Every event of the scope that ``filters`` select, across all pages."""
        path, params = self.place(scope)
        query = {**params, **(filters or {})}
        return self.memo(
            ("read", scope, frozenset(query.items())),
            lambda: read_all(self.client, path, query, page_size=PAGE_SIZE),
        )

    def wait(self, scope: str, filters: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
        """Until a read of the scope with ``filters`` shows every tracked event of their
        filter[source] (every one, without it): ingestion may lag. The events of that read."""
        source = (filters or {}).get("filter[source]")
        expected = {m for m, event in self.sent.items() if source in (None, event["source"])}
        path, params = self.place(scope)
        query = {**params, **(filters or {})}

        def visible() -> list[dict[str, Any]]:
            events = read_all(self.client, path, query, page_size=PAGE_SIZE)
            missing = expected - {mark_of(e) for e in events}
            assert not missing, (
                f"{len(missing)} of the {len(expected)} tracked events are not readable yet (read by "
                f"{scope} with {dict(filters or {})}); got {show(events)}"
            )
            return events

        # Once every event showed, the answer holds for this read's later askers: wait, or read.
        return self.memo(("read", scope, frozenset(query.items())), lambda: self.eventually(visible))
