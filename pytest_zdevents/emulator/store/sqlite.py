"""The SQLite store (``--db PATH``): the same records as :class:`~.memory.MemoryStore`, on disk.

One connection in autocommit mode; :meth:`SqliteStore.atomic` opens an explicit transaction
(``BEGIN IMMEDIATE``), and nested units of work become savepoints. The journal is a write-ahead log
synced on every commit, so an acknowledged write survives a crash.

Instants are stored as two exact integers, whole seconds and the nanoseconds past them
(:mod:`.sqlite_rows` holds the schema and how records map to rows). Events are
indexed per profile and per user on ``(seconds, nanoseconds, seq)``, so a page is one index seek
from the cursor, however many events share an instant.

Where the semantics of :class:`~.memory.MemoryStore` are odd, this store copies them, so that the
two backends answer every call alike:

- a user's identity stays owned by that user even if a later ``save_user`` leaves it out;
- re-saving or deleting a profile forgets its old identifiers in the index whichever profile the
  index names for them;
- ``delete_profile(..., delete_events=False)`` keeps the events readable through the user but no
  longer through the profile id (they are marked ``orphaned``);
- a query with a ``limit`` below 1 is not limited.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from ..model import Event, EventQuery, Identifier, Profile, User
from .base import SEQ_MAX, SEQ_MIN
from .sqlite_rows import (
    EVENT_COLUMNS,
    FILTER_INDEXES,
    KEY,
    PROFILE_COLUMNS,
    SCHEMA,
    SCHEMA_NAME,
    SCHEMA_VERSION,
    TABLES,
    USER_COLUMNS,
    bound_key,
    clamped,
    dumps,
    event_from_row,
    identifiers_from_json,
    identifiers_json,
    profile_from_row,
    storable,
    user_from_row,
)

__all__ = ["SCHEMA_NAME", "SCHEMA_VERSION", "SqliteStore"]

#: A filter[source] or filter[type] as SQL, by how it compares (model.Match): each ? is the value.
_TEXT_MATCH = {
    "equal": "{column} = ?",
    "prefix": "substr({column}, 1, length(?)) = ?",
    "substring": "instr({column}, ?) > 0",
}


class SqliteStore:
    """Users, profiles and events in the SQLite file at ``path``, created if absent.

    Raises ValueError if ``path`` holds something other than this store's schema, or another
    version of it.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self._depth = 0
        try:
            self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        except sqlite3.Error as error:
            raise ValueError(_cannot_open(path, error)) from error
        try:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=FULL")
            self._open_schema()
        except sqlite3.OperationalError as error:
            self._conn.close()
            raise ValueError(_cannot_open(path, error)) from error
        except sqlite3.DatabaseError as error:
            self._conn.close()
            raise ValueError(
                f"The file {path} is not a pytest-zdevents emulator database ({error})."
            ) from error
        except BaseException:
            self._conn.close()
            raise

    def _open_schema(self) -> None:
        """Create the schema in an empty file; check the schema of any other."""
        with self.atomic():
            tables = {
                name for (name,) in self._conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            if not tables:
                self._run(SCHEMA)
                self._run(FILTER_INDEXES)
                return
        if "meta" not in tables:
            raise ValueError(
                f"The file {self.path} is an SQLite database but not a pytest-zdevents emulator "
                "database: it has no meta table."
            )
        meta = dict(self._conn.execute("SELECT key, value FROM meta").fetchall())
        if meta.get("schema") != SCHEMA_NAME:
            raise ValueError(
                f"The file {self.path} is not a pytest-zdevents emulator database: its meta table "
                f"names the schema {meta.get('schema')!r}."
            )
        if meta.get("version") != str(SCHEMA_VERSION):
            raise ValueError(
                f"The file {self.path} has schema version {meta.get('version')}, and this "
                f"emulator reads version {SCHEMA_VERSION} only."
            )
        missing = [table for table in TABLES if table not in tables]
        if missing:
            raise ValueError(
                f"The file {self.path} lacks the tables {', '.join(missing)} of a pytest-zdevents "
                "emulator database."
            )
        with self.atomic():
            self._run(FILTER_INDEXES)

    def _run(self, script: str) -> None:
        for statement in script.split(";"):
            if statement.strip():
                self._conn.execute(statement)

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """A transaction (``BEGIN IMMEDIATE``), or a savepoint inside one; rolled back on error."""
        savepoint = f"atomic_{self._depth}" if self._depth else None
        self._conn.execute("BEGIN IMMEDIATE" if savepoint is None else f"SAVEPOINT {savepoint}")
        self._depth += 1
        try:
            yield
        except BaseException:
            self._depth -= 1
            if savepoint is None:
                self._conn.execute("ROLLBACK")
            else:
                self._conn.execute(f"ROLLBACK TO {savepoint}")
                self._conn.execute(f"RELEASE {savepoint}")
            raise
        self._depth -= 1
        if savepoint is not None:
            self._conn.execute(f"RELEASE {savepoint}")
            return
        try:
            self._conn.execute("COMMIT")
        except BaseException:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            raise

    def clear(self) -> None:
        with self.atomic():
            for table in TABLES[1:]:
                self._conn.execute(f"DELETE FROM {table}")
            # Arrival numbers start again at 1, as in a fresh MemoryStore.
            self._conn.execute("DELETE FROM sqlite_sequence WHERE name = 'events'")

    def close(self) -> None:
        self._conn.close()

    # Users

    def get_user(self, user_id: str) -> User | None:
        row = self._conn.execute(f"SELECT {USER_COLUMNS} FROM users WHERE id = ?", (user_id,)).fetchone()
        return None if row is None else user_from_row(row)

    def save_user(self, user: User) -> None:
        with self.atomic():
            self._conn.execute(
                "INSERT INTO users (id, name, identities) VALUES (?, ?, ?) ON CONFLICT (id) "
                "DO UPDATE SET name = excluded.name, identities = excluded.identities",
                (user.id, user.name, identifiers_json(user.identities)),
            )
            # As MemoryStore: the index holds exactly the identities the user has now.
            self._conn.execute("DELETE FROM user_identities WHERE user_id = ?", (user.id,))
            self._conn.executemany(
                "INSERT OR REPLACE INTO user_identities (type, value, user_id) VALUES (?, ?, ?)",
                [(identity[0], identity[1], user.id) for identity in user.identities],
            )

    def identity_owner(self, identity: Identifier) -> str | None:
        row = self._conn.execute(
            "SELECT user_id FROM user_identities WHERE type = ? AND value = ?",
            (identity[0], identity[1]),
        ).fetchone()
        return None if row is None else str(row[0])

    def users(self) -> Iterator[User]:
        rows = self._conn.execute(f"SELECT {USER_COLUMNS} FROM users ORDER BY ord").fetchall()
        return iter([user_from_row(row) for row in rows])

    # Profiles

    def get_profile(self, profile_id: str) -> Profile | None:
        row = self._conn.execute(
            f"SELECT {PROFILE_COLUMNS} FROM profiles WHERE id = ?", (profile_id,)
        ).fetchone()
        return None if row is None else profile_from_row(row)

    def outside_writes(self) -> int:
        # Changes when another connection commits, never for this one's own commits.
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def has_profile(self, profile_id: str) -> bool:
        return self._conn.execute("SELECT 1 FROM profiles WHERE id = ?", (profile_id,)).fetchone() is not None

    def profile_ids_for(self, source: str, type_: str, identifiers: Iterable[Identifier]) -> set[str]:
        found: set[str] = set()
        for identifier in identifiers:
            row = self._conn.execute(
                "SELECT profile_id FROM profile_identifiers "
                "WHERE source = ? AND type = ? AND id_type = ? AND id_value = ?",
                (source, type_, identifier[0], identifier[1]),
            ).fetchone()
            if row is not None:
                found.add(row[0])
        return found

    def save_profile(self, profile: Profile) -> None:
        with self.atomic():
            self._unindex(profile.id)
            self._conn.execute(
                f"INSERT INTO profiles ({PROFILE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET source = excluded.source, type = excluded.type, "
                "name = excluded.name, user_id = excluded.user_id, "
                "identifiers = excluded.identifiers, attributes = excluded.attributes, "
                "created_at = excluded.created_at, updated_at = excluded.updated_at",
                (
                    profile.id,
                    profile.source,
                    profile.type,
                    profile.name,
                    profile.user_id,
                    identifiers_json(profile.identifiers),
                    dumps(profile.attributes),
                    profile.created_at,
                    profile.updated_at,
                ),
            )
            self._conn.executemany(
                "INSERT OR REPLACE INTO profile_identifiers "
                "(source, type, id_type, id_value, profile_id) VALUES (?, ?, ?, ?, ?)",
                [
                    (profile.source, profile.type, identifier[0], identifier[1], profile.id)
                    for identifier in profile.identifiers
                ],
            )

    def _unindex(self, profile_id: str) -> None:
        """Forget the stored profile's identifiers in the index (by key, as MemoryStore does)."""
        row = self._conn.execute(
            "SELECT source, type, identifiers FROM profiles WHERE id = ?", (profile_id,)
        ).fetchone()
        if row is None:
            return
        source, type_, identifiers = row
        self._conn.executemany(
            "DELETE FROM profile_identifiers WHERE source = ? AND type = ? AND id_type = ? AND id_value = ?",
            [(source, type_, kind, value) for kind, value in identifiers_from_json(identifiers)],
        )

    def delete_profile(
        self, profile_id: str, *, delete_events: bool = True, keep_index: bool = False
    ) -> None:
        with self.atomic():
            if not keep_index:
                self._unindex(profile_id)
            self._conn.execute("DELETE FROM profiles WHERE id = ?", (profile_id,))
            if delete_events:
                self._conn.execute("DELETE FROM events WHERE profile_id = ? AND orphaned = 0", (profile_id,))
            else:
                self._conn.execute(
                    "UPDATE events SET orphaned = 1 WHERE profile_id = ? AND orphaned = 0",
                    (profile_id,),
                )

    def user_profiles(self, user_id: str) -> list[Profile]:
        rows = self._conn.execute(
            f"SELECT {PROFILE_COLUMNS} FROM profiles WHERE user_id = ? ORDER BY ord", (user_id,)
        ).fetchall()
        return [profile_from_row(row) for row in rows]

    def profiles(self) -> Iterator[Profile]:
        rows = self._conn.execute(f"SELECT {PROFILE_COLUMNS} FROM profiles ORDER BY ord").fetchall()
        return iter([profile_from_row(row) for row in rows])

    # Events

    def add_event(self, event: Event) -> Event:
        """Store ``event`` and return it with ``seq`` set.

        Raises ValueError if ``created_ns`` or ``visible_ns`` lies beyond the storable range,
        about 1.5e11 years either side of 1970.
        """
        created_s, created_frac = storable(event.created_ns, "created_ns")
        visible_s, visible_frac = storable(event.visible_ns, "visible_ns")
        # One statement takes the next arrival number and writes it to both seq and seq_key.
        cursor = self._conn.execute(
            "INSERT INTO events (seq, seq_key, id, profile_id, user_id, source, type, "
            "description, properties, created_at, created_s, created_frac, received_at, "
            "visible_s, visible_frac) "
            "SELECT n, n, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM (SELECT COALESCE("
            "(SELECT seq FROM sqlite_sequence WHERE name = 'events'), 0) + 1 AS n)",
            (
                event.id,
                event.profile_id,
                event.user_id,
                event.source,
                event.type,
                event.description,
                dumps(event.properties),
                event.created_at,
                created_s,
                created_frac,
                event.received_at,
                visible_s,
                visible_frac,
            ),
        )
        seq = cursor.lastrowid
        assert seq is not None
        return replace(event, seq=seq)

    def events_page(self, query: EventQuery) -> list[Event]:
        # A profile's orphaned events left its index in MemoryStore; they stay in the user's.
        profile = query.scope == "profile"
        where = ["profile_id = ?", "orphaned = 0"] if profile else ["user_id = ?"]
        params: list[Any] = [query.scope_id]
        # The bounds and the cursor narrow one range of keys: its tightest lower and upper ends.
        lower: list[tuple[tuple[int, int], bool]] = []  # (key, inclusive)
        upper: list[tuple[tuple[int, int], bool]] = []
        if query.start_ns is not None:
            lower.append(((query.start_ns, SEQ_MIN), True))
        if query.end_ns is not None:
            upper.append(((query.end_ns, SEQ_MAX), True))
        if query.after is not None:
            (upper if query.descending else lower).append((tuple(query.after), False))
        if lower:
            # The greatest key; of equal keys, the exclusive one (False sorts first, so negate).
            key, inclusive = max(lower, key=lambda bound: (bound[0], not bound[1]))
            where.append(f"{KEY} {'>=' if inclusive else '>'} (?, ?, ?)")
            params.extend(bound_key(key))
        if upper:
            key, inclusive = min(upper, key=lambda bound: (bound[0], bound[1]))
            where.append(f"{KEY} {'<=' if inclusive else '<'} (?, ?, ?)")
            params.extend(bound_key(key))
        where.append("(visible_s, visible_frac) <= (?, ?)")
        params.extend(clamped(query.visible_at))
        for column, wanted, how in (
            ("source", query.source, query.source_match),
            ("type", query.type, query.type_match),
        ):
            if wanted is not None:
                where.append(_TEXT_MATCH[how].format(column=column))
                params.extend([wanted] * _TEXT_MATCH[how].count("?"))
        direction = " DESC" if query.descending else ""
        order = ", ".join(f"{c}{direction}" for c in ("created_s", "created_frac", "seq_key"))
        # As MemoryStore: a limit below 1 returns every match (SQLite: LIMIT -1).
        params.append(query.limit if query.limit >= 1 else -1)
        rows = self._conn.execute(
            f"SELECT {EVENT_COLUMNS} FROM events WHERE {' AND '.join(where)} ORDER BY {order} LIMIT ?",
            params,
        ).fetchall()
        return [event_from_row(row) for row in rows]

    def events(self) -> Iterator[Event]:
        rows = self._conn.execute(f"SELECT {EVENT_COLUMNS} FROM events ORDER BY seq").fetchall()
        return iter([event_from_row(row) for row in rows])


def _cannot_open(path: str, error: sqlite3.Error) -> str:
    return (
        f"The database {path} cannot be opened ({error}); check that its directory exists "
        "and that you may write there, or leave --db out to keep the state in memory."
    )
