"""Events: tracking them against profiles (E4, E5, E6) and reading them a page at a time (E1-E3)."""

from __future__ import annotations

from dataclasses import replace
from typing import Literal

from .backend import Backend
from .errors import IdentifierConflict, MissingField, ProfileNotFound
from .identifiers import IdentifierQuery
from .model import Event, EventFilter, EventPage, EventQuery, Profile
from .profiles import Profiles, check_owner
from .switches import Quirk, Variation
from .users import Users
from .validation import EventInput, ProfileInput


class Events:
    def __init__(self, backend: Backend, profiles: Profiles, users: Users) -> None:
        self.backend = backend
        self.store = backend.store
        self.profiles = profiles
        self.users = users

    # Tracking (E4, E5, E6)

    def track(
        self,
        event: EventInput,
        profile: ProfileInput | None,
        *,
        user_id: str | None = None,
        profile_id: str | None = None,
    ) -> Profile:
        """Store ``event`` against a profile: E6 when ``profile_id`` is given, E4 when ``user_id``
        is, E5 (the body's ``profile``) otherwise. Answers the profile it was stored against."""
        with self.backend.unit():
            if profile_id is not None:
                target = self.store.get_profile(profile_id)
                if target is None:
                    raise ProfileNotFound.by_id(profile_id)
            elif profile is None:  # E4 without a profile, under the user_track_profile_optional quirk
                assert user_id is not None
                self.users.check_exists(user_id)
                profiles = self.store.user_profiles(user_id)
                if not profiles:
                    raise MissingField("profile is required.")
                target = profiles[0]
            else:
                target = self._profile_for_event(profile, user_id or profile.user_id)
            self._store(target, event)
        return target

    def _profile_for_event(self, wanted: ProfileInput, user_id: str | None) -> Profile:
        """Find the profile by source, type and any identifier; add identifiers it lacks; or
        create it (S1: "If the profile does not exist, it will be created")."""
        assert wanted.source is not None and wanted.type is not None
        first_only = self.backend.on(Quirk.FIRST_IDENTIFIER_ONLY)
        lookup = wanted.identifiers[:1] if first_only else wanted.identifiers
        found = self.profiles.find_ids(wanted.source, wanted.type, lookup)
        if len(found) > 1 and not self.backend.on(Quirk.PROFILE_CONFLICT_FIRST_WINS):
            raise IdentifierConflict.between_profiles(wanted.source, wanted.type)
        self.users.check_exists(user_id)
        if len(found) > 1:  # the quirk: the first match takes the event, nothing is added
            first = self.store.get_profile(found[0])
            assert first is not None
            check_owner(first, user_id)
            return first
        if not found:
            return self.profiles.create(wanted.source, wanted.type, wanted, wanted.identifiers, user_id)
        profile = self.store.get_profile(found[0])
        assert profile is not None
        check_owner(profile, user_id)
        if not self.backend.on(Quirk.IDENTIFIERS_NOT_ADDED):
            claim = not self.backend.on(Quirk.ADDED_IDENTITIES_NOT_CLAIMED)
            self.profiles.add_identifiers(profile, wanted.identifiers, claim=claim)
        return profile

    def _store(self, profile: Profile, wanted: EventInput) -> None:
        backend = self.backend
        now = backend.clock()
        if backend.on(Quirk.CREATED_AT_OVERWRITTEN):
            wanted = replace(wanted, created_at=None, created_ns=None)
        if backend.on(Quirk.NESTED_PROPERTIES_FLATTENED):
            flat = {k: v for k, v in wanted.properties.items() if not isinstance(v, dict | list)}
            wanted = replace(wanted, properties=flat)
        visible_ns = now + int(backend.settings.lag * 1e9)
        backend.all_visible_ns = max(backend.all_visible_ns, visible_ns)
        event_id = backend.new_id(now)
        if backend.on(Quirk.EVENT_ID_PER_PROFILE):
            event_id = str(self._count(profile.id) + 1)
        event = wanted.event(event_id, profile, backend.timestamp(now), now, visible_ns)
        if wanted.created_ns is None and backend.on(Quirk.RECEIVED_CREATED_AT_AT_EPOCH):
            event = replace(event, created_ns=0)
        self.store.add_event(event)

    def _count(self, profile_id: str) -> int:
        """How many events the profile has, visible or not (for the event_id_per_profile quirk)."""
        every = EventQuery(scope="profile", scope_id=profile_id, descending=False, limit=0, visible_at=2**62)
        return len(self.store.events_page(every))

    # Reading (E1, E2, E3)

    def page(
        self,
        wanted: EventFilter,
        *,
        user_id: str | None = None,
        profile_id: str | None = None,
        query: IdentifierQuery | None = None,
    ) -> EventPage:
        """One page of the events of a user, a profile id or the profile an identifier query
        matches: exactly one of ``user_id``, ``profile_id`` and ``query``."""
        backend = self.backend
        page_size = wanted.page_size
        # The page_skips_item quirk drops the first event of every page after the first.
        skip = int(wanted.after is not None and backend.on(Quirk.PAGE_SKIPS_ITEM))
        descending = not backend.on(Variation.OLDEST_FIRST)
        with backend.lock:
            scope, scope_id = self._scope(user_id, profile_id, query)
            empty_not_found = backend.on(Quirk.EMPTY_PROFILE_EVENTS_NOT_FOUND)
            if scope == "profile" and scope_id and empty_not_found and not self._count(scope_id):
                raise ProfileNotFound.by_id(scope_id)  # the bug: no events taken for no profile
            events: list[Event] = []
            if scope_id is not None:
                events = self.store.events_page(
                    EventQuery(
                        scope=scope,
                        scope_id=scope_id,
                        descending=descending,
                        # One more than the page, to know whether more remain.
                        limit=page_size + 1 + skip,
                        visible_at=backend.clock(),
                        source=wanted.source,
                        type=wanted.type,
                        start_ns=wanted.start_ns,
                        end_ns=wanted.end_ns,
                        after=wanted.after,
                        source_match="prefix" if backend.on(Quirk.SOURCE_FILTER_PREFIX) else "equal",
                        type_match="substring" if backend.on(Quirk.TYPE_FILTER_SUBSTRING) else "equal",
                    )
                )
        events = events[skip:]
        has_more = len(events) > page_size
        events = events[:page_size]
        after = None
        if events:
            repeat = backend.on(Quirk.PAGE_REPEATS_ITEM) and len(events) > 1
            after = (events[-2] if repeat else events[-1]).key
        if backend.on(Quirk.HAS_MORE_WHEN_PAGE_FULL):
            has_more = len(events) == page_size
        if backend.on(Quirk.HAS_MORE_ALWAYS_FALSE):
            has_more = False
        return EventPage(events, has_more, after)

    def _scope(
        self, user_id: str | None, profile_id: str | None, query: IdentifierQuery | None
    ) -> tuple[Literal["user", "profile"], str | None]:
        """What the store reads: a user's or a profile's events. None when there is nothing."""
        if user_id is not None:
            self.users.check_exists(user_id)
            if self.backend.on(Quirk.USER_EVENTS_FIRST_PROFILE_ONLY):
                profiles = self.store.user_profiles(user_id)
                return "profile", profiles[0].id if profiles else None
            return "user", user_id
        if query is not None:
            profile = self.profiles.by_query(query)
            found = None if profile is None else profile.id
        else:
            assert profile_id is not None
            found = profile_id if self.store.has_profile(profile_id) else None
        if found is None:
            if self.backend.on(Quirk.UNKNOWN_PROFILE_EMPTY):
                return "profile", None
            raise ProfileNotFound.by_id(profile_id) if query is None else ProfileNotFound.by_query(query.raw)
        return "profile", found
