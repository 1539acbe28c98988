"""The docs' own example requests, sent as the docs write them: the tutorial's and the reference's
track bodies (E5, E4) and the guides' date-only time filters (E1, E2, E3).

As written means every key, nesting, value type and string as in the docs, with three exceptions
that keep runs apart on a shared account (the catalogue's rules): sources are the suite's,
identifier values are fresh values of the same shape (an email address stays an email address, a
digit string stays digits of the same length and leading zeros), and a created_at keeps its
written form on a recent day. The docs' bodies carry no mark to find an event by, so each goes to
a fresh profile, whose one event it is.
"""

from __future__ import annotations

import copy
import hashlib
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest

from pytest_zdevents.runtime.isolation import (
    EVENT_SOURCES,
    EVENT_TYPES,
    PROFILE_SOURCE,
    identifier_query,
    mark_of,
)
from pytest_zdevents.runtime.kit import Kit
from pytest_zdevents.runtime.paths import (
    IDENTIFIER_EVENTS_PATH,
    TRACK_PATH,
    profile_events_path,
    user_events_path,
)
from pytest_zdevents.runtime.reads import events_shown, get_profile, identifier_pairs, read_all, shown
from pytest_zdevents.runtime.timeline import PAGE_SIZE, SCOPES, Timeline, within_source
from pytest_zdevents.runtime.timestamps import instant, stamp

# The docs' bodies, copied as written. The seeds' copies hide email addresses ("[email protected]");
# any address stands in, since every identifier value is replaced by a fresh one of its shape.

#: Seed 000 (Tracking events), step 3: the tutorial's body.
TUTORIAL: dict[str, Any] = {
    "profile": {
        "source": "acme",
        "type": "customer",
        "identifiers": [{"type": "email", "value": "customer@example.com"}],
    },
    "event": {
        "source": "acme",
        "type": "2fa_enabled",
        "description": "Customer enabled 2-factor authentication",
        "properties": {"passcode_preference": "SMS"},
    },
}

#: Seed 000, step 3: 'All numbers must be strings. Example: "16505556789"', in the tutorial's body.
TUTORIAL_NUMBER_AS_STRING: dict[str, Any] = copy.deepcopy(TUTORIAL)
TUTORIAL_NUMBER_AS_STRING["event"]["properties"]["phone"] = "16505556789"

#: Seed 001 (Events API reference), JSON format: the example of an event and its profile.
JSON_FORMAT: dict[str, Any] = {
    "profile": {
        "source": "shoppingnow",
        "type": "customer",
        "identifiers": [
            {"type": "shoppingnow_id", "value": "361959350832"},
            {"type": "external_id", "value": "0987654321"},
        ],
    },
    "event": {
        "source": "shoppingnow",
        "type": "order_completed",
        "created_at": "2018-11-05T22:26:00Z",
        "description": "Added item to cart",
        "properties": {
            "item": {"name": "Canon 429 EOS HD", "query": "camera", "price": "499.99"},
            "shipping": {
                "eta_date": "2019/01/02",
                "address": {
                    "address1": "1019 Market Street",
                    "city": "San Francisco",
                    "state": "CA",
                    "zipcode": "94103",
                },
            },
        },
    },
}

#: Seed 001, Track Event Against Zendesk User and Given Profile (E4): the example body.
USER_EVENT: dict[str, Any] = {
    "event": {
        "created_at": "2020-01-31T00:44:07+00:00",
        "description": "Order complete",
        "properties": {
            "billing": {
                "address1": "1019 Market St",
                "city": "San Francisco",
                "state": "CA",
                "zipcode": "94103",
            },
            "item": {"name": "Zendesk Swag"},
        },
        "source": "shoppingnow",
        "type": "checkout",
    },
    "profile": {
        "identifiers": [
            {"type": "email", "value": "jane@example.com"},
            {"type": "external_id", "value": "0987654321"},
        ],
        "name": "Jane Smith",
        "source": "shoppingnow",
        "type": "customer",
    },
}

