"""The base of both kinds of switch: an enumeration whose members carry a description."""

from __future__ import annotations

from enum import StrEnum


class Switch(StrEnum):
    """A switch: its value is its name, ``description`` says what it does."""

    description: str

    def __new__(cls, name: str, description: str) -> Switch:
        member = str.__new__(cls, name)
        member._value_ = name
        member.description = description
        return member
