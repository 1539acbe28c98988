"""What the HTTP layer needs from the object it serves: :class:`~.runtime.Emulator` is one.

A Protocol, so that :mod:`.app` and :mod:`.control` are written against it and never import
:mod:`.runtime`, which builds the app.
"""

from __future__ import annotations

from typing import Any, Protocol

from .journal import Journal
from .ratelimit import RateLimiter
from .service import EventsService
from .settings import EmulatorSettings


class Host(Protocol):
    @property
    def settings(self) -> EmulatorSettings: ...

    @property
    def service(self) -> EventsService: ...

    @property
    def journal(self) -> Journal: ...

    @property
    def limiter(self) -> RateLimiter | None: ...

    def configure(self, **changes: Any) -> EmulatorSettings: ...

    def reset(self) -> None: ...

    def export(self) -> dict[str, Any]: ...

    def import_(self, data: Any) -> dict[str, int]: ...
