"""The Store contract, held against both backends: MemoryStore and SqliteStore.

The SQLite-only tests at the end cover what memory cannot have: a file that outlives the process,
transactions, and the schema check.
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pytest_zdevents.emulator.model import Event, EventQuery, Identifier, Profile, User
from pytest_zdevents.emulator.store.base import Store
from pytest_zdevents.emulator.store.memory import MemoryStore
from pytest_zdevents.emulator.store.sqlite import SCHEMA_VERSION, SqliteStore
from pytest_zdevents.emulator.timestamps import parse_timestamp

NS = 1_000_000_000
FAR_FUTURE = 10**30  # beyond every instant, and beyond 64 bits


def _ns(text: str) -> int:
    parsed = parse_timestamp(text, allow_date=False)
    assert parsed is not None
    return parsed.ns


YEAR_0 = _ns("0000-01-01T00:00:00Z")
YEAR_9999 = _ns("9999-12-31T23:59:60.999999999Z")


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    made: Store = MemoryStore() if request.param == "memory" else SqliteStore(str(tmp_path / "store.sqlite3"))
    yield made
    made.close()


def make_user(user_id: str = "u1", *identities: Identifier) -> User:
    return User(id=user_id, name=f"User {user_id}", identities=list(identities))


def make_profile(
    profile_id: str = "p1",
    *identifiers: Identifier,
    user_id: str = "u1",
    source: str = "shop",
    type_: str = "customer",
) -> Profile:
    return Profile(
        id=profile_id,
        source=source,
        type=type_,
        name=f"Profile {profile_id}",
        user_id=user_id,
        identifiers=list(identifiers),
        attributes={"tier": "gold", "nested": {"n": [1, 2]}},
        created_at="2024-01-01T00:00:00.000000Z",
        updated_at="2024-01-01T00:00:00.000000Z",
    )


def make_event(
    created_ns: int = 0,
    *,
    profile_id: str = "p1",
    user_id: str = "u1",
    source: str = "shop",
    type_: str = "order",
    visible_ns: int = 0,
    name: str = "e",
) -> Event:
    return Event(
        id=name,
        profile_id=profile_id,
        user_id=user_id,
        source=source,
        type=type_,
        description=None if name.endswith("0") else f"about {name}",
        properties={"name": name, "ünïcode": "✓", "n": 1.5, "list": [None, True]},
        created_at=f"instant {created_ns}",
        created_ns=created_ns,
        received_at="2024-01-01T00:00:00.000000Z",
        visible_ns=visible_ns,
    )


def make_query(scope_id: str = "p1", **fields: Any) -> EventQuery:
    fields.setdefault("scope", "profile")
    fields.setdefault("descending", False)
    fields.setdefault("limit", 1000)
    fields.setdefault("visible_at", FAR_FUTURE)
    return EventQuery(scope_id=scope_id, **fields)


def walk(store: Store, query: EventQuery) -> list[Event]:
    """Every event of ``query``'s reading, page by page through the cursor."""
    seen: list[Event] = []
    for _ in range(10_000):  # more pages than any test has: a cursor that stalls fails
        page = store.events_page(query)
        if not page:
            return seen
        assert len(page) <= query.limit
        seen.extend(page)
        query = replace(query, after=page[-1].key)
    raise AssertionError("The cursor walk did not end.")


def expected(events: list[Event], query: EventQuery) -> list[Event]:
    """The reading of ``query`` over ``events``, worked out plainly (the limit aside)."""
    attribute = "profile_id" if query.scope == "profile" else "user_id"
    chosen = [e for e in events if getattr(e, attribute) == query.scope_id and query.matches(e)]
    after = query.after
    if after is not None:
        chosen = [e for e in chosen if (e.key < after if query.descending else e.key > after)]
    return sorted(chosen, key=lambda e: e.key, reverse=query.descending)


# Users


