"""Storage backends behind one interface (:class:`~.base.Store`)."""

from __future__ import annotations

from .base import Store
from .memory import MemoryStore


def open_store(db_path: str | None) -> Store:
    """SQLite at ``db_path`` when given (it survives restarts), else in memory."""
    if db_path is None:
        return MemoryStore()
    from .sqlite import SqliteStore

    return SqliteStore(db_path)


__all__ = ["MemoryStore", "Store", "open_store"]
