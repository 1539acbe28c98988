"""The storage interface the emulator's service talks to.

Two backends implement it: :class:`~.memory.MemoryStore` (the default) and
:class:`~.sqlite.SqliteStore` (``--db PATH``). Both keep events ordered by ``(created_ns, seq)``
per profile and per user, so reading a page walks an index from the cursor instead of scanning
every event. The service serialises calls; a store need not be thread-safe on its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from typing import Protocol

from ..model import Event, EventQuery, Identifier, Profile, User

#: Bounds for key ranges: real keys have ``seq`` in ``[1, SEQ_MAX)``.
SEQ_MIN = 0
SEQ_MAX = 2**63 - 1


class Store(Protocol):
    def atomic(self) -> AbstractContextManager[None]:
        """A unit of work: everything written inside is kept together or not at all."""
        ...

    def get_user(self, user_id: str) -> User | None: ...

    def save_user(self, user: User) -> None:
        """Insert or update ``user`` and index its identities: those it no longer has are
        released."""
        ...

    def identity_owner(self, identity: Identifier) -> str | None:
        """The id of the user that has ``identity``, if any."""
        ...

    def get_profile(self, profile_id: str) -> Profile | None: ...

    def outside_writes(self) -> int:
        """A number that changes when the data changed other than through this object: another
        process writing the same SQLite file. Always 0 in memory."""
        ...

    def has_profile(self, profile_id: str) -> bool:
        """Whether a profile of this id is stored: what a read of its events asks, without the
        copy :meth:`get_profile` makes."""
        ...

    def profile_ids_for(self, source: str, type_: str, identifiers: Iterable[Identifier]) -> set[str]:
        """Ids of the profiles of ``source`` and ``type_`` that have any of ``identifiers``."""
        ...

    def save_profile(self, profile: Profile) -> None:
        """Insert or replace ``profile`` and re-index its identifiers."""
        ...

    def delete_profile(
        self, profile_id: str, *, delete_events: bool = True, keep_index: bool = False
    ) -> None:
        """Remove the profile (and its events unless not ``delete_events``); ``keep_index`` leaves
        its identifiers in the index, pointing at nothing (the deleted_identifiers_kept quirk)."""
        ...

    def user_profiles(self, user_id: str) -> list[Profile]:
        """The user's profiles, oldest first."""
        ...

    def add_event(self, event: Event) -> Event:
        """Store ``event`` and return it with its arrival number ``seq`` set. The caller hands
        ``event`` over: a store may set ``seq`` on it in place."""
        ...

    def events_page(self, query: EventQuery) -> list[Event]:
        """Up to ``query.limit`` events in scope, after the cursor, passing the filters, in order."""
        ...

    def users(self) -> Iterator[User]: ...

    def profiles(self) -> Iterator[Profile]: ...

    def events(self) -> Iterator[Event]:
        """Every event in arrival order."""
        ...

    def clear(self) -> None:
        """Forget everything."""
        ...

    def close(self) -> None: ...
