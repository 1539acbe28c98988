"""Properties over meaning: hypothesis draws small sets of events and filters, page sizes,
property values and identifier spellings, and every example checks a documented promise against
a fresh profile of its own.

Each example tracks what it drew (with created_at values from a handful of instants, so ties and
equality with a bound are common, written with assorted UTC offsets), waits until a plain read
shows all of it, then asserts once. Events are compared by a unique mark each carries in its
properties, never by order; time bounds are full date-times, filter[type] is only ever sent with
filter[source], page sizes stay small, and reads by user are compared within filter[source].
Inside examples only session fixtures are used, and zd_eventually, which is one per test on
purpose: once a read has waited the whole timeout, the test's later examples fail at once. The
hypothesis profile (contracts/conftest.py) sets the number of examples from --zd-max-examples, no
deadline, no example database, and no shrinking against a URL.
"""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from pytest_zdevents.runtime.cleanup import Created
from pytest_zdevents.runtime.client import ZdClient
from pytest_zdevents.runtime.isolation import (
    EVENT_SOURCES,
    EVENT_TYPES,
    MARK,
    PROFILE_SOURCE,
    PROFILE_TYPE,
    Namespace,
    identifier_query,
    mark_of,
    recent_instant,
)
from pytest_zdevents.runtime.paths import (
    IDENTIFIER_EVENTS_PATH,
    TRACK_PATH,
    profile_events_path,
    user_events_path,
)
from pytest_zdevents.runtime.reads import read_all, read_page

A, B = EVENT_SOURCES
T0, T1, _ = EVENT_TYPES
#: UTC offsets in minutes; None writes "Z".
OFFSETS = (None, 0, 120, -300, 330, 585, -600, 840)
#: Seconds after the example's base instant at which events are created.
EVENT_AT = (0, 1, 60, 120)
#: Bounds around and between those instants.
BOUND_AT = (-1, 0, 1, 2, 59, 60, 61, 119, 120, 121)


# --- helpers ------------------------------------------------------------------------------------


def stamp(instant: datetime, offset: int | None, timespec: str = "seconds") -> str:
    """RFC 3339 date-time of ``instant`` written with a UTC offset in minutes (None: ``Z``)."""
    local = instant.astimezone(timezone(timedelta(minutes=offset or 0)))
    text = local.isoformat(timespec=timespec)
    return text[:-6] + "Z" if offset is None else text


_RFC3339 = re.compile(r"(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:\d{2})")


def instant(text: Any) -> datetime | None:
    """The instant an RFC 3339 date-time denotes (to the microsecond), or None if unreadable."""
    match = _RFC3339.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        return None
    date, time, fraction, offset = match.groups()
    fraction = f".{fraction[:6].ljust(6, '0')}" if fraction else ""
    offset = "+00:00" if offset in ("Z", "z") else offset
    try:
        return datetime.fromisoformat(f"{date}T{time}{fraction}{offset}")
    except ValueError:
        return None


def show(events: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(mark_of(e), e.get("source"), e.get("type"), e.get("created_at")) for e in events]


def track(
    client: ZdClient, created: Created, identifiers: list[dict[str, str]], event: dict[str, Any]
) -> dict[str, Any]:
    """Track one event (E5) for a profile of the suite's source and type; the 202 answer."""
    body = {
        "profile": {"source": PROFILE_SOURCE, "type": PROFILE_TYPE, "identifiers": identifiers},
        "event": event,
    }
    response = client.post(TRACK_PATH, json=body)
    assert response.status_code == 202, (
        f"Tracking an event must be answered 202 (S1); got {response.status_code}: {response.text[:500]}"
    )
    answer = response.json()
    created.add(str(answer["profile_id"]))
    return answer


@dataclass
class Person:
    """A fresh profile: its email identifier, id and user id."""

    identifier: dict[str, str]
    profile_id: str = ""
    user_id: str = ""

    def place(self, scope: str, source: str | None = None) -> tuple[str, dict[str, str]]:
        """Path and base query of a read in ``scope``; reads by user always carry filter[source]."""
        if scope == "profile":
            return profile_events_path(self.profile_id), {}
        if scope == "identifier":
            return IDENTIFIER_EVENTS_PATH, {"identifier": identifier_query(self.identifier)}
        return user_events_path(self.user_id), {"filter[source]": source or EVENT_SOURCES[0]}


