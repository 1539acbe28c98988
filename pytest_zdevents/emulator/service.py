"""The service: what the Events and Profiles APIs do, independent of HTTP (moto's backend).

It takes and returns domain values: the inputs :mod:`.validation` and :mod:`.params` read from
requests, and the records of :mod:`.model`. Refusals are the exceptions of :mod:`.errors`. It never
sees a URL, a request, a status code or a JSON body; :mod:`.responses` does that. Its parts share
one :class:`~.backend.Backend`:

- :attr:`EventsService.events` tracks and reads events (:mod:`.events`),
- :attr:`EventsService.profiles` reads and writes profiles (:mod:`.profiles`),
- users and identities (:mod:`.users`) serve both,
- :meth:`EventsService.export` and :meth:`EventsService.import_` (:mod:`.seeding`) move the state.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from .backend import Backend
from .events import Events
from .model import Identifier
from .profiles import Profiles
from .seeding import export_records, import_records
from .settings import EmulatorSettings
from .store.base import Store
from .users import Users


class EventsService:
    """The emulator's behaviour over a :class:`~.store.base.Store`.

    ``clock`` returns nanoseconds since the epoch; ``seed`` makes minted ids repeatable.
    """

    def __init__(
        self,
        store: Store,
        settings: EmulatorSettings,
        *,
        clock: Callable[[], int] = time.time_ns,
        seed: int | None = None,
    ) -> None:
        self._backend = Backend(store, settings, clock, seed)
        users = Users(self._backend)
        self.profiles = Profiles(self._backend, users)
        self.events = Events(self._backend, self.profiles, users)

    @property
    def settings(self) -> EmulatorSettings:
        return self._backend.settings

    @settings.setter
    def settings(self, settings: EmulatorSettings) -> None:
        self._backend.settings = settings

    def read_state(self) -> tuple[int, int] | None:
        """What an event read's answer depends on besides its request and the settings: a value
        every write changes, or None while a read may show more later with nothing written."""
        return self._backend.read_state()

    def is_end_user(self, email: str) -> bool:
        """Whether ``email`` is an email identity of a user of the store. Every such user is an end
        user: the API creates anonymous users (seed 000), and the agent is the emulator's
        credentials, never a user of the store."""
        with self._backend.lock:
            store = self._backend.store
            return any(store.identity_owner(Identifier("email", value)) for value in {email, email.lower()})

    def reset(self) -> None:
        """Forget every user, profile and event."""
        backend = self._backend
        with backend.lock:
            try:
                backend.store.clear()
                self.profiles.stale.clear()
                backend.all_visible_ns = 0
            finally:
                backend.generation += 1

    def export(self) -> dict[str, Any]:
        """Every user, profile and event, in the format :meth:`import_` reads."""
        return export_records(self._backend)

    def import_(self, data: Any) -> dict[str, int]:
        """Add the users, profiles and events of ``data`` (all or nothing); how many of each."""
        return import_records(self._backend, data)

    def close(self) -> None:
        self._backend.store.close()
