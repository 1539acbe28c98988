"""The emulator's configuration: credentials, storage, realism switches, quirks and variations."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from .switches import QUIRKS, VARIATIONS, Quirk, Variation, unknown_names

DEFAULT_PAGE_SIZE = 100
MAX_BODY_BYTES = 1024 * 1024


@dataclass(frozen=True)
class EmulatorSettings:
    """Everything that shapes the emulator's behaviour.

    Settings are immutable; :meth:`changed` makes a new value, which is how the control plane
    switches lag, rate limit, quirks and variations at run time.
    """

    email: str | None = None
    # repr=False: settings end up in tracebacks and logs, and a secret must never show.
    token: str | None = field(default=None, repr=False)
    oauth_tokens: frozenset[str] = field(default=frozenset(), repr=False)
    read_only_oauth_tokens: frozenset[str] = field(default=frozenset(), repr=False)
    db_path: str | None = None
    lag: float = 0.0
    rate_limit: int | None = None
    quirks: frozenset[str] = frozenset()
    variations: frozenset[str] = frozenset()
    max_body_bytes: int = MAX_BODY_BYTES
    journal_size: int = 1000

    def __post_init__(self) -> None:
        for kind, names, known in (
            ("quirk", self.quirks, QUIRKS),
            ("variation", self.variations, VARIATIONS),
        ):
            unknown = unknown_names(names, known)
            if unknown:
                raise ValueError(
                    f"Unknown {kind} {', '.join(unknown)}. Known {kind}s: {', '.join(sorted(known))}."
                )
        if isinstance(self.lag, bool) or not isinstance(self.lag, int | float) or self.lag < 0:
            raise ValueError(f"lag must be zero or more seconds, not {self.lag!r}.")
        rate = self.rate_limit
        if rate is not None and (isinstance(rate, bool) or not isinstance(rate, int) or rate < 1):
            raise ValueError(
                f"rate_limit must be a whole number of requests a second, 1 or more, not {rate!r}."
            )
        if (self.email is None) != (self.token is None):
            raise ValueError("Give both email and token for Basic authentication, or neither.")

    @property
    def auth_required(self) -> bool:
        return bool(self.token or self.oauth_tokens or self.read_only_oauth_tokens)

    @property
    def page_size_max(self) -> int:
        return 50 if self.on(Variation.PAGE_SIZE_MAX_50) else DEFAULT_PAGE_SIZE

    def on(self, switch: Quirk | Variation) -> bool:
        """Whether ``switch`` is on. Only members count: a plain string is a TypeError, so a
        misspelt switch cannot read as one that is off."""
        if isinstance(switch, Quirk):
            return switch in self.quirks
        if isinstance(switch, Variation):
            return switch in self.variations
        raise TypeError(f"{switch!r} is not a Quirk or a Variation.")

    def changed(self, **changes: Any) -> EmulatorSettings:
        return replace(self, **changes)