def track_all(
    client: ZdClient, namespace: Namespace, created: Created, events: list[dict[str, Any]]
) -> tuple[Person, list[str]]:
    """Track ``events`` (each given a fresh mark) for one fresh profile; the person and marks."""
    person = Person(namespace.identifier("email"))
    marks = []
    for event in events:
        mark = namespace.value()
        answer = track(
            client,
            created,
            [person.identifier],
            {**event, "properties": {**event.get("properties", {}), MARK: mark}},
        )
        if not person.profile_id:
            person.profile_id, person.user_id = str(answer["profile_id"]), str(answer.get("user_id", ""))
        assert str(answer["profile_id"]) == person.profile_id, (
            "Events tracked with the same identifier must go to the same profile (S1); got "
            f"{person.profile_id} and {answer['profile_id']}"
        )
        marks.append(mark)
    return person, marks


def wait_visible(
    client: ZdClient, eventually: Callable[..., Any], path: str, params: dict[str, str], marks: list[str]
) -> list[dict[str, Any]]:
    """Until one read of up to 50 events shows every one of ``marks`` (ingestion may lag)."""

    def visible() -> list[dict[str, Any]]:
        events = read_all(client, path, params, page_size=50)
        missing = set(marks) - {mark_of(e) for e in events}
        assert not missing, (
            f"{len(missing)} of {len(marks)} tracked events not readable yet from {path}: {show(events)}"
        )
        return events

    return eventually(visible)


# --- properties.filters.exact_subset ------------------------------------------------------------

event_spec = st.fixed_dictionaries(
    {
        "source": st.sampled_from(EVENT_SOURCES),
        "type": st.sampled_from(EVENT_TYPES),
        "at": st.sampled_from(EVENT_AT),
        "offset": st.sampled_from(OFFSETS),
    }
)


