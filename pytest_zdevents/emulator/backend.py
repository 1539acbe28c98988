"""What every part of the service shares: the store, the settings, the clock, the ids, the lock.

The service's modules (:mod:`.users`, :mod:`.profiles`, :mod:`.events`, :mod:`.seeding`) work on one
:class:`Backend`; nothing outside the service sees it. Every operation validates its input
completely before it touches the store, then runs as one :meth:`Backend.unit` of work.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from .ids import IdMaker
from .settings import EmulatorSettings
from .store.base import Store
from .switches import Quirk, Variation
from .timestamps import format_ns


class Backend:
    def __init__(
        self, store: Store, settings: EmulatorSettings, clock: Callable[[], int], seed: int | None
    ) -> None:
        self.store = store
        self.settings = settings
        self.clock = clock
        self.ids = IdMaker(seed)
        # Re-entrant: an import reads through the same helpers as the operations it runs beside.
        self.lock = threading.RLock()
        #: How many units of work have run: what a read saw at one count may be stale at the next.
        self.generation = 0
        #: The latest instant at which an event stored so far becomes readable (received + lag).
        self.all_visible_ns = 0

    def on(self, switch: Quirk | Variation) -> bool:
        return self.settings.on(switch)

    @contextmanager
    def unit(self) -> Iterator[None]:
        """One unit of work: serialised with every other, and written together or not at all."""
        with self.lock, self.store.atomic():
            try:
                yield
            finally:
                self.generation += 1

    def read_state(self) -> tuple[int, int] | None:
        """The state an event read sees: the units of work run here, and the store's count of
        writes from elsewhere (another process on the same SQLite file). None while an event is
        still to become readable (ingestion lag), when the same read may show more later with
        nothing written."""
        if self.clock() < self.all_visible_ns:
            return None
        return self.generation, self.store.outside_writes()

    def new_id(self, now_ns: int) -> str:
        """A new profile or event id: a ULID, or 24 hex characters with the other_ids variation."""
        return self.ids.hex_id(now_ns) if self.on(Variation.OTHER_IDS) else self.ids.ulid(now_ns)

    def timestamp(self, ns: int) -> str:
        """How the emulator writes an instant it sets: RFC 3339 UTC with six fractional digits,
        or nine with the nanosecond_timestamps variation."""
        return format_ns(ns, 9 if self.on(Variation.NANOSECOND_TIMESTAMPS) else 6)
