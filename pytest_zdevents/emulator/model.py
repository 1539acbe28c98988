"""The emulator's records: users, profiles, events, and the query that reads events."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

#: How a filter[source] or filter[type] value selects events: equal to the event's (as documented),
#: or, with a quirk on, a prefix of it or contained in it.
Match = Literal["equal", "prefix", "substring"]


def matched(value: str, wanted: str, how: Match) -> bool:
    """Whether ``value`` passes a filter of ``wanted`` compared ``how``."""
    if how == "prefix":
        return value.startswith(wanted)
    if how == "substring":
        return wanted in value
    return value == wanted


class Identifier(NamedTuple):
    """One ``{type, value}`` entry of a profile's ``identifiers`` (S2)."""

    type: str
    value: str

    def to_json(self) -> dict[str, str]:
        return {"type": self.type, "value": self.value}


@dataclass
class User:
    """A Zendesk user. ``identities`` hold standard identifiers; an identity has one owner."""

    id: str
    name: str
    identities: list[Identifier] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "identities": [identity.to_json() for identity in self.identities],
        }


@dataclass
class Profile:
    """A Sunshine profile (S2, S7)."""

    id: str
    source: str
    type: str
    name: str
    user_id: str
    identifiers: list[Identifier]
    attributes: dict[str, Any]
    created_at: str
    updated_at: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "type": self.type,
            "name": self.name,
            "user_id": self.user_id,
            "identifiers": [identifier.to_json() for identifier in self.identifiers],
            "attributes": self.attributes,
            "created_at": self.created_at,
            "updated_at": self.updated_at,
        }


#: An event's JSON in none of its shapes: eight, by three switches of :mod:`.views` (``Views.page``).
UNWRITTEN = (None,) * 8


@dataclass(frozen=True, slots=True)  # slots: a store holds millions, each without a __dict__ to collect
class Event:
    """A stored event (S1, S6). ``seq`` is the arrival order, assigned by the store.

    ``created_ns`` is the instant ``created_at`` names; ``visible_ns`` is when the event becomes
    readable (its receive time plus the ingestion lag).
    """

    id: str
    profile_id: str
    user_id: str
    source: str
    type: str
    description: str | None
    properties: dict[str, Any]
    created_at: str
    created_ns: int
    received_at: str
    visible_ns: int
    seq: int = 0
    #: The event's JSON text as :mod:`.views` wrote it, by the switches that shape it (one of
    #: :data:`WIRE_SHAPES`), None until written: an event is never changed once stored (a change
    #: is a new Event, with an empty cache), so a page read writes each event once per shape, not
    #: once per read. Not a field of the record. Indexed, so that a page takes its events' JSON
    #: by ``itemgetter``, with no Python code per event; :data:`UNWRITTEN`, shared, until the
    #: first is written, so that events never read cost nothing.
    wire: tuple[None, ...] | list[bytes | None] = field(
        default=UNWRITTEN, init=False, compare=False, repr=False
    )

    @property
    def key(self) -> tuple[int, int]:
        """The sort and cursor key: creation instant, then arrival order."""
        return (self.created_ns, self.seq)

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": self.id,
            "source": self.source,
            "type": self.type,
            "created_at": self.created_at,
            "received_at": self.received_at,
            "properties": self.properties,
            "profile_id": self.profile_id,
            "user_id": self.user_id,
        }
        if self.description is not None:
            body["description"] = self.description
        return body


@dataclass(frozen=True, slots=True)
class EventQuery:
    """One page's worth of an event read, in the store's terms.

    Bounds are inclusive instants in nanoseconds; ``after`` is the key of the last event of the
    previous page; ``limit`` is how many events to return at most.
    """

    scope: Literal["profile", "user"]
    scope_id: str
    descending: bool
    limit: int
    visible_at: int
    source: str | None = None
    type: str | None = None
    start_ns: int | None = None
    end_ns: int | None = None
    after: tuple[int, int] | None = None
    source_match: Match = "equal"
    type_match: Match = "equal"

    #: Whether only visibility selects: no filter and no bound (most reads), set on creation.
    unfiltered: bool = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        bounds = (self.source, self.type, self.start_ns, self.end_ns)
        object.__setattr__(self, "unfiltered", bounds == (None, None, None, None))

    def matches(self, event: Event) -> bool:
        """Whether ``event`` passes the filters (not the scope or the cursor)."""
        if event.visible_ns > self.visible_at:
            return False
        return self.unfiltered or (
            (self.source is None or matched(event.source, self.source, self.source_match))
            and (self.type is None or matched(event.type, self.type, self.type_match))
            and (self.start_ns is None or event.created_ns >= self.start_ns)
            and (self.end_ns is None or event.created_ns <= self.end_ns)
        )


@dataclass(frozen=True, slots=True)
class EventFilter:
    """What a read of events asks for (E1, E2, E3), as the query string said it.

    Bounds are inclusive instants in nanoseconds; ``after`` is the position a cursor names.
    """

    page_size: int
    source: str | None = None
    type: str | None = None
    start_ns: int | None = None
    end_ns: int | None = None
    after: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class EventPage:
    """One page of a read: its events, whether more remain, and the key a next page starts
    after (None when the page is empty)."""

    events: list[Event]
    has_more: bool
    after: tuple[int, int] | None
