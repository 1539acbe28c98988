"""The SQLite store's schema and how records and instants map to its rows.

Instants are integer nanoseconds that may lie outside SQLite's 64-bit integers (year 9999 is about
2.5e20 ns), so every instant is stored as two exact integers: whole seconds (rounded down) and the
nanoseconds past them. Ordering by ``(seconds, nanoseconds)`` is ordering by the instant.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from ..model import Event, Identifier, Profile, User

#: What the ``meta`` table must say for a file to be opened.
SCHEMA_NAME = "pytest-zdevents-emulator"
SCHEMA_VERSION = 1

NS_PER_SECOND = 1_000_000_000
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
#: Stored instants keep their seconds within this bound (about 1.5e11 years either side of 1970),
#: so that query bounds clamped to 64 bits still compare exactly with every stored instant.
_STORABLE_SECONDS = 2**62

TABLES = ("meta", "users", "user_identities", "profiles", "profile_identifiers", "events")

SCHEMA = f"""
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO meta (key, value) VALUES ('schema', '{SCHEMA_NAME}'), ('version', '{SCHEMA_VERSION}');

-- ord is the order of first save: users() and profiles() list records in it, user_profiles()
-- lists a user's profiles oldest first by it. An explicit INTEGER PRIMARY KEY, so VACUUM keeps it.
CREATE TABLE users (
    ord INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    identities TEXT NOT NULL
);

CREATE TABLE user_identities (
    type TEXT NOT NULL,
    value TEXT NOT NULL,
    user_id TEXT NOT NULL,
    PRIMARY KEY (type, value)
) WITHOUT ROWID;

CREATE TABLE profiles (
    ord INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    type TEXT NOT NULL,
    name TEXT NOT NULL,
    user_id TEXT NOT NULL,
    identifiers TEXT NOT NULL,
    attributes TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX profiles_by_user ON profiles (user_id, ord);

CREATE TABLE profile_identifiers (
    source TEXT NOT NULL,
    type TEXT NOT NULL,
    id_type TEXT NOT NULL,
    id_value TEXT NOT NULL,
    profile_id TEXT NOT NULL,
    PRIMARY KEY (source, type, id_type, id_value)
) WITHOUT ROWID;

-- seq_key repeats seq: SQLite cannot seek a row-value range that ends in the rowid, so the
-- indexes end in this ordinary copy instead.
CREATE TABLE events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    seq_key INTEGER NOT NULL,
    id TEXT NOT NULL,
    profile_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    source TEXT NOT NULL,
    type TEXT NOT NULL,
    description TEXT,
    properties TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_s INTEGER NOT NULL,
    created_frac INTEGER NOT NULL,
    received_at TEXT NOT NULL,
    visible_s INTEGER NOT NULL,
    visible_frac INTEGER NOT NULL,
    orphaned INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX events_by_profile ON events (profile_id, created_s, created_frac, seq_key);
CREATE INDEX events_by_user ON events (user_id, created_s, created_frac, seq_key);
"""

#: Indexes for filter[source] and filter[type]: a selective filtered read seeks its events rather
#: than walking every event of the profile or user. Created when a file is opened if missing, so a
#: file an earlier version wrote gets them too (no new schema version).
FILTER_INDEXES = """
CREATE INDEX IF NOT EXISTS events_by_profile_source
    ON events (profile_id, source, created_s, created_frac, seq_key);
CREATE INDEX IF NOT EXISTS events_by_profile_source_type
    ON events (profile_id, source, type, created_s, created_frac, seq_key);
CREATE INDEX IF NOT EXISTS events_by_user_source
    ON events (user_id, source, created_s, created_frac, seq_key);
CREATE INDEX IF NOT EXISTS events_by_user_source_type
    ON events (user_id, source, type, created_s, created_frac, seq_key);
"""

USER_COLUMNS = "id, name, identities"
PROFILE_COLUMNS = "id, source, type, name, user_id, identifiers, attributes, created_at, updated_at"
EVENT_COLUMNS = (
    "seq, id, profile_id, user_id, source, type, description, properties, created_at, "
    "created_s, created_frac, received_at, visible_s, visible_frac"
)

#: The stored form of an event's key, as an SQL row value.
KEY = "(created_s, created_frac, seq_key)"
#: A key in the stored form: (seconds, nanoseconds past them, seq).
Key3 = tuple[int, int, int]


# Instants


def _split(ns: int) -> tuple[int, int]:
    """``ns`` as (whole seconds rounded down, nanoseconds past them): exact, order-preserving."""
    return divmod(ns, NS_PER_SECOND)


def storable(ns: int, name: str) -> tuple[int, int]:
    seconds, frac = _split(ns)
    if not -_STORABLE_SECONDS <= seconds <= _STORABLE_SECONDS:
        raise ValueError(f"The event's {name} {ns} is too far from 1970 to be stored.")
    return seconds, frac


def clamped(ns: int) -> tuple[int, int]:
    """A query instant split and held within 64 bits: beyond every stored instant, it stays so."""
    seconds, frac = _split(ns)
    return min(max(seconds, INT64_MIN), INT64_MAX), frac


def bound_key(key: Sequence[int]) -> Key3:
    seconds, frac = clamped(key[0])
    # Stored seqs lie in [1, SEQ_MAX), so clamping the cursor's seq keeps every comparison.
    return seconds, frac, min(max(key[1], INT64_MIN), INT64_MAX)


# Rows


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def identifiers_json(identifiers: Iterable[Sequence[str]]) -> str:
    return dumps([[identifier[0], identifier[1]] for identifier in identifiers])


def identifiers_from_json(text: str) -> list[Identifier]:
    return [Identifier(kind, value) for kind, value in json.loads(text)]


def user_from_row(row: Sequence[Any]) -> User:
    user_id, name, identities = row
    return User(id=user_id, name=name, identities=identifiers_from_json(identities))


def profile_from_row(row: Sequence[Any]) -> Profile:
    profile_id, source, type_, name, user_id, identifiers, attributes, created, updated = row
    return Profile(
        id=profile_id,
        source=source,
        type=type_,
        name=name,
        user_id=user_id,
        identifiers=identifiers_from_json(identifiers),
        attributes=json.loads(attributes),
        created_at=created,
        updated_at=updated,
    )


def event_from_row(row: Sequence[Any]) -> Event:
    (
        seq,
        event_id,
        profile_id,
        user_id,
        source,
        type_,
        description,
        properties,
        created_at,
        created_s,
        created_frac,
        received_at,
        visible_s,
        visible_frac,
    ) = row
    return Event(
        id=event_id,
        profile_id=profile_id,
        user_id=user_id,
        source=source,
        type=type_,
        description=description,
        properties=json.loads(properties),
        created_at=created_at,
        created_ns=created_s * NS_PER_SECOND + created_frac,
        received_at=received_at,
        visible_ns=visible_s * NS_PER_SECOND + visible_frac,
        seq=seq,
    )
