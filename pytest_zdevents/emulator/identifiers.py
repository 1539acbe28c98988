"""Identifier queries, identifier normalisation and default profile names (S2, S5)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .errors import InvalidIdentifierQuery
from .model import Identifier
from .switches import Quirk, Switches

#: Identifier types that link a profile to a Zendesk user (S2, S11).
STANDARD_TYPES = frozenset({"email", "phone_number", "external_id", "twitter", "facebook", "sdk"})

#: "any upper case letters are automatically converted to lower case" for these types (S2).
_LOWERCASED = {"email": Quirk.EMAIL_CASE_KEPT, "twitter": Quirk.TWITTER_CASE_KEPT}

#: How a profile without a name is named, by the first of these identifier types it has (S2).
_NAME_PREFIXES = (
    ("email", ""),
    ("external_id", "User "),
    ("phone_number", "User "),
    ("twitter", "Twitter user "),
    ("facebook", "Facebook user "),
    ("sdk", "SDK user "),
)


@dataclass(frozen=True)
class IdentifierQuery:
    """``source:type:identifier_type:identifier_value`` (S5)."""

    source: str
    type: str
    identifier: Identifier
    #: The query as sent, which a 404 quotes.
    raw: str = field(default="", compare=False)


def normalize(identifier: Identifier, switches: Switches) -> Identifier:
    """The identifier as stored and matched: email and twitter values lowercased."""
    quirk = _LOWERCASED.get(identifier.type)
    if quirk is None or switches.on(quirk):
        return identifier
    return Identifier(identifier.type, identifier.value.lower())


def parse_query(raw: str | None, switches: Switches) -> IdentifierQuery:
    """Parse an ``identifier`` query parameter, already percent-decoded.

    Splits on the first three colons only, so the value may itself contain colons.
    """
    example = "for example identifier=shoppingnow:customer:email:jane@example.com"
    if raw is None:
        raise InvalidIdentifierQuery(
            f"The identifier query parameter is required: {example}.", title="Identifier query missing"
        )
    parts = raw.split(":") if switches.on(Quirk.IDENTIFIER_VALUE_SPLIT) else raw.split(":", 3)
    if switches.on(Quirk.PARTIAL_IDENTIFIER_QUERY) and len(parts) in (2, 3) and all(parts):
        # No identifier value: Profiles.by_query takes the first profile of the source and type.
        return IdentifierQuery(parts[0], parts[1], Identifier(parts[2] if len(parts) == 3 else "", ""), raw)
    if len(parts) < 4 or not all(parts[:4]):
        raise InvalidIdentifierQuery(
            "An identifier query has four non-empty colon-separated parts, "
            f"source:type:identifier_type:identifier_value, {example}."
        )
    source, type_, id_type, value = parts[:4]
    return IdentifierQuery(source, type_, normalize(Identifier(id_type, value), switches), raw)


def default_name(identifiers: Iterable[Identifier]) -> str:
    """The name Zendesk gives a profile that was sent without one (S2)."""
    identifiers = list(identifiers)
    for id_type, prefix in _NAME_PREFIXES:
        for identifier in identifiers:
            if identifier.type == id_type:
                return prefix + identifier.value
    first = identifiers[0]
    return f"{first.type.capitalize()} user {first.value}"


def merged(existing: Iterable[Identifier], new: Iterable[Identifier]) -> list[Identifier]:
    """``existing`` followed by the identifiers of ``new`` it lacks, in order, without repeats."""
    result = list(dict.fromkeys(existing))
    seen = set(result)
    for identifier in new:
        if identifier not in seen:
            seen.add(identifier)
            result.append(identifier)
    return result
