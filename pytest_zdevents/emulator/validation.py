"""Reading request bodies into checked inputs, with the documented limits.

Every rule here is also written in ``openapi.yaml``'s request schemas, so that a request valid
against the spec is never refused with a 400 and an invalid one always is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .decoding import type_name
from .errors import (
    CreatedAtNotValid,
    InvalidEventSourceLength,
    InvalidEventTypeLength,
    InvalidFieldType,
    InvalidFieldValue,
    InvalidIdentifierTypeLength,
    InvalidProfileSourceLength,
    InvalidProfileTypeLength,
    InvalidUserId,
    MissingField,
    NameTooLong,
    NestingTooDeep,
    NumbersMustBeStrings,
    ProtectedSource,
    TooManyIdentifiers,
)
from .identifiers import IdentifierQuery, merged, normalize
from .model import Event, Identifier, Profile
from .switches import Quirk, Switches
from .timestamps import parse_timestamp

#: Profile and event source and type length (S14).
MAX_NAME_LENGTH = 40
#: "Identifier source character length 60" (S14), read as the identifier type.
MAX_IDENTIFIER_TYPE_LENGTH = 60
#: Identifiers per profile (S14).
MAX_IDENTIFIERS = 20
#: Profiles per person (S15).
MAX_PROFILES_PER_USER = 20
#: How deep properties and attributes may nest (emulator choice: the docs give no limit, and
#: every store encodes them as JSON, which has a recursion limit of its own).
MAX_NESTING = 32
#: "'zendesk' is a protected source name" (S1, S2).
PROTECTED_SOURCE = "zendesk"

_USER_ID = re.compile(r"[0-9]+")


def enforced(documented: int, switches: Switches) -> int:
    """A documented limit as the emulator enforces it: one less under the limits_off_by_one quirk."""
    return documented - switches.on(Quirk.LIMITS_OFF_BY_ONE)


@dataclass(frozen=True)
class EventInput:
    source: str
    type: str
    description: str | None
    properties: dict[str, Any]
    created_at: str | None
    created_ns: int | None
    #: The client's own id and received_at, kept only under the read_only_fields_kept quirk.
    client_id: str | None = None
    client_received_at: str | None = None

    def event(
        self, event_id: str, profile: Profile, received_at: str, received_ns: int, visible_ns: int
    ) -> Event:
        """The event this input makes for ``profile``, received at ``received_at``: without a
        ``created_at`` of its own, it was created when it was received."""
        created_at, created_ns = self.created_at, self.created_ns
        if created_at is None or created_ns is None:
            created_at, created_ns = received_at, received_ns
        return Event(
            id=self.client_id or event_id,
            profile_id=profile.id,
            user_id=profile.user_id,
            source=self.source,
            type=self.type,
            description=self.description,
            properties=self.properties,
            created_at=created_at,
            created_ns=created_ns,
            received_at=self.client_received_at or received_at,
            visible_ns=visible_ns,
        )


@dataclass(frozen=True)
class ProfileInput:
    """A profile as sent; ``source`` and ``type`` are None where the route supplies them."""

    source: str | None
    type: str | None
    name: str | None
    attributes: dict[str, Any] | None
    identifiers: list[Identifier]
    user_id: str | None = None
    #: Read-only fields as sent: read only under the profile_timestamps_writable quirk.
    created_at: str | None = None
    updated_at: str | None = None


def user_id_path(value: str) -> str:
    """A ``user_id`` path segment: Zendesk user ids are integers."""
    if not _USER_ID.fullmatch(value):
        raise InvalidUserId(f"user_id must be an integer, not {value!r}.")
    return value


class _Reader:
    """Reads fields of one JSON object, naming each by its dotted path in errors."""

    def __init__(self, obj: dict[str, Any], path: str, switches: Switches) -> None:
        self.obj = obj
        self.path = path
        self.switches = switches

    def _name(self, key: str) -> str:
        return f"{self.path}.{key}"

    def _typed(self, key: str, kind: type, *, required: bool) -> Any:
        obj = self.obj
        if key not in obj:
            key = _key(obj, key, self.switches)
            if key not in obj:
                if required:
                    raise MissingField(f"{self._name(key)} is required.")
                return None
        value = obj[key]
        if type(value) is not kind and not isinstance(value, kind):
            expected = {dict: "an object", list: "an array", str: "a string"}[kind]
            if kind is str and isinstance(value, int | float) and not isinstance(value, bool):
                raise NumbersMustBeStrings(
                    f'{self._name(key)} must be a string; send numbers as strings, e.g. "16505556789".'
                )
            raise InvalidFieldType(f"{self._name(key)} must be {expected}, not {type_name(value)}.")
        return value

    def object(self, key: str, *, required: bool = False) -> dict[str, Any] | None:
        return self._typed(key, dict, required=required)

    def string(self, key: str, *, required: bool = False) -> str | None:
        return self._typed(key, str, required=required)

    def name(self, key: str, too_long: type[NameTooLong], *, source: bool) -> str:
        """A source or type: non-empty, at most 40 characters, no colon, not 'zendesk'."""
        value = self.string(key, required=True)
        assert value is not None
        field_name = self._name
        if not value:
            raise InvalidFieldValue(f"{field_name(key)} must not be empty.")
        if not source and value[0].isdigit() and self.switches.on(Quirk.TYPE_LEADING_DIGIT_REFUSED):
            raise InvalidFieldValue(f"{field_name(key)} must start with a letter.", title="Invalid type")
        # Past the limit less one, the limits_off_by_one quirk's, before a switch is read.
        if (
            len(value) >= MAX_NAME_LENGTH
            and len(value) > enforced(MAX_NAME_LENGTH, self.switches)
            and not self.switches.on(Quirk.LENGTH_LIMITS_IGNORED)
        ):
            raise too_long(
                f"{field_name(key)} is {len(value)} characters long; the limit is {MAX_NAME_LENGTH}.",
                title=f"{field_name(key)} length > {MAX_NAME_LENGTH} chars",
            )
        if ":" in value:
            raise InvalidFieldValue(
                f"{field_name(key)} must not contain ':', which separates the parts of identifier queries.",
                title="Colon not allowed",
            )
        # ASCII only, as the spec's pattern: "zendes\u212a".lower() is "zendesk" too.
        protected = len(value) == len(PROTECTED_SOURCE) and value.isascii()
        protected = protected and value.lower() == PROTECTED_SOURCE
        if source and protected and not self.switches.on(Quirk.PROTECTED_SOURCE_ACCEPTED):
            raise ProtectedSource(
                f"'{value}' is a protected source name for Zendesk standard events; "
                "use your application's name as the source."
            )
        return value

    def strings_only(
        self, key: str, *, required: bool = False, allow_null_members: bool = False, numbers: bool = False
    ) -> dict[str, Any] | None:
        """An object (properties, attributes) in which no value, however deep, is a number (unless
        ``numbers``), and nothing is nested deeper than :data:`MAX_NESTING`."""
        value = self.object(key, required=required)
        if value is not None:
            rules = _TreeRules(self.switches, numbers=numbers)  # the switches, read once per object
            for member, item in value.items():
                if not (allow_null_members and item is None):
                    _check_tree(item, f"{self._name(key)}.{member}", rules, depth=1)
            if self.switches.on(Quirk.EMPTY_VALUES_DROPPED):
                value = _without_empty(value)
        return value

    def identifiers(self, key: str, *, required: bool) -> list[Identifier]:
        value = self._typed(key, list, required=required)
        if value is None:
            return []
        field_name = self._name(key)
        if not value and required:
            raise InvalidFieldValue(
                f"{field_name} must hold at least one {{type, value}} identifier.", title="No identifiers"
            )
        if (
            len(value) >= MAX_IDENTIFIERS  # the limit less one, the limits_off_by_one quirk's
            and len(value) > enforced(MAX_IDENTIFIERS, self.switches)
            and not self.switches.on(Quirk.IDENTIFIER_LIMIT_IGNORED)
        ):
            raise TooManyIdentifiers(
                f"{field_name} has {len(value)} identifiers; a profile has at most {MAX_IDENTIFIERS}."
            )
        result = []
        for index, item in enumerate(value):
            path = f"{field_name}[{index}]"
            if not isinstance(item, dict):
                raise InvalidFieldType(f"{path} must be an object {{type, value}}, not {type_name(item)}.")
            reader = _Reader(item, path, self.switches)
            id_type = reader.string("type", required=True)
            id_value = reader.string("value", required=True)
            assert id_type is not None and id_value is not None
            if not id_type or not id_value:
                raise InvalidFieldValue(f"{path} needs a non-empty type and value.")
            if len(id_type) >= MAX_IDENTIFIER_TYPE_LENGTH and len(id_type) > enforced(
                MAX_IDENTIFIER_TYPE_LENGTH, self.switches
            ):
                raise InvalidIdentifierTypeLength(
                    f"{path}.type is {len(id_type)} characters long; "
                    f"the limit is {MAX_IDENTIFIER_TYPE_LENGTH}.",
                    title=f"Identifier type length > {MAX_IDENTIFIER_TYPE_LENGTH} chars",
                )
            if ":" in id_type:
                raise InvalidFieldValue(
                    f"{path}.type must not contain ':', which separates the parts of identifier queries.",
                    title="Colon not allowed",
                )
            result.append(normalize(Identifier(id_type, id_value), self.switches))
        return merged([], result)  # the same identifier twice is one identifier


class _TreeRules:
    """What :func:`_check_tree` refuses, under one request's switches."""

    __slots__ = ("digits_refused", "max_nesting", "numbers")

    def __init__(self, switches: Switches, *, numbers: bool) -> None:
        # deep_nesting_refused: properties.item.name passes, properties.shipping.address.city does not.
        self.max_nesting = 2 if switches.on(Quirk.DEEP_NESTING_REFUSED) else MAX_NESTING
        self.numbers = numbers or switches.on(Quirk.NUMBERS_ACCEPTED)
        # digit_strings_refused: "The API doesn't accept numeric values" misread as numeric strings.
        self.digits_refused = switches.on(Quirk.DIGIT_STRINGS_REFUSED)


