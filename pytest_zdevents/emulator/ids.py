"""Identifiers the emulator mints: ULIDs for profiles and events, integers for users."""

from __future__ import annotations

import random

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class IdMaker:
    """Mints ids from one random generator, so a seeded emulator mints the same ids each run."""

    def __init__(self, seed: int | None = None) -> None:
        self._random = random.Random(seed)

    def ulid(self, now_ns: int) -> str:
        """A 26-character ULID (48-bit millisecond time, 80 random bits), as Zendesk's ids look."""
        value = (max(now_ns, 0) // 1_000_000 % 2**48) << 80 | self._random.getrandbits(80)
        return "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))

    def user_id(self) -> str:
        """A Zendesk-like integer user id, as a string (S1 shows ``"user_id": "123456"``)."""
        return str(self._random.randrange(10**11, 10**12))