#: Seed 001, the same operation's curl sample: created_at to the millisecond in Z, one identifier.
USER_EVENT_CURL: dict[str, Any] = {
    "profile": {
        "name": "Jane Smith",
        "source": "shoppingnow",
        "type": "customer",
        "identifiers": [{"type": "email", "value": "jane@example.com"}],
    },
    "event": {
        "source": "shoppingnow",
        "type": "checkout",
        "description": "Order complete",
        "created_at": "2020-01-31T00:44:07.000Z",
        "properties": {
            "item": {"name": "Zendesk Swag"},
            "billing": {
                "address1": "1019 Market St",
                "city": "San Francisco",
                "state": "CA",
                "zipcode": "94103",
            },
        },
    },
}

#: Reference §2.2: the track body (E5) as the reference writes it out.
REFERENCE_TRACK: dict[str, Any] = {
    "event": {
        "source": "shoppingnow",
        "type": "checkout",
        "description": "Order complete",
        "created_at": "2020-01-31T00:44:07+00:00",
        "properties": {
            "item": {"name": "Zendesk Swag"},
            "billing": {"city": "San Francisco", "zipcode": "94103"},
        },
    },
    "profile": {
        "source": "shoppingnow",
        "type": "customer",
        "name": "Jane Smith",
        "identifiers": [
            {"type": "email", "value": "jane@example.com"},
            {"type": "external_id", "value": "0987654321"},
        ],
    },
}

#: Each example and the route its docs send it to.
EXAMPLES: dict[str, tuple[dict[str, Any], str]] = {
    "tutorial (E5)": (TUTORIAL, "E5"),
    "tutorial, number as string (E5)": (TUTORIAL_NUMBER_AS_STRING, "E5"),
    "JSON format (E5)": (JSON_FORMAT, "E5"),
    "reference track body (E5)": (REFERENCE_TRACK, "E5"),
    "user event body (E4)": (USER_EVENT, "E4"),
    "user event curl sample (E4)": (USER_EVENT_CURL, "E4"),
}


def digits_like(template: str, zd: Kit) -> str:
    """Fresh digits of ``template``'s length and leading zeros, from a fresh namespaced value."""
    zeros = len(template) - len(template.lstrip("0"))
    digits = str(int(hashlib.sha256(zd.namespace.value().encode()).hexdigest(), 16))
    return ("0" * zeros + digits)[: len(template)]


def fresh(identifier: dict[str, str], zd: Kit) -> dict[str, str]:
    """A fresh identifier of the same type and shape."""
    value = identifier["value"]
    if identifier["type"] == "email":
        value = zd.namespace.email()
    elif value.isdigit():
        value = digits_like(value, zd)
    else:
        value = zd.namespace.value()
    return {"type": identifier["type"], "value": value}


def as_run(doc: dict[str, Any], zd: Kit) -> dict[str, Any]:
    """The docs' body with the suite's sources, fresh identifier values and a created_at, as written,
    on the day before yesterday (UTC)."""
    body = copy.deepcopy(doc)
    body["profile"]["source"] = PROFILE_SOURCE
    body["event"]["source"] = EVENT_SOURCES[0]
    body["profile"]["identifiers"] = [fresh(i, zd) for i in body["profile"]["identifiers"]]
    if "created_at" in body["event"]:
        day = (datetime.now(UTC) - timedelta(days=2)).date().isoformat()
        body["event"]["created_at"] = day + body["event"]["created_at"][10:]
    return body


