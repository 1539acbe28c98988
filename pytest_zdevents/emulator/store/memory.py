"""The in-memory store: dictionaries for records, sorted indexes for event order.

Each profile and each user has three indexes (:class:`_Index`): every event, its events by source,
and by source and type. A read filtered exactly by source (and type) walks the narrowest one, so a
selective read costs the same however many other events the profile has. Events mostly arrive in
key order (created now), so an event is appended in constant time; only an older ``created_at`` is
inserted in order. A read that no filter narrows takes its page as one slice.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import replace

from ..model import Event, EventQuery, Identifier, Profile, User
from .base import SEQ_MAX, SEQ_MIN

Key = tuple[int, int]
#: An index of event keys: ("profile" or "user", its id), then optionally source and type.
Scope = tuple[str, ...]


class _Index:
    """The events of one scope sorted by key: the keys to bisect, and the events beside them."""

    __slots__ = ("events", "keys")

    def __init__(self) -> None:
        self.keys: list[Key] = []
        self.events: list[Event] = []

    def add(self, event: Event, key: Key) -> None:
        keys = self.keys
        if not keys or keys[-1] < key:
            keys.append(key)
            self.events.append(event)
        else:
            at = bisect.bisect_right(keys, key)
            keys.insert(at, key)
            self.events.insert(at, event)

    def remove(self, event: Event) -> None:
        at = bisect.bisect_left(self.keys, event.key)
        del self.keys[at], self.events[at]

    def taken(self, positions: range, limit: int) -> list[Event]:
        """The events at the first ``limit`` (0: all) of ``positions``, as slices, not one by one."""
        taken = positions[: limit or None]
        if not taken:
            return []
        if taken.step == 1:
            return self.events[taken.start : taken.stop]
        return self.events[taken.stop + 1 : taken.start + 1][::-1]


def key_range(keys: list[Key], query: EventQuery) -> range:
    """Indexes of ``keys`` (sorted ascending) inside the query's time bounds and past its cursor,
    in reading order."""
    lo = 0 if query.start_ns is None else bisect.bisect_left(keys, (query.start_ns, SEQ_MIN))
    hi = len(keys) if query.end_ns is None else bisect.bisect_right(keys, (query.end_ns, SEQ_MAX))
    if query.after is not None:
        if query.descending:
            hi = min(hi, bisect.bisect_left(keys, query.after))
        else:
            lo = max(lo, bisect.bisect_right(keys, query.after))
    return range(hi - 1, lo - 1, -1) if query.descending else range(lo, hi)


class MemoryStore:
    """Everything in process memory; gone when the process ends."""

    def __init__(self) -> None:
        self.clear()

    def atomic(self) -> AbstractContextManager[None]:
        # The service validates before it writes, and holds its lock around every operation.
        return nullcontext()

    def clear(self) -> None:
        self._users: dict[str, User] = {}
        self._identity_owner: dict[Identifier, str] = {}
        self._profiles: dict[str, Profile] = {}
        self._user_profile_ids: dict[str, dict[str, None]] = {}  # an ordered set per user
        self._identifier_index: dict[tuple[str, str, Identifier], str] = {}
        self._events: dict[int, Event] = {}
        self._indexes: dict[Scope, _Index] = {}
        #: The latest instant any stored event becomes visible: a read at or after it sees them all.
        self._all_visible_ns = 0
        self._seq = 0

    def close(self) -> None:
        pass

    # Users

    def get_user(self, user_id: str) -> User | None:
        user = self._users.get(user_id)
        # Copies, so that a caller's change reaches the store only through save_*, as with SQLite.
        return None if user is None else replace(user, identities=list(user.identities))

    def save_user(self, user: User) -> None:
        before = self._users.get(user.id)
        for identity in before.identities if before else []:
            if identity not in user.identities and self._identity_owner.get(identity) == user.id:
                del self._identity_owner[identity]
        self._users[user.id] = replace(user, identities=list(user.identities))
        for identity in user.identities:
            self._identity_owner[identity] = user.id

    def identity_owner(self, identity: Identifier) -> str | None:
        return self._identity_owner.get(identity)

    def users(self) -> Iterator[User]:
        return iter([replace(u, identities=list(u.identities)) for u in self._users.values()])

    # Profiles

    def get_profile(self, profile_id: str) -> Profile | None:
        profile = self._profiles.get(profile_id)
        return None if profile is None else _copy(profile)

    def outside_writes(self) -> int:
        return 0

    def has_profile(self, profile_id: str) -> bool:
        return profile_id in self._profiles

    def profile_ids_for(self, source: str, type_: str, identifiers: Iterable[Identifier]) -> set[str]:
        found = (self._identifier_index.get((source, type_, identifier)) for identifier in identifiers)
        return {profile_id for profile_id in found if profile_id is not None}

    def save_profile(self, profile: Profile) -> None:
        old = self._profiles.get(profile.id)
        if old is not None and old.user_id != profile.user_id:
            self._user_profile_ids[old.user_id].pop(profile.id)
        self._unindex(profile.id)
        self._profiles[profile.id] = _copy(profile)
        self._user_profile_ids.setdefault(profile.user_id, {})[profile.id] = None
        for identifier in profile.identifiers:
            self._identifier_index[(profile.source, profile.type, identifier)] = profile.id

    def _unindex(self, profile_id: str) -> None:
        old = self._profiles.get(profile_id)
        if old is not None:
            for identifier in old.identifiers:
                key = (old.source, old.type, identifier)
                if self._identifier_index.get(key) == profile_id:
                    del self._identifier_index[key]

    def delete_profile(
        self, profile_id: str, *, delete_events: bool = True, keep_index: bool = False
    ) -> None:
        if not keep_index:
            self._unindex(profile_id)
        profile = self._profiles.pop(profile_id, None)
        if profile is not None:
            self._user_profile_ids[profile.user_id].pop(profile_id)
        index = self._indexes.get(("profile", profile_id))
        events = [] if index is None else index.events
        for scope in _scopes("profile", profile_id, events):
            self._indexes.pop(scope, None)
        if not delete_events:
            return
        for event in events:
            del self._events[event.seq]
            for scope in _scopes("user", event.user_id, [event]):
                self._indexes[scope].remove(event)

    def user_profiles(self, user_id: str) -> list[Profile]:
        return [_copy(self._profiles[pid]) for pid in self._user_profile_ids.get(user_id, {})]

    def profiles(self) -> Iterator[Profile]:
        return iter([_copy(profile) for profile in self._profiles.values()])

    # Events

    def add_event(self, event: Event) -> Event:
        self._seq += 1
        # The event is new and the store's from now on: its arrival number is set in place, not
        # by a copy (copying took a fifth of a track's time).
        object.__setattr__(event, "seq", self._seq)
        self._events[event.seq] = event
        self._all_visible_ns = max(self._all_visible_ns, event.visible_ns)
        source, type_, key, indexes = event.source, event.type, event.key, self._indexes
        for scope_id, kind in ((event.profile_id, "profile"), (event.user_id, "user")):
            for scope in ((kind, scope_id), (kind, scope_id, source), (kind, scope_id, source, type_)):
                index = indexes.get(scope)
                if index is None:
                    index = indexes[scope] = _Index()
                index.add(event, key)
        return event

    def events_page(self, query: EventQuery) -> list[Event]:
        scope: Scope = (query.scope, query.scope_id)
        # Whether the index read selects exactly the filters' events: the time bounds and the
        # cursor are its key range, an exact source (and type) its scope.
        exact = query.source is None and query.type is None
        if query.source is not None and query.source_match == "equal":
            scope += (query.source,)
            exact = query.type is None
            if query.type is not None and query.type_match == "equal":
                scope += (query.type,)
                exact = True
        index = self._indexes.get(scope)
        if index is None:
            return []
        positions = key_range(index.keys, query)
        if exact and query.visible_at >= self._all_visible_ns:
            # Every event in range is on the page (the most common read): none is looked at.
            return index.taken(positions, query.limit)
        page: list[Event] = []
        events = index.events
        for position in positions:
            event = events[position]
            if query.matches(event):
                page.append(event)
                if len(page) == query.limit:
                    break
        return page

    def events(self) -> Iterator[Event]:
        return iter(list(self._events.values()))  # insertion order is arrival order


def _scopes(kind: str, scope_id: str, events: Iterable[Event]) -> set[Scope]:
    """The indexes ``events`` of the profile or user ``scope_id`` are in."""
    scopes: set[Scope] = {(kind, scope_id)}
    for event in events:
        scopes |= {(kind, scope_id, event.source), (kind, scope_id, event.source, event.type)}
    return scopes


def _copy(profile: Profile) -> Profile:
    # Not dataclasses.replace, which reads the fields' definitions on every call: a track copies
    # its profile once.
    return Profile(
        id=profile.id,
        source=profile.source,
        type=profile.type,
        name=profile.name,
        user_id=profile.user_id,
        identifiers=list(profile.identifiers),
        attributes=dict(profile.attributes),
        created_at=profile.created_at,
        updated_at=profile.updated_at,
    )