@st.composite
def events_and_filters(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """1-6 events, and 2-4 filters whose source, type and bounds are often those of an event, so
    that equality with a bound and near misses are common."""
    events = draw(st.lists(event_spec, min_size=1, max_size=6))
    at = st.one_of(st.sampled_from(sorted({e["at"] for e in events})), st.sampled_from(BOUND_AT))
    bound = st.one_of(st.none(), st.tuples(at, st.sampled_from(OFFSETS)))
    sources = st.sampled_from(sorted({e["source"] for e in events}))
    filters = []
    for _ in range(draw(st.integers(2, 4))):
        source = draw(st.one_of(st.none(), sources, st.sampled_from(EVENT_SOURCES)))
        type_ = None
        if source:  # filter[type] only ever with filter[source]
            types = sorted({e["type"] for e in events if e["source"] == source}) or list(EVENT_TYPES)
            type_ = draw(st.one_of(st.none(), st.sampled_from(types), st.sampled_from(EVENT_TYPES)))
        filters.append({"source": source, "type": type_, "start": draw(bound), "end": draw(bound)})
    return events, filters


def matches(event: dict[str, Any], f: dict[str, Any]) -> bool:
    return (
        (f["source"] is None or event["source"] == f["source"])
        and (f["type"] is None or event["type"] == f["type"])
        and (f["start"] is None or event["at"] >= f["start"][0])
        and (f["end"] is None or event["at"] <= f["end"][0])
    )


#: An example every run tries first: events on both bounds, one of another type, one of another
#: source, and bounds written with other offsets than the events' created_at.
BOUNDS_EXAMPLE = (
    [
        {"source": A, "type": T0, "at": 0, "offset": None},
        {"source": A, "type": T1, "at": 60, "offset": 120},
        {"source": B, "type": T0, "at": 60, "offset": -300},
        {"source": A, "type": T0, "at": 120, "offset": 585},
    ],
    [
        {"source": A, "type": T0, "start": (0, 330), "end": (120, -600)},
        {"source": B, "type": None, "start": (60, None), "end": None},
    ],
)


@pytest.mark.contract("properties.filters.exact_subset")
@given(drawn=events_and_filters(), scope=st.sampled_from(["profile", "identifier"]))
@example(drawn=BOUNDS_EXAMPLE, scope="profile")
def test_filters_return_exactly_the_matching_events(
    zd_client: ZdClient,
    zd_namespace: Namespace,
    zd_created: Created,
    zd_eventually: Any,
    drawn: tuple[list[dict[str, Any]], list[dict[str, Any]]],
    scope: str,
) -> None:
    """For any events of a profile and any combination of filter[source], filter[type],
    filter[start_time] and filter[end_time], the events returned across all pages MUST be exactly
    those that match every filter.

    seed 001 (Events API reference), Get Events filters (source; type for the given source;
    start_time 'equal to or later than'; end_time 'equal to or before' the created_at time); S3
    filters combine (reference §4)"""
    specs, filters = drawn
    base = recent_instant()
    person, marks = track_all(
        zd_client,
        zd_namespace,
        zd_created,
        [
            {
                "source": e["source"],
                "type": e["type"],
                "created_at": stamp(base + timedelta(seconds=e["at"]), e["offset"]),
            }
            for e in specs
        ],
    )
    path, params = person.place(scope)
    wait_visible(zd_client, zd_eventually, path, params, marks)
    sent = [
        (m, e["source"], e["type"], stamp(base + timedelta(seconds=e["at"]), e["offset"]))
        for m, e in zip(marks, specs, strict=True)
    ]
    for f in filters:
        query = dict(params)
        if f["source"]:
            query["filter[source]"] = f["source"]
        if f["type"]:
            query["filter[type]"] = f["type"]
        if f["start"]:
            query["filter[start_time]"] = stamp(base + timedelta(seconds=f["start"][0]), f["start"][1])
        if f["end"]:
            query["filter[end_time]"] = stamp(base + timedelta(seconds=f["end"][0]), f["end"][1])
        events = read_all(zd_client, path, query, page_size=50)
        expected = [m for m, e in zip(marks, specs, strict=True) if matches(e, f)]
        assert Counter(mark_of(e) for e in events) == Counter(expected), (
            "The events returned across all pages must be exactly those that match every filter "
            "(seed 001: source; type for the given source; start_time 'equal to or later than'; "
            f"end_time 'equal to or before' the created_at time). GET {path} with {query}: expected "
            f"{sorted(expected)} of {sent}; got {show(events)}"
        )


# --- properties.pagination.each_once ------------------------------------------------------------


@pytest.mark.contract("properties.pagination.each_once")
@given(
    specs=st.lists(event_spec, min_size=1, max_size=8),
    sizes=st.lists(st.integers(1, 4), min_size=1, max_size=3, unique=True),
    scope=st.sampled_from(["profile", "identifier", "user"]),
    source=st.one_of(st.none(), st.sampled_from(EVENT_SOURCES)),
)
# Every run tries first a walk that needs several pages.
@example(
    specs=[{"source": A, "type": T0, "at": 60 * (i // 2), "offset": None} for i in range(6)],
    sizes=[2],
    scope="profile",
    source=None,
)
def test_pages_return_every_matching_event_once(
    zd_client: ZdClient,
    zd_namespace: Namespace,
    zd_created: Created,
    zd_eventually: Any,
    specs: list[dict[str, Any]],
    sizes: list[int],
    scope: str,
    source: str | None,
) -> None:
    """For any events and any page[size] n, following the pages until meta.has_more is false
    MUST return every matching event exactly once, in pages of at most n events.

    seed 001 (Events API reference): page[size] 'Include the specified number of events',
    meta.after_cursor/has_more and links[].next; S16 cursor-based pagination (reference §5)"""
    base = recent_instant()
    person, marks = track_all(
        zd_client,
        zd_namespace,
        zd_created,
        [
            {
                "source": e["source"],
                "type": e["type"],
                "created_at": stamp(base + timedelta(seconds=e["at"]), e["offset"]),
            }
            for e in specs
        ],
    )
    source = source or (EVENT_SOURCES[0] if scope == "user" else None)
    path, params = person.place(scope, source)  # by user: within filter[source] already
    expected = [m for m, e in zip(marks, specs, strict=True) if source is None or e["source"] == source]
    wait_visible(zd_client, zd_eventually, path, params, expected if scope == "user" else marks)
    if source:
        params["filter[source]"] = source

    for size in sizes:
        walk_each_once(zd_client, path, params, size, expected)


def walk_each_once(
    client: ZdClient, path: str, params: dict[str, str], size: int, expected: list[str]
) -> None:
    """Follow the pages of ``size`` until meta.has_more is false: pages of at most ``size``,
    every one of ``expected`` exactly once."""
    query = {**params, "page[size]": str(size)}
    pages: list[list[Any]] = []
    limit = -(-len(expected) // size) + 2
    while True:
        page = read_page(client, path, query)
        events = page.get("events", [])
        pages.append([mark_of(e) for e in events])
        assert len(events) <= size, (
            f"page[size]={size} must give pages of at most {size} events (seed 001); GET {path} {query} "
            f"returned {len(events)}: {show(events)}"
        )
        meta = page.get("meta") or {}
        if not meta.get("has_more"):
            break
        assert len(pages) < limit, (
            f"Walking {len(expected)} events in pages of {size}, meta.has_more was still true after "
            f"{len(pages)} pages; marks per page: {pages}"
        )
        query["page[after]"] = str(meta.get("after_cursor"))
    got = Counter(m for p in pages for m in p)
    assert got == Counter(expected), (
        f"Following the pages until meta.has_more is false must return every matching event exactly "
        f"once (seed 001, S16). GET {path} {params} in pages of {size}: missing "
        f"{sorted(set(expected) - set(got))}, repeated {sorted(m for m, c in got.items() if c > 1)}, "
        f"not matching {sorted(set(got) - set(expected), key=str)}; marks per page: {pages}"
    )


# --- properties.values.round_trip ---------------------------------------------------------------

KEYS = st.text(alphabet=string.ascii_lowercase + string.digits, min_size=1, max_size=8)
TEXT = st.text(alphabet=st.characters(categories=["L", "N", "P", "S", "Zs"]), max_size=20)


def nested(depth: int) -> st.SearchStrategy[Any]:
    """A string, or an object of strings and objects at most ``depth`` levels deep."""
    if depth == 0:
        return TEXT
    return st.one_of(TEXT, st.dictionaries(KEYS, nested(depth - 1), min_size=1, max_size=3))


#: A top-level object (level 1) with values nested to level 5, and always one nested object.
PROPERTIES = st.builds(
    lambda loose, inner: {**loose, "zdc_nested": inner},
    st.dictionaries(KEYS, nested(4), max_size=4),
    st.dictionaries(KEYS, nested(3), min_size=1, max_size=3),
)


@pytest.mark.contract("properties.values.round_trip")
@given(
    properties=PROPERTIES,
    description=st.one_of(
        st.none(),
        st.text(alphabet=st.characters(categories=["L", "N", "P", "S", "Zs"]), min_size=1, max_size=40),
    ),
    millis=st.integers(0, 86_400_000 - 1),
    offset=st.sampled_from(OFFSETS),
    source=st.sampled_from(EVENT_SOURCES),
    type_=st.sampled_from(EVENT_TYPES),
)
# Every run tries first the Events API reference's example event (seed 001).
@example(
    properties={
        "billing": {"address1": "1019 Market St", "city": "San Francisco", "zipcode": "94103"},
        "item": {"name": "Zendesk Swag"},
    },
    description="Order complete",
    millis=44_647_000,
    offset=0,
    source=A,
    type_=T0,
)
def test_event_reads_back_as_sent(
    zd_client: ZdClient,
    zd_namespace: Namespace,
    zd_created: Created,
    zd_eventually: Any,
    properties: dict[str, Any],
    description: str | None,
    millis: int,
    offset: int | None,
    source: str,
    type_: str,
) -> None:
    """For any event whose properties hold string values in nested objects, any description and
    any created_at, the event read back MUST have the same properties and description and a
    created_at denoting the same instant.

    seed 001 (Events API reference), JSON format (created_at, description, properties); seed 000
    'All numbers must be strings'"""
    when = recent_instant() - timedelta(days=1) + timedelta(milliseconds=millis)
    event: dict[str, Any] = {
        "source": source,
        "type": type_,
        "created_at": stamp(when, offset, "milliseconds"),
        "properties": properties,
    }
    if description is not None:
        event["description"] = description
    person, (mark,) = track_all(zd_client, zd_namespace, zd_created, [event])
    sent_properties = {**properties, MARK: mark}
    for scope in ("profile", "identifier", "user"):
        path, params = person.place(scope, source)
        events = wait_visible(zd_client, zd_eventually, path, params, [mark])
        (got,) = [e for e in events if mark_of(e) == mark]
        where = f"read by {scope} (GET {path})"
        assert got.get("properties") == sent_properties, (
            f"An event read back must have the properties that were sent, nested objects included "
            f"(seed 001). {where}: sent {sent_properties!r}, got {got.get('properties')!r}"
        )
        if description is not None:
            assert got.get("description") == description, (
                f"An event read back must have the description that was sent (seed 001). {where}: "
                f"sent {description!r}, got {got.get('description')!r}"
            )
        assert (got.get("source"), got.get("type")) == (source, type_), (
            f"An event read back must have the source and type that were sent (seed 001). {where}: "
            f"sent {(source, type_)}, got {(got.get('source'), got.get('type'))}"
        )
        assert instant(got.get("created_at")) == when, (
            f"created_at must read back as the instant that was sent (seed 001). {where}: sent "
            f"{event['created_at']!r} ({when.isoformat()}), got {got.get('created_at')!r}"
        )


# --- properties.identifiers.lowercased ----------------------------------------------------------


def recase(text: str, upper: int) -> str:
    """``text`` with the letters at the set bits of ``upper`` in upper case."""
    return "".join(c.upper() if upper >> i & 1 else c for i, c in enumerate(text))


@pytest.mark.contract("properties.identifiers.lowercased")
@given(
    letters=st.text(alphabet=string.ascii_letters, min_size=1, max_size=8),
    email_case=st.integers(0, 2**64 - 1),
    twitter_case=st.integers(0, 2**64 - 1),
)
@example(letters="MiXeD", email_case=2**64 - 1, twitter_case=2**64 - 1)
def test_email_and_twitter_values_are_lowercased(
    zd_client: ZdClient,
    zd_namespace: Namespace,
    zd_created: Created,
    zd_eventually: Any,
    letters: str,
    email_case: int,
    twitter_case: int,
) -> None:
    """For any email or twitter identifier value in any letter case, the profile MUST store it
    with every upper case letter converted to lower case.

    reference §3.4, S2: 'any upper case letters are automatically converted to lower case'"""
    sent = {
        "email": recase(f"{zd_namespace.value()}-{letters}@example.com", email_case),
        "twitter": recase(f"{zd_namespace.value().replace('-', '_')}_{letters}", twitter_case),
    }
    answer = track(
        zd_client,
        zd_created,
        [{"type": type_, "value": value} for type_, value in sent.items()],
        {"source": EVENT_SOURCES[0], "type": EVENT_TYPES[0], "properties": {MARK: zd_namespace.value()}},
    )
    path = f"/api/v2/user_profiles/{answer['profile_id']}"

    def stored() -> dict[str, str]:
        response = zd_client.get(path)
        assert response.status_code == 200, (
            f"GET {path} answered {response.status_code}: {response.text[:300]}"
        )
        identifiers = response.json()["profile"]["identifiers"]
        found = {}
        for type_, value in sent.items():
            same = [
                i["value"]
                for i in identifiers
                if i.get("type") == type_ and str(i.get("value")).lower() == value.lower()
            ]
            assert same, f"the profile does not list the {type_} identifier {value!r} yet: {identifiers!r}"
            found[type_] = same[0]
        return found

    found = zd_eventually(stored)
    for type_, value in sent.items():
        assert found[type_] == value.lower(), (
            f"When the value of an identifier of type {type_} is added, 'any upper case letters are "
            f"automatically converted to lower case' (S2): sent {value!r}, the profile stores "
            f"{found[type_]!r}"
        )


# --- properties.identifiers.one_profile ---------------------------------------------------------


@st.composite
def identifier_steps(draw: st.DrawFn) -> tuple[list[str], list[list[int]]]:
    """A pool of 3-6 identifiers (by type) and 2-5 steps, each a list of pool indices of which
    at least one was sent in an earlier step, often with new ones, in any order."""
    pool = draw(st.lists(st.sampled_from(["zdc_key", "zdc_ref"]), min_size=3, max_size=6))
    indices = range(len(pool))
    steps = [draw(st.lists(st.sampled_from(indices), min_size=1, max_size=2, unique=True))]
    sent = set(steps[0])
    for _ in range(draw(st.integers(1, 4))):
        known = draw(st.lists(st.sampled_from(sorted(sent)), min_size=1, max_size=2, unique=True))
        unsent = sorted(set(indices) - sent)
        new = draw(st.lists(st.sampled_from(unsent), max_size=2, unique=True)) if unsent else []
        step = list(draw(st.permutations(sorted({*known, *new}))))
        steps.append(step)
        sent |= set(step)
    return pool, steps


@pytest.mark.contract("properties.identifiers.one_profile")
@given(drawn=identifier_steps())
# Every run tries first: a known identifier, then a new one sent first beside it, then the known
# one again (the profile must end up holding both), and a chain in which each event shares only
# the identifier the event before it added.
@example(drawn=(["zdc_key", "zdc_ref"], [[0], [1, 0], [0]]))
@example(drawn=(["zdc_key", "zdc_ref", "zdc_key"], [[0], [1, 0], [2, 1]]))
def test_events_of_one_person_go_to_one_profile(
    zd_client: ZdClient,
    zd_namespace: Namespace,
    zd_created: Created,
    zd_eventually: Any,
    drawn: tuple[list[str], list[list[int]]],
) -> None:
    """For any sequence of events for one person, each sent with identifiers of which at least
    one was sent before, every event MUST be stored against one profile that ends up holding all
    the identifiers sent.

    S1 (Track Event Against a Sunshine Profile): 'If the profile does not exist, it will be
    created. Any additional identifier information provided is added to the profile.' (reference
    §1.1 E5)"""
    pool_types, steps = drawn
    pool = [{"type": type_, "value": zd_namespace.value()} for type_ in pool_types]
    profile_ids, marks, sent = [], [], []
    for step in steps:
        identifiers = [pool[i] for i in step]
        mark = zd_namespace.value()
        answer = track(
            zd_client,
            zd_created,
            identifiers,
            {"source": EVENT_SOURCES[0], "type": EVENT_TYPES[0], "properties": {MARK: mark}},
        )
        profile_ids.append(str(answer["profile_id"]))
        marks.append(mark)
        sent.append(identifiers)
    assert len(set(profile_ids)) == 1, (
        "Every event sent with an identifier sent before must be stored against that profile: 'If the "
        "profile does not exist, it will be created' only when none has the identifiers, and 'Any "
        "additional identifier information provided is added to the profile' (S1), so a later event "
        "that shares any identifier with an earlier one finds the same profile. The events were sent "
        f"with {sent} and went to the profiles {profile_ids}"
    )
    profile_id = profile_ids[0]
    wait_visible(zd_client, zd_eventually, profile_events_path(profile_id), {}, marks)
    response = zd_client.get(f"/api/v2/user_profiles/{profile_id}")
    assert response.status_code == 200, (
        f"GET the profile answered {response.status_code}: {response.text[:300]}"
    )
    held = {(i.get("type"), i.get("value")) for i in response.json()["profile"].get("identifiers", [])}
    missing = [i for i in pool if any(i in s for s in sent) and (i["type"], i["value"]) not in held]
    assert not missing, (
        "'Any additional identifier information provided is added to the profile' (S1): the profile "
        f"must end up holding every identifier sent. Sent, in order: {sent}; the profile holds "
        f"{sorted(held)}; missing {missing}"
    )
