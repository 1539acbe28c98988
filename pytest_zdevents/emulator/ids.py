"""Identifiers the emulator mints: ULIDs for profiles and events, integers for users.

The other_ids variation mints another legal form: 24 lowercase hex characters for profiles and
events (the docs show the event id ``5c42123e98326c0001b0b25c`` beside ULIDs) and user ids of 14
digits, as a real tenant's (``50184591324691``).
"""

from __future__ import annotations

import functools
import random

_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#: Every two Crockford digits, by the ten bits they write: a ULID is 13 lookups, not 26.
_PAIRS = [a + b for a in _CROCKFORD for b in _CROCKFORD]


@functools.lru_cache(maxsize=16)
def _time_part(milliseconds: int) -> str:
    """A ULID's first ten characters: the same for every id minted in one millisecond."""
    return "".join([_PAIRS[(milliseconds >> shift) & 1023] for shift in range(40, -1, -10)])


class IdMaker:
    """Mints ids from one random generator, so a seeded emulator mints the same ids each run."""

    def __init__(self, seed: int | None = None) -> None:
        self._random = random.Random(seed)
        # The hex ids' middle and counter, as a MongoDB ObjectId's: fixed per maker, and counting.
        # From a generator of their own, so that they leave the sequence of the other ids alone.
        hex_random = random.Random(None if seed is None else f"hex:{seed}")
        self._hex_middle = hex_random.getrandbits(40)
        self._hex_counter = hex_random.getrandbits(24)

    def ulid(self, now_ns: int) -> str:
        """A 26-character ULID (48-bit millisecond time, 80 random bits), as Zendesk's ids look."""
        # Ten characters of time (two zero bits and 48 of milliseconds), then sixteen of chance.
        chance = self._random.getrandbits(80)
        return _time_part(max(now_ns, 0) // 1_000_000 % 2**48) + "".join(
            [_PAIRS[(chance >> shift) & 1023] for shift in range(70, -1, -10)]
        )

    def second_ulid(self, now_ns: int) -> str:
        """The profile_id_per_second quirk's id: a ULID of the whole second and no random part,
        the same for everything minted in one second."""
        value = (max(now_ns, 0) // 1_000_000_000 * 1000 % 2**48) << 80
        return "".join(_CROCKFORD[(value >> shift) & 31] for shift in range(125, -1, -5))

    def hex_id(self, now_ns: int) -> str:
        """A 24-character lowercase hex id laid out as a MongoDB ObjectId: 32-bit seconds, 40 bits
        fixed per maker, a 24-bit counter. Unique among the first 2**24 ids of any one second."""
        self._hex_counter = (self._hex_counter + 1) % 2**24
        seconds = max(now_ns, 0) // 1_000_000_000 % 2**32
        return f"{seconds:08x}{self._hex_middle:010x}{self._hex_counter:06x}"

    def user_id(self, digits: int = 12) -> str:
        """A Zendesk-like integer user id of ``digits`` digits, as a string (S1 shows
        ``"user_id": "123456"``)."""
        return str(self._random.randrange(10 ** (digits - 1), 10**digits))