def test_users_and_identity_ownership(store: Store) -> None:
    email = Identifier("email", "ann@example.com")
    phone = Identifier("phone_number", "+15550100")
    assert store.get_user("u1") is None
    assert store.identity_owner(email) is None

    store.save_user(make_user("u2", phone))
    store.save_user(make_user("u1", email))
    assert store.get_user("u1") == make_user("u1", email)
    assert store.identity_owner(email) == "u1"
    assert store.identity_owner(phone) == "u2"
    assert store.identity_owner(Identifier("email", "nobody@example.com")) is None

    store.save_user(replace(make_user("u1", email, Identifier("sdk", "x")), name="Ann"))
    assert store.get_user("u1") == User("u1", "Ann", [email, Identifier("sdk", "x")])
    assert store.identity_owner(Identifier("sdk", "x")) == "u1"
    # An identity the user no longer has is released; another user's is not touched.
    store.save_user(User("u1", "Ann", [Identifier("sdk", "x")]))
    assert store.identity_owner(email) is None
    assert store.identity_owner(phone) == "u2"
    # Users are listed in the order of their first save.
    assert [user.id for user in store.users()] == ["u2", "u1"]


def test_user_getters_return_copies(store: Store) -> None:
    store.save_user(make_user("u1", Identifier("email", "a@example.com")))
    user = store.get_user("u1")
    assert user is not None
    user.identities.append(Identifier("email", "b@example.com"))
    user.name = "changed"
    next(iter(store.users())).identities.clear()
    assert store.get_user("u1") == make_user("u1", Identifier("email", "a@example.com"))


# Profiles


def test_save_profile_replaces_and_reindexes_identifiers(store: Store) -> None:
    a, b, c = Identifier("email", "a"), Identifier("email", "b"), Identifier("sdk", "c")
    store.save_profile(make_profile("p1", a, b))
    assert store.profile_ids_for("shop", "customer", [a]) == {"p1"}
    assert store.profile_ids_for("shop", "customer", [b, c]) == {"p1"}

    replacement = replace(make_profile("p1", b, c), name="Renamed", attributes={"x": 1})
    store.save_profile(replacement)
    assert store.get_profile("p1") == replacement
    assert store.profile_ids_for("shop", "customer", [a]) == set()
    assert store.profile_ids_for("shop", "customer", [c]) == {"p1"}
    assert store.profile_ids_for("shop", "customer", []) == set()
    assert [profile.id for profile in store.profiles()] == ["p1"]


def test_has_profile_until_deleted(store: Store) -> None:
    assert not store.has_profile("p1")
    store.save_profile(make_profile("p1", Identifier("email", "a")))
    assert store.has_profile("p1") and not store.has_profile("p2")
    store.delete_profile("p1")
    assert not store.has_profile("p1")


def test_profile_ids_for_is_per_source_and_type(store: Store) -> None:
    shared = Identifier("email", "shared@example.com")
    store.save_profile(make_profile("p1", shared, source="shop", type_="customer"))
    store.save_profile(make_profile("p2", shared, source="shop", type_="lead"))
    store.save_profile(make_profile("p3", shared, Identifier("sdk", "s"), source="crm"))
    store.save_profile(make_profile("p4", Identifier("sdk", "t"), source="crm"))
    assert store.profile_ids_for("shop", "customer", [shared]) == {"p1"}
    assert store.profile_ids_for("shop", "lead", [shared]) == {"p2"}
    assert store.profile_ids_for("crm", "customer", [shared]) == {"p3"}
    assert store.profile_ids_for("crm", "lead", [shared]) == set()
    found = store.profile_ids_for("crm", "customer", [Identifier("sdk", "t"), shared])
    assert found == {"p3", "p4"}


def test_user_profiles_oldest_first(store: Store) -> None:
    store.save_profile(make_profile("zz", Identifier("email", "1")))
    store.save_profile(make_profile("aa", Identifier("email", "2")))
    store.save_profile(make_profile("other", Identifier("email", "3"), user_id="u2"))
    store.save_profile(make_profile("mm", Identifier("email", "4")))
    store.save_profile(replace(make_profile("zz", Identifier("email", "1")), name="resaved"))
    assert [p.id for p in store.user_profiles("u1")] == ["zz", "aa", "mm"]
    assert store.user_profiles("u1")[0].name == "resaved"
    assert [p.id for p in store.user_profiles("u2")] == ["other"]
    assert store.user_profiles("nobody") == []
    # Deleted and saved again, a profile is the newest.
    store.delete_profile("zz")
    store.save_profile(make_profile("zz", Identifier("email", "1")))
    assert [p.id for p in store.user_profiles("u1")] == ["aa", "mm", "zz"]
    assert [p.id for p in store.profiles()] == ["aa", "other", "mm", "zz"]