def _check_tree(value: Any, path: str, rules: _TreeRules, *, depth: int) -> None:
    """Refuse numbers and nesting deeper than the rules allow below ``value``."""
    if depth > rules.max_nesting:
        raise NestingTooDeep(
            f"{path} is nested more than {rules.max_nesting} levels deep; flatten the structure."
        )
    if isinstance(value, str):
        if rules.digits_refused and value.replace(".", "", 1).isdigit():
            raise NumbersMustBeStrings(f"{path} is the numeric value {value!r}; the API doesn't accept it.")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_tree(item, f"{path}.{key}", rules, depth=depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_tree(item, f"{path}[{index}]", rules, depth=depth + 1)
    elif isinstance(value, int | float) and not isinstance(value, bool) and not rules.numbers:
        raise NumbersMustBeStrings(
            f"{path} is the number {value!r}; the API doesn't accept numeric values, "
            f'send it as the string "{value}".'
        )


def _without_empty(value: dict[str, Any]) -> dict[str, Any]:
    """The empty_values_dropped quirk: ``value`` without its empty strings and objects, however
    deep (an object left empty by that goes too)."""
    kept = {}
    for key, item in value.items():
        if isinstance(item, dict):
            item = _without_empty(item)
        if item != "" and item != {}:
            kept[key] = item
    return kept


def _key(obj: dict[str, Any], key: str, switches: Switches) -> str:
    """``key``, or under the keys_case_insensitive quirk the member of ``obj`` that matches it
    ignoring case. Member names are case-sensitive (S24)."""
    if key in obj or not switches.on(Quirk.KEYS_CASE_INSENSITIVE):
        return key
    return next((name for name in obj if name.lower() == key.lower()), key)


def _member(body: dict[str, Any], key: str, switches: Switches) -> dict[str, Any]:
    key = _key(body, key, switches)
    value = body.get(key)
    if key not in body:
        raise MissingField(f"{key} is required.")
    if not isinstance(value, dict):
        raise InvalidFieldType(f"{key} must be an object, not {type_name(value)}.")
    return value


def event_input(body: dict[str, Any], switches: Switches) -> EventInput:
    """The ``event`` member of a track body (S1, S6)."""
    reader = _Reader(_member(body, "event", switches), "event", switches)
    source = reader.name("source", InvalidEventSourceLength, source=True)
    type_ = reader.name("type", InvalidEventTypeLength, source=False)
    description = reader.string("description")
    if description == "" and switches.on(Quirk.EMPTY_VALUES_DROPPED):
        description = None
    properties = reader.strings_only("properties", required=not switches.on(Quirk.PROPERTIES_OPTIONAL))
    properties = {} if properties is None else properties
    created_at = reader.string("created_at")
    created_ns = None
    if created_at is not None:
        ignore_offset = switches.on(Quirk.OFFSET_IGNORED)
        parsed = parse_timestamp(created_at, allow_date=False, ignore_offset=ignore_offset)
        if parsed is None:
            raise CreatedAtNotValid(
                f"event.created_at {created_at!r} is not an ISO 8601 (RFC 3339) date-time, "
                "e.g. 2020-01-31T00:44:07+00:00."
            )
        created_ns = parsed.ns
    kept: dict[str, Any] = {}
    if switches.on(Quirk.READ_ONLY_FIELDS_KEPT):  # id and received_at are read-only (seed 001)
        kept = {"client_id": reader.string("id"), "client_received_at": reader.string("received_at")}
    return EventInput(source, type_, description, properties, created_at, created_ns, **kept)


def profile_input(body: dict[str, Any], switches: Switches, *, with_source_type: bool) -> ProfileInput:
    """The ``profile`` member of a track or PUT body (S1, S2).

    ``with_source_type`` is False where the identifier query or the stored profile gives the
    source and type; the body's are then ignored, as PATCH ignores them (S10).
    """
    member = _member(body, "profile", switches)
    event = body.get("event")
    if with_source_type and switches.on(Quirk.PROFILE_NAMES_FROM_EVENT) and isinstance(event, dict):
        member = {name: event[name] for name in ("source", "type") if name in event} | member
    reader = _Reader(member, "profile", switches)
    source = type_ = None
    if with_source_type:
        source = reader.name("source", InvalidProfileSourceLength, source=True)
        type_ = reader.name("type", InvalidProfileTypeLength, source=False)
    user_id = reader.string("user_id") if with_source_type else None
    if user_id is not None:
        user_id_path(user_id)
    stamps = switches.on(Quirk.PROFILE_TIMESTAMPS_WRITABLE)
    # profile_write_numbers_accepted: a PUT (not a track request) lets numbers through.
    numbers = not with_source_type and switches.on(Quirk.PROFILE_WRITE_NUMBERS_ACCEPTED)
    return ProfileInput(
        source=source,
        type=type_,
        name=reader.string("name"),
        attributes=reader.strings_only("attributes", numbers=numbers),
        identifiers=reader.identifiers("identifiers", required=True),
        user_id=user_id,
        created_at=reader.string("created_at") if stamps else None,
        updated_at=reader.string("updated_at") if stamps else None,
    )


def patch_input(body: dict[str, Any], switches: Switches) -> ProfileInput:
    """The ``profile`` member of a PATCH body: name, attributes (null removes a key) and
    identifiers to add; source, type and user_id are read-only and ignored (S10)."""
    reader = _Reader(_member(body, "profile", switches), "profile", switches)
    return ProfileInput(
        source=None,
        type=None,
        name=reader.string("name"),
        attributes=reader.strings_only(
            "attributes", allow_null_members=True, numbers=switches.on(Quirk.PROFILE_WRITE_NUMBERS_ACCEPTED)
        ),
        identifiers=reader.identifiers("identifiers", required=False),
    )


def query_names(query: IdentifierQuery, switches: Switches) -> IdentifierQuery:
    """An identifier query that creates a profile (P4, P5) obeys the rules of a profile body."""
    names = {"source": query.source, "type": query.type}
    reader = _Reader(names, "identifier", switches)
    reader.name("source", InvalidProfileSourceLength, source=True)
    reader.name("type", InvalidProfileTypeLength, source=False)
    _Reader({"identifiers": [query.identifier.to_json()]}, "identifier", switches).identifiers(
        "identifiers", required=True
    )
    return query
