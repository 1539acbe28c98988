"""Keeping runs apart on a shared target.

A real account allows 50 sources and 2,500 types (reference 6.1), so a run never mints sources or
types: it uses the fixed set below and makes what it creates unique through identifier values.
"""

from __future__ import annotations

import itertools
import secrets
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

PROFILE_SOURCE = "zdevents_conformance"
PROFILE_TYPE = "customer"
#: A second profile type: a profile of another type with the same identifier is another profile.
OTHER_PROFILE_TYPE = "customer_b"
EVENT_SOURCES = ("zdevents_conformance", "zdevents_conformance_b")
EVENT_TYPES = ("viewed", "purchased", "signed_up")
#: The one source and type name of the documented 40-character limit's length (S14): the
#: contracts on that limit use it for every source and type, so a tenant sees one name more.
AT_NAME_LIMIT = "zdevents_conformance_" + "x" * 19
#: Filter values that are near misses of those sources and types, and the source or type of no
#: event: a prefix, an extension, a suffix, a part inside. A filter matches only the whole value.
SOURCE_NEAR_MISSES = ("zdevents_conformanc", "zdevents_conformance_", "events_conformance", "conformance_b")
TYPE_NEAR_MISSES = ("view", "viewed_", "iewed", "iewe", "signed", "_up")
#: The property a contract puts in each event it tracks, to find that event again.
MARK = "zdc_mark"
#: An identifier type of no Zendesk user identity (S2's examples use such types): what it links
#: to a profile touches no user.
CUSTOM_TYPE = "zdc_key"


def mark_of(event: dict[str, Any]) -> Any:
    return (event.get("properties") or {}).get(MARK)


def marks(events: list[dict[str, Any]]) -> list[Any]:
    return [mark_of(event) for event in events]


def recent_instant() -> datetime:
    """Two days ago to the second: created_at values lie well inside event retention (S14)."""
    return datetime.now(UTC).replace(microsecond=0) - timedelta(days=2)


class Namespace:
    """Identifier values unique to this run and worker: ``zdc-<run>-<worker>-<n>``."""

    def __init__(self, run_id: str | None = None, worker: str = "main") -> None:
        self.run_id = run_id or secrets.token_hex(4)
        self.prefix = f"zdc-{self.run_id}-{worker}"
        self._counter = itertools.count(1)
        self._lock = threading.Lock()

    def value(self) -> str:
        with self._lock:
            return f"{self.prefix}-{next(self._counter)}"

    def email(self) -> str:
        return f"{self.value()}@example.com"

    def identifier(self, type_: str = "external_id") -> dict[str, str]:
        """A fresh identifier; ``email`` ones get an email address as their value."""
        return {"type": type_, "value": self.email() if type_ == "email" else self.value()}

    def custom_identifiers(self, count: int) -> list[dict[str, str]]:
        """``count`` fresh identifiers, each of its own non-standard type (``zdc_key_01``, ...): as
        many as a profile may hold, and none a Zendesk user identity sees."""
        return [self.identifier(f"{CUSTOM_TYPE}_{n:02d}") for n in range(1, count + 1)]

    def profile(self, *identifiers: dict[str, str], **fields: Any) -> dict[str, Any]:
        """A profile body of the fixed source and type, with fresh identifiers unless given."""
        return {
            "source": PROFILE_SOURCE,
            "type": PROFILE_TYPE,
            "identifiers": list(identifiers) or [self.identifier("email")],
            **fields,
        }

    def event(self, **fields: Any) -> dict[str, Any]:
        """An event body of the first suite source and type whose properties carry the run id and
        a fresh mark (:func:`mark_of`), unless ``fields`` override them."""
        return {
            "source": EVENT_SOURCES[0],
            "type": EVENT_TYPES[0],
            "properties": {"run": self.run_id, MARK: self.value()},
            **fields,
        }


def identifier_query(
    identifier: dict[str, str], source: str = PROFILE_SOURCE, type_: str = PROFILE_TYPE
) -> str:
    """``source:type:identifier_type:identifier_value`` (S5)."""
    return f"{source}:{type_}:{identifier['type']}:{identifier['value']}"