def test_profile_getters_return_copies(store: Store) -> None:
    original = make_profile("p1", Identifier("email", "a"))
    store.save_profile(original)
    original.attributes["tier"] = "changed before read"
    profile = store.get_profile("p1")
    assert profile is not None
    assert profile.attributes["tier"] == "gold"
    profile.attributes["tier"] = "silver"
    profile.identifiers.append(Identifier("email", "b"))
    store.user_profiles("u1")[0].attributes.clear()
    next(iter(store.profiles())).identifiers.clear()
    assert store.get_profile("p1") == make_profile("p1", Identifier("email", "a"))

    store.save_profile(profile)
    assert store.get_profile("p1") == profile
    assert store.profile_ids_for("shop", "customer", [Identifier("email", "b")]) == {"p1"}


@pytest.mark.parametrize("delete_events", [True, False])
def test_delete_profile(store: Store, delete_events: bool) -> None:
    a = Identifier("email", "a")
    store.save_profile(make_profile("p1", a))
    store.save_profile(make_profile("p2", Identifier("email", "b")))
    gone = [store.add_event(make_event(i, profile_id="p1", name=f"p1-{i}")) for i in range(3)]
    kept = [store.add_event(make_event(i, profile_id="p2", name=f"p2-{i}")) for i in range(3)]

    store.delete_profile("p1", delete_events=delete_events)

    assert store.get_profile("p1") is None
    assert store.profile_ids_for("shop", "customer", [a]) == set()
    assert [p.id for p in store.user_profiles("u1")] == ["p2"]
    assert [p.id for p in store.profiles()] == ["p2"]
    assert store.events_page(make_query("p2")) == kept
    # Deleted or kept, the profile's events are no longer read through its id.
    assert store.events_page(make_query("p1")) == []
    user_events = store.events_page(make_query("u1", scope="user"))
    if delete_events:
        assert user_events == kept
        assert list(store.events()) == kept
    else:
        assert user_events == sorted(gone + kept, key=lambda e: e.key)
        assert list(store.events()) == gone + kept
    store.delete_profile("never-was")  # no error
    # Deleting the id again leaves events that an earlier deletion kept.
    store.delete_profile("p1")
    assert store.events_page(make_query("u1", scope="user")) == user_events


# Events


def test_add_event_numbers_arrivals(store: Store) -> None:
    first = store.add_event(make_event(50, name="first"))
    second = store.add_event(make_event(10, name="second"))
    assert (first.seq, second.seq) == (1, 2)
    assert first == replace(make_event(50, name="first"), seq=1)
    assert list(store.events()) == [first, second]
    store.clear()
    assert list(store.events()) == []
    assert store.add_event(make_event(name="after clear")).seq == 1


@pytest.mark.parametrize("descending", [False, True])
def test_events_page_order(store: Store, descending: bool) -> None:
    added = [
        store.add_event(make_event(created, name=f"e{n}"))
        for n, created in enumerate([30, 10, 20, 10, -5, 30])
    ]
    page = store.events_page(make_query(descending=descending))
    ascending = [added[i] for i in (4, 1, 3, 2, 0, 5)]  # instant, then arrival
    assert page == (ascending[::-1] if descending else ascending)
    limited = store.events_page(make_query(descending=descending, limit=2))
    assert limited == page[:2]


