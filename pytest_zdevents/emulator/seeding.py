"""Exporting the emulator's state, and importing (seeding) it, in one JSON format.

``{"users": [...], "profiles": [...], "events": [...]}`` with the fields the API shows. An import
is checked whole before anything is written, so it is applied completely or not at all. Part of
the service: :meth:`.service.EventsService.export` and ``import_`` call these on its backend.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from .backend import Backend
from .decoding import unwritable
from .errors import ApiError, IdentifierConflict, InvalidState, StateRecordExists, UserConflict
from .identifiers import STANDARD_TYPES, default_name, normalize
from .model import Event, Identifier, Profile, User
from .switches import ALL_OFF
from .timestamps import parse_timestamp
from .validation import event_input, profile_input, user_id_path

FORMAT_VERSION = 1
T = TypeVar("T")
_IDENTIFIER_TYPES = ", ".join(sorted(STANDARD_TYPES))


def export_records(backend: Backend) -> dict[str, Any]:
    with backend.lock:
        store = backend.store
        return {
            "version": FORMAT_VERSION,
            "users": [user.to_json() for user in store.users()],
            "profiles": [profile.to_json() for profile in store.profiles()],
            "events": [event.to_json() for event in store.events()],
        }


def _records(data: dict[str, Any], key: str, where: str = "") -> list[dict[str, Any]]:
    records = data.get(key, [])
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        name = f"{where}.{key}" if where else key
        raise InvalidState(f"{name} must be an array of objects.")
    return records


def _text(record: dict[str, Any], key: str, where: str) -> str:
    value = record.get(key)
    if not isinstance(value, str) or not value:
        raise InvalidState(f"{where}.{key} must be a non-empty string.")
    return value


def _instant(text: Any, where: str) -> int:
    parsed = parse_timestamp(text, allow_date=False) if isinstance(text, str) else None
    if parsed is None:
        raise InvalidState(f"{where} {text!r} is not an RFC 3339 date-time.")
    return parsed.ns


def import_records(backend: Backend, data: Any) -> dict[str, int]:
    """Add the users, profiles and events of ``data``; answer how many of each."""
    if not isinstance(data, dict):
        raise InvalidState("The state must be a JSON object.")
    # What the HTTP route decoded is sound already; Emulator.import_() takes any Python value.
    where = unwritable(data)
    if where is not None:
        raise InvalidState(f"{where} is not JSON: a lone surrogate or a number that is not finite.")
    with backend.unit():
        plan = _Plan(backend)
        users = [plan.user(record, f"users[{i}]") for i, record in enumerate(_records(data, "users"))]
        profiles = [
            plan.profile(record, f"profiles[{i}]") for i, record in enumerate(_records(data, "profiles"))
        ]
        events = [plan.event(record, f"events[{i}]") for i, record in enumerate(_records(data, "events"))]
        for user in users:
            backend.store.save_user(user)
        for profile in profiles:
            backend.store.save_profile(profile)
        for event in events:
            backend.store.add_event(event)
    return {"users": len(users), "profiles": len(profiles), "events": len(events)}


class _Plan:
    """Checks records against the store and against each other before anything is written."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.store = backend.store
        self.users: dict[str, User] = {}
        self.identities: dict[Identifier, str] = {}
        self.profiles: dict[str, Profile] = {}
        self.indexed: set[tuple[str, str, Identifier]] = set()
        self.event_ids: set[str] | None = None  # read from the store at the first event

    def user(self, record: dict[str, Any], where: str) -> User:
        user_id = _checked(where, lambda: user_id_path(_text(record, "id", where)))
        if user_id in self.users or self.store.get_user(user_id) is not None:
            raise StateRecordExists(f"{where}: user {user_id} already exists.", title="User exists")
        identities = []
        for index, item in enumerate(_records(record, "identities", where)):
            place = f"{where}.identities[{index}]"
            identity = normalize(Identifier(_text(item, "type", place), _text(item, "value", place)), ALL_OFF)
            if identity.type not in STANDARD_TYPES:
                raise InvalidState(f"{place}.type must be one of {_IDENTIFIER_TYPES}.")
            if identity in self.identities or self.store.identity_owner(identity) is not None:
                raise UserConflict(f"{place} belongs to another user already.", title="Identity has an owner")
            self.identities[identity] = user_id
            identities.append(identity)
        name = record.get("name", "")
        user = User(id=user_id, name=name if isinstance(name, str) else "", identities=identities)
        self.users[user_id] = user
        return user

    def profile(self, record: dict[str, Any], where: str) -> Profile:
        wanted = _checked(where, lambda: profile_input({"profile": record}, ALL_OFF, with_source_type=True))
        assert wanted.source is not None and wanted.type is not None
        profile_id = _text(record, "id", where)
        user_id = _text(record, "user_id", where)
        if profile_id in self.profiles or self.store.get_profile(profile_id) is not None:
            raise StateRecordExists(f"{where}: profile {profile_id} already exists.", title="Profile exists")
        if user_id not in self.users and self.store.get_user(user_id) is None:
            raise InvalidState(f"{where}: there is no user {user_id}.")
        for identifier in wanted.identifiers:
            key = (wanted.source, wanted.type, identifier)
            if key in self.indexed or self.store.profile_ids_for(*key[:2], [identifier]):
                raise IdentifierConflict(
                    f"{where}: {identifier.type}:{identifier.value} belongs to another "
                    f"{wanted.source}:{wanted.type} profile.",
                    title="Identifier has a profile",
                )
            self.indexed.add(key)
        now = self.backend.timestamp(self.backend.clock())
        created_at = record.get("created_at") or now
        updated_at = record.get("updated_at") or created_at
        _instant(created_at, f"{where}.created_at")
        _instant(updated_at, f"{where}.updated_at")
        profile = Profile(
            id=profile_id,
            source=wanted.source,
            type=wanted.type,
            name=wanted.name or default_name(wanted.identifiers),
            user_id=user_id,
            identifiers=wanted.identifiers,
            attributes=wanted.attributes or {},
            created_at=created_at,
            updated_at=updated_at,
        )
        self.profiles[profile_id] = profile
        return profile

    def event(self, record: dict[str, Any], where: str) -> Event:
        wanted = _checked(where, lambda: event_input({"event": record}, ALL_OFF))
        profile_id = _text(record, "profile_id", where)
        profile = self.profiles.get(profile_id) or self.store.get_profile(profile_id)
        if profile is None:
            raise InvalidState(f"{where}: there is no profile {profile_id}.")
        now = self.backend.clock()
        received_at = record.get("received_at") or self.backend.timestamp(now)
        received_ns = _instant(received_at, f"{where}.received_at")
        event_id = self._event_id(record, where, now)
        return wanted.event(event_id, profile, received_at, received_ns, visible_ns=0)

    def _event_id(self, record: dict[str, Any], where: str, now: int) -> str:
        if self.event_ids is None:
            self.event_ids = {event.id for event in self.store.events()}
        event_id = _text(record, "id", where) if "id" in record else self.backend.new_id(now)
        if event_id in self.event_ids:
            raise StateRecordExists(f"{where}: event {event_id} already exists.", title="Event exists")
        self.event_ids.add(event_id)
        return event_id


def _checked(where: str, read: Callable[[], T]) -> T:
    """Run a body reader, naming the record in its error."""
    try:
        return read()
    except ApiError as error:
        raise InvalidState(f"{where}: {error.detail}") from None
