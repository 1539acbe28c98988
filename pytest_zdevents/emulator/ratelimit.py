"""A token-bucket rate limit answering 429 with ``Retry-After`` (S15)."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable


class RateLimiter:
    """At most ``rate`` requests a second, in bursts of up to ``rate``."""

    def __init__(self, rate: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self._clock = clock
        self._tokens = float(rate)
        self._updated = clock()
        self._lock = threading.Lock()

    def take(self) -> tuple[bool, int, int]:
        """Spend a token if there is one: (allowed, tokens remaining, seconds until the next)."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self.rate, self._tokens + (now - self._updated) * self.rate)
            self._updated = now
            if self._tokens >= 1:
                self._tokens -= 1
                return True, int(self._tokens), 0
            return False, 0, max(1, math.ceil((1 - self._tokens) / self.rate))