def test_events_page_bounds_are_inclusive(store: Store) -> None:
    added = [store.add_event(make_event(created, name=f"e{created}")) for created in range(10)]
    assert store.events_page(make_query(start_ns=3, end_ns=6)) == added[3:7]
    assert store.events_page(make_query(start_ns=3, end_ns=6, descending=True)) == added[6:2:-1]
    assert store.events_page(make_query(start_ns=4, end_ns=4)) == [added[4]]
    assert store.events_page(make_query(start_ns=7)) == added[7:]
    assert store.events_page(make_query(end_ns=2)) == added[:3]
    assert store.events_page(make_query(start_ns=6, end_ns=5)) == []


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("limit", [1, 7, 100])
def test_cursor_walks_every_event_once(store: Store, descending: bool, limit: int) -> None:
    shared = 1_700_000_000 * NS
    # 200 share one instant; the others spread on both sides of it, with ties of their own.
    spread = [(1 + n * 7919 % 300) * (NS if n % 2 else -NS) for n in range(500)]
    instants = [shared if n % 5 < 2 else shared + spread[n] for n in range(500)]
    added = [store.add_event(make_event(ns, name=f"e{n}")) for n, ns in enumerate(instants)]
    assert sum(ns == shared for ns in instants) == 200
    query = make_query(descending=descending, limit=limit)
    seen = walk(store, query)
    assert len({e.seq for e in seen}) == len(seen) == 500
    assert seen == sorted(added, key=lambda e: e.key, reverse=descending)
    # A cursor in the middle of the shared instant continues right after it.
    middle = seen[250]
    assert store.events_page(replace(query, after=middle.key)) == seen[251 : 251 + limit]


def test_source_and_type_filters(store: Store) -> None:
    added = [
        store.add_event(make_event(n, source=source, type_=type_, name=f"e{n}"))
        for n, (source, type_) in enumerate(
            [("shop", "order"), ("shop", "refund"), ("crm", "order"), ("crm", "call")] * 2
        )
    ]
    assert store.events_page(make_query(source="shop")) == [added[i] for i in (0, 1, 4, 5)]
    assert store.events_page(make_query(type="order")) == [added[i] for i in (0, 2, 4, 6)]
    assert store.events_page(make_query(source="crm", type="call")) == [added[3], added[7]]
    assert store.events_page(make_query(source="crm", type="refund")) == []
    assert store.events_page(make_query(source="shop", limit=3, descending=True)) == [
        added[5],
        added[4],
        added[1],
    ]


def test_visibility(store: Store) -> None:
    early = store.add_event(make_event(1, visible_ns=100, name="early"))
    late = store.add_event(make_event(2, visible_ns=200, name="late"))
    assert store.events_page(make_query(visible_at=99)) == []
    assert store.events_page(make_query(visible_at=100)) == [early]
    assert store.events_page(make_query(visible_at=199)) == [early]
    assert store.events_page(make_query(visible_at=200)) == [early, late]
    # A hidden event does not use up the limit.
    assert store.events_page(make_query(visible_at=100, descending=True, limit=1)) == [early]


def test_user_scope_spans_profiles(store: Store) -> None:
    a = store.add_event(make_event(3, profile_id="p1", name="a"))
    b = store.add_event(make_event(1, profile_id="p2", name="b"))
    other = store.add_event(make_event(2, profile_id="p3", user_id="u2", name="c"))
    c = store.add_event(make_event(2, profile_id="p2", name="d"))
    assert store.events_page(make_query("u1", scope="user")) == [b, c, a]
    assert store.events_page(make_query("u2", scope="user")) == [other]
    assert store.events_page(make_query("p2")) == [b, c]
    assert store.events_page(make_query("u1", scope="user", after=c.key)) == [a]
    assert store.events_page(make_query("p1", scope="user")) == []
    assert store.events_page(make_query("nobody")) == []