@pytest.mark.contract("examples.track_bodies.accepted")
@pytest.mark.parametrize("example", list(EXAMPLES))
def test_the_docs_example_body_is_accepted_and_reads_back(example: str, zd: Kit) -> None:
    """The example with the run's sources, fresh identifier values of the same shapes and a recent
    created_at; E4 examples go to a user this run made (the shared profile's). Read back through E3
    (the event), P2 (the identifiers) and E2 by a query on each identifier."""
    doc, route = EXAMPLES[example]
    body = as_run(doc, zd)
    # E4: a user this run made, the shared profile's (the example adds a profile of its own to it).
    path = TRACK_PATH if route == "E5" else user_events_path(zd.shared_profile().user_id)
    response = zd.track.post(body, path)
    answer = response.json() if response.status_code == 202 else {}
    assert response.status_code == 202 and isinstance(answer, dict) and answer.get("profile_id"), (
        f"The docs' own example ({example}) MUST be accepted: 202 and the profile it went to (S1); POST "
        f"{path} got {shown(response)}\nsent: {body}"
    )
    profile_id = str(answer["profile_id"])
    sent = body["event"]
    events_path = profile_events_path(profile_id)

    def reads_back_as_sent() -> None:
        events = read_all(zd.client, events_path)
        assert len(events) == 1, (
            f"GET {events_path} should return the fresh profile's one event; got {events}"
        )
        event = events[0]
        got = {key: event.get(key, "(missing)") for key in sent if key != "created_at"}
        expected = {key: value for key, value in sent.items() if key != "created_at"}
        assert got == expected, (
            f"The docs' own example ({example}) MUST read back as sent (seed 001).\n"
            f"sent: {expected}\nread: {got}"
        )
        if "created_at" in sent:
            assert instant(event.get("created_at")) == instant(sent["created_at"]), (
                f"The docs' own example ({example}) MUST read back with the created_at sent, "
                f"{sent['created_at']} (seed 001); got {event.get('created_at')!r}"
            )
        identifiers = identifier_pairs(get_profile(zd.client, profile_id).get("identifiers"))
        assert identifier_pairs(body["profile"]["identifiers"]) <= identifiers, (
            f"The profile of the docs' own example ({example}) MUST have the identifiers sent, "
            f"{body['profile']['identifiers']} (S2); it has {sorted(identifiers)}"
        )
        for identifier in body["profile"]["identifiers"]:
            query = identifier_query(identifier)
            found = read_all(zd.client, IDENTIFIER_EVENTS_PATH, {"identifier": query})
            assert [e.get("properties") for e in found] == [sent["properties"]], (
                f"The event of the docs' own example ({example}) MUST be read by the identifier query "
                f"{query} (seed 001, S5); got {found}"
            )

    zd.eventually(reads_back_as_sent, shown=lambda: events_shown(zd.client, profile_id, 1))


@pytest.mark.contract("examples.date_only_filters.accepted")
@pytest.mark.parametrize("scope", SCOPES)
def test_date_only_time_filters_are_accepted(scope: str, zd: Kit) -> None:
    """Events at noon UTC 9, 5 and 1 days ago; filters on the dates 7 and 3 days ago, each alone and
    both, written YYYY-MM-DD. Each event lies 1.5 days or more from either edge of either date, so
    whatever instant around its day a server takes a date for, which events match is fixed."""
    today = datetime.now(UTC).date()

    def noon(days_ago: int) -> str:
        return stamp(datetime.combine(today - timedelta(days=days_ago), time(12), UTC))

    def build(timeline: Timeline) -> list[str]:
        return [timeline.track(EVENT_SOURCES[0], EVENT_TYPES[0], noon(d)) for d in (9, 5, 1)]

    # Read-only: the three scopes read the same three events of one profile.
    timeline, (early, inside, late) = zd.shared_timeline(("examples.date_only", today), build)
    start, end = ((today - timedelta(days=d)).isoformat() for d in (7, 3))
    base = within_source(scope)
    timeline.wait(scope, base)
    path, params = timeline.place(scope)
    for filters, expected in (
        ({"filter[start_time]": start}, {inside, late}),
        ({"filter[end_time]": end}, {early, inside}),
        ({"filter[start_time]": start, "filter[end_time]": end}, {inside}),
    ):
        query = {**params, **base, **filters, "page[size]": str(PAGE_SIZE)}
        response = zd.client.get(path, params=query)
        assert response.status_code == 200, (
            "Time filters written as dates, as the docs write them (seed 002: filter[start_time]=2020-02-23"
            f"&filter[end_time]=2020-02-29), MUST be accepted; GET {path} with {filters} got "
            f"{shown(response)}"
        )
        page = response.json()
        # The answer is the first page of the read; the others, if any, are read on.
        events = timeline.read(scope, {**base, **filters}) if page["meta"]["has_more"] else page["events"]
        got = sorted(mark_of(e) for e in events)
        tracked = {mark: event["created_at"] for mark, event in timeline.sent.items()}
        assert got == sorted(expected), (
            f"With {filters}, the read MUST include the events days inside the dates' range and none days "
            f"outside it (seed 001: 'equal to or later than' / 'equal to or before'): expected "
            f"{sorted(expected)} of {tracked}, got {got}"
        )
