"""The documented hard limits the contracts test at their boundary (S14, S15; reference 6.1).

The emulator keeps its own copy in its validation: the contracts read the docs, not the emulator.
"""

from __future__ import annotations

#: Profile and event source and type length.
MAX_NAME_LENGTH = 40
#: Identifiers per profile.
MAX_IDENTIFIERS = 20
#: Profiles per person.
MAX_PROFILES = 20
#: "Identifier source character length 60" (S14): read as the identifier type or its value, so
#: both may be 60 characters long, and neither reading makes a 61st character refused.
MAX_IDENTIFIER_LENGTH = 60