def test_extreme_instants(store: Store) -> None:
    instants = [YEAR_9999, -1, YEAR_0, 0, YEAR_9999, -NS - 1, 1, YEAR_0 + 1]
    assert YEAR_9999 > 2**63  # beyond SQLite's integers
    added = [store.add_event(make_event(ns, visible_ns=ns, name=f"e{n}")) for n, ns in enumerate(instants)]
    ascending = sorted(added, key=lambda e: e.key)
    assert [e.created_ns for e in ascending] == sorted(instants)
    assert store.events_page(make_query()) == ascending
    assert walk(store, make_query(descending=True, limit=3)) == ascending[::-1]
    assert store.events_page(make_query(start_ns=YEAR_9999)) == ascending[-2:]
    assert store.events_page(make_query(end_ns=YEAR_0)) == ascending[:1]
    assert store.events_page(make_query(start_ns=-NS - 1, end_ns=-1)) == ascending[2:4]
    assert store.events_page(make_query(visible_at=-1)) == ascending[:4]
    # Cursors beyond every instant or arrival number.
    assert store.events_page(make_query(descending=True, after=(FAR_FUTURE, 0))) == (ascending[::-1])
    assert store.events_page(make_query(after=(-FAR_FUTURE, 0))) == ascending
    assert store.events_page(make_query(after=(YEAR_9999, 2**70))) == []
    assert store.events_page(make_query(descending=True, after=(YEAR_0, -(2**70)))) == []
    assert list(store.events()) == added


# Property: SQLite reads exactly as memory does


INSTANTS = [YEAR_0, -3 * NS, -1, 0, 1, NS, NS + 1, 5 * NS, YEAR_9999]
SCOPES = {"p1": "u1", "p2": "u1", "p3": "u2"}

event_specs = st.lists(
    st.tuples(
        st.sampled_from(INSTANTS),
        st.sampled_from(sorted(SCOPES)),
        st.sampled_from(["shop", "crm"]),
        st.sampled_from(["order", "call"]),
        st.sampled_from([0, 10, 20]),
    ),
    max_size=40,
)
bound = st.none() | st.sampled_from(INSTANTS) | st.integers(-(10**25), 10**25)
queries = st.fixed_dictionaries(
    {
        "scope_id": st.sampled_from(["p1", "p2", "p3", "u1", "u2", "nobody"]),
        "descending": st.booleans(),
        "limit": st.integers(1, 12),
        "visible_at": st.sampled_from([-1, 0, 10, 15, 20, FAR_FUTURE]),
        "source": st.none() | st.sampled_from(["shop", "crm"]),
        "type": st.none() | st.sampled_from(["order", "call"]),
        "start_ns": bound,
        "end_ns": bound,
        "after": st.none() | st.tuples(bound.filter(lambda b: b is not None), st.integers(-2, 45)),
        # The quirks' inexact matches read past the indexes, event by event.
        "source_match": st.sampled_from(["equal", "prefix"]),
        "type_match": st.sampled_from(["equal", "substring"]),
    }
)


@settings(max_examples=50, deadline=None)
@given(specs=event_specs, raw_queries=st.lists(queries, min_size=1, max_size=5))
def test_sqlite_reads_as_memory_does(
    specs: list[tuple[int, str, str, str, int]], raw_queries: list[dict[str, Any]]
) -> None:
    with tempfile.TemporaryDirectory() as directory:
        memory = MemoryStore()
        sqlite_store = SqliteStore(str(Path(directory) / "store.sqlite3"))
        try:
            events = []
            for n, (created, profile_id, source, type_, visible) in enumerate(specs):
                event = make_event(
                    created,
                    profile_id=profile_id,
                    user_id=SCOPES[profile_id],
                    source=source,
                    type_=type_,
                    visible_ns=visible,
                    name=f"e{n}",
                )
                stored = memory.add_event(event)
                assert sqlite_store.add_event(event) == stored
                events.append(stored)
            for raw in raw_queries:
                scope = "profile" if raw["scope_id"].startswith("p") else "user"
                query = EventQuery(scope=scope, **raw)
                page = sqlite_store.events_page(query)
                assert page == memory.events_page(query)
                assert page == expected(events, query)[: query.limit]
                everything = expected(events, replace(query, after=None))
                fresh = replace(query, after=None)
                assert walk(sqlite_store, fresh) == walk(memory, fresh) == everything
        finally:
            sqlite_store.close()


# SQLite only


