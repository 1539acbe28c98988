"""The answers to event reads (E1, E2, E3) at the store's current state.

A client reads the same page again and again: every wait for an event it tracked is a loop of the
same read, and a page is the largest answer the API writes. While nothing is written, the settings
are the same and every stored event is readable, the same URL has the same answer, so it is sent
again as it was written rather than read from the store and written out again. Any write, a
``configure()``, a reset or an event still within its ingestion lag makes the next read a fresh one.
"""

from __future__ import annotations

from .settings import EmulatorSettings

#: What :meth:`.EventsService.read_state` returns: what the store's answers depend on.
State = tuple[int, int]
#: Pages kept for one state; past it, the cache starts again (at most about 7 MB of pages of 100).
PAGES_KEPT = 256


class PageCache:
    def __init__(self) -> None:
        #: The settings and store state the pages were read at, and the pages by URL.
        self._kept: tuple[EmulatorSettings | None, State | None, dict[str, bytes]] = (None, None, {})

    def get(self, settings: EmulatorSettings, state: State | None, url: str) -> bytes | None:
        """The answer written for ``url`` under ``settings`` at ``state``, if it was."""
        kept_settings, kept_state, pages = self._kept
        if state is None or kept_settings is not settings or kept_state != state:
            return None
        return pages.get(url)

    def put(self, settings: EmulatorSettings, state: State | None, url: str, page: bytes) -> None:
        """Keep ``page``, the answer for ``url`` under ``settings`` at ``state``: ``state`` is read
        before the store is, so a page is never older than the state it is kept under."""
        if state is None:
            return
        kept_settings, kept_state, pages = self._kept
        if kept_settings is not settings or kept_state != state or len(pages) >= PAGES_KEPT:
            pages = {}
            # One assignment: a reader on another thread sees the old triple or the new, not a mix.
            self._kept = (settings, state, pages)
        pages[url] = page
