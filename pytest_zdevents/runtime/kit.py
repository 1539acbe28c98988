"""What a contract works with, in one argument: the ``zd`` fixture."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx

from pytest_zdevents.runtime.cleanup import Created
from pytest_zdevents.runtime.client import ZdClient
from pytest_zdevents.runtime.eventually import Eventually
from pytest_zdevents.runtime.isolation import Namespace, identifier_query, mark_of
from pytest_zdevents.runtime.paths import PROFILES_PATH, profile_events_path
from pytest_zdevents.runtime.reads import read_all
from pytest_zdevents.runtime.session import current
from pytest_zdevents.runtime.timeline import PAGE_SIZE, Timeline
from pytest_zdevents.runtime.tracking import Tracked, Tracker

T = TypeVar("T")


@dataclass(frozen=True)
class Kit:
    """The fixtures zd_client, zd_namespace, zd_created, zd_track and zd_eventually of one test."""

    client: ZdClient
    namespace: Namespace
    created: Created
    track: Tracker
    eventually: Eventually

    def timeline(self) -> Timeline:
        """A fresh profile to track marked events for and read them by scope."""
        return Timeline(self.track, self.eventually)

    def shared_timeline(self, key: Hashable, build: Callable[[Timeline], T]) -> tuple[Timeline, T]:
        """The timeline of ``key`` and what ``build`` answered for it. The first test to ask tracks
        its events with ``build``; the others that read the same data (the scopes of one test, or
        contracts that need the same events) get it as it is and track nothing: a run against a
        tenant spends a profile and its events once, not once a test. Its reads are asked once too
        (:meth:`Timeline.memo`): a wait or read another test already made answers from memory.
        ``build`` may only track; a test that writes to its data needs :meth:`timeline`."""
        shared = current().shared
        if key not in shared:
            timeline = self.timeline()
            built = build(timeline)
            timeline.freeze()
            shared[key] = (timeline, built)
        timeline, built = shared[key]
        return timeline.waiting_with(self.eventually), built

    def shared_profile(self) -> Tracked:
        """A profile with one event, tracked once a run (a process) for every test that needs only
        that some profile of this run exists: to address requests to, to send refused events to,
        to read. Those tests may add events to it; none may count its events, change its
        identifiers or attributes, or delete it (they need :meth:`track` and a profile of their
        own). A tenant spends one profile, and one clean-up DELETE, for all of them."""
        shared = current().shared
        if "profile" not in shared:
            shared["profile"] = self.track(setup=True)
        tracked: Tracked = shared["profile"]
        return tracked

    def events_after_a_later_one(self, tracked: Tracked, path: str | None = None) -> list[dict[str, Any]]:
        """Every event read through ``path`` (by default ``tracked``'s profile's, E3), once a later,
        valid event tracked with ``tracked``'s identifiers reads back there exactly once: where a
        contract about a refused event looks for it (one read a try: the wait and the look in one)."""
        later = self.track(*tracked.identifiers, setup=True)
        path, mark = path or profile_events_path(tracked.profile_id), mark_of(later.body["event"])

        def shown() -> list[dict[str, Any]]:
            events = read_all(self.client, path, page_size=PAGE_SIZE)
            count = sum(mark_of(event) == mark for event in events)
            assert count == 1, (
                f"GET {path} should return the later tracked event (mark {mark}) once; it returned it "
                f"{count} times"
            )
            return events

        return self.eventually(shown)

    def put_new_profile(self, attributes: dict[str, Any]) -> tuple[httpx.Response, dict[str, str]]:
        """PUT (P5) a profile with ``attributes`` by the identifier query of a fresh email, which no
        profile matches: the answer, unchecked, and that email identifier. A target without the
        optional writes skips the test (``profile_writes``)."""
        email = self.namespace.identifier("email")
        response = self.client.put(
            PROFILES_PATH,
            params={"identifier": identifier_query(email)},
            json={"profile": self.namespace.profile(email, attributes=attributes)},
        )
        current().capabilities.require_operation(
            response, "PUT /api/v2/user_profiles?identifier=", "profile_writes"
        )
        return response, email