def test_sqlite_data_survives_reopening(tmp_path: Path) -> None:
    path = str(tmp_path / "store.sqlite3")
    store = SqliteStore(path)
    user = make_user("u1", Identifier("email", "a"))
    profile = make_profile("p1", Identifier("email", "a"))
    store.save_user(user)
    store.save_profile(profile)
    events = [store.add_event(make_event(ns, name=f"e{ns}")) for ns in (YEAR_9999, 5, YEAR_0)]
    store.close()

    reopened = SqliteStore(path)
    try:
        assert list(reopened.users()) == [user]
        assert reopened.identity_owner(Identifier("email", "a")) == "u1"
        assert reopened.get_profile("p1") == profile
        assert reopened.profile_ids_for("shop", "customer", [Identifier("email", "a")]) == {"p1"}
        assert list(reopened.events()) == events
        assert reopened.events_page(make_query()) == [events[2], events[1], events[0]]
        assert reopened.add_event(make_event(name="next")).seq == 4
    finally:
        reopened.close()


def test_sqlite_writes_outside_atomic_are_committed(tmp_path: Path) -> None:
    path = str(tmp_path / "store.sqlite3")
    writer, reader = SqliteStore(path), SqliteStore(path)
    try:
        writer.save_user(make_user("u1"))
        event = writer.add_event(make_event(name="e"))
        assert reader.get_user("u1") == make_user("u1")
        assert list(reader.events()) == [event]
    finally:
        writer.close()
        reader.close()


def _write_then_fail(store: SqliteStore) -> None:
    with store.atomic():
        store.save_user(make_user("u1", Identifier("email", "a")))
        store.save_profile(make_profile("p1", Identifier("email", "a")))
        store.add_event(make_event(name="e"))
        store.delete_profile("nothing")
        assert store.get_user("u1") is not None  # visible inside the transaction
        raise RuntimeError("boom")


def test_sqlite_atomic_rolls_back_on_error(tmp_path: Path) -> None:
    store = SqliteStore(str(tmp_path / "store.sqlite3"))
    try:
        store.save_user(make_user("kept"))
        with pytest.raises(RuntimeError, match="boom"):
            _write_then_fail(store)
        assert [user.id for user in store.users()] == ["kept"]
        assert store.identity_owner(Identifier("email", "a")) is None
        assert list(store.profiles()) == []
        assert store.profile_ids_for("shop", "customer", [Identifier("email", "a")]) == set()
        assert list(store.events()) == []

        # Nested: the inner unit rolls back alone; the outer one commits.
        with store.atomic():
            store.save_user(make_user("outer"))
            with pytest.raises(RuntimeError, match="boom"):
                _write_then_fail(store)
            with store.atomic():
                store.add_event(make_event(name="nested"))
        assert [user.id for user in store.users()] == ["kept", "outer"]
        assert [event.id for event in store.events()] == ["nested"]
        assert list(store.profiles()) == []
    finally:
        store.close()


def test_sqlite_refuses_out_of_range_instants(tmp_path: Path) -> None:
    store = SqliteStore(str(tmp_path / "store.sqlite3"))
    try:
        with pytest.raises(ValueError, match="too far"):
            store.add_event(make_event(10**40))
        with pytest.raises(ValueError, match="too far"):
            store.add_event(make_event(visible_ns=-(10**40)))
        assert list(store.events()) == []
    finally:
        store.close()


def test_sqlite_refuses_another_schema_version(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite3"
    SqliteStore(str(path)).close()
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE meta SET value = ? WHERE key = 'version'", (str(SCHEMA_VERSION + 1),))
    connection.close()
    with pytest.raises(ValueError, match=rf"schema version {SCHEMA_VERSION + 1}\b"):
        SqliteStore(str(path))


def test_sqlite_refuses_a_file_of_another_schema(tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE things (id INTEGER PRIMARY KEY)")
    connection.close()
    with pytest.raises(ValueError, match="not a pytest-zdevents emulator database"):
        SqliteStore(str(other))

    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"this is not a database at all, just text " * 100)
    with pytest.raises(ValueError, match="not a pytest-zdevents emulator database"):
        SqliteStore(str(junk))
