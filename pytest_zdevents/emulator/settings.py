"""The emulator's configuration: credentials, storage, realism switches, quirks and variations."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from typing import Any

from .switches import QUIRKS, VARIATIONS, Quirk, Variation, unknown_names

DEFAULT_PAGE_SIZE = 100
MAX_BODY_BYTES = 1024 * 1024
#: How long a request's body may take to arrive, in seconds.
BODY_TIMEOUT = 10.0
#: The longest lag: events a test would wait more than a day for are events it never sees.
MAX_LAG = 86_400
MAX_RATE_LIMIT = 1_000_000


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
    body_timeout: float = BODY_TIMEOUT
    #: Host names the control plane serves besides loopback names and IP addresses (``--allow-host``).
    allowed_hosts: frozenset[str] = frozenset()

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
        _check_number("lag", self.lag, "seconds", 0, MAX_LAG)
        if self.rate_limit is not None:
            _check_number("rate_limit", self.rate_limit, "requests a second", 1, MAX_RATE_LIMIT, whole=True)
        _check_number("max_body_bytes", self.max_body_bytes, "bytes", 1, 2**31, whole=True)
        _check_number("journal_size", self.journal_size, "entries", 0, 1_000_000, whole=True)
        _check_number("body_timeout", self.body_timeout, "seconds", 0.001, 3_600)
        if (self.email is None) != (self.token is None):
            raise ValueError("Give both email and token for Basic authentication, or neither.")
        credentials = (("email", self.email), ("API token", self.token))
        blank = [name for name, value in credentials if value is not None and not value.strip()]
        if any(not token.strip() for token in self.oauth_tokens | self.read_only_oauth_tokens):
            blank.append("OAuth token")
        if blank:
            raise ValueError(
                f"The {blank[0]} is empty, which would switch authentication off unseen; give a "
                "non-empty value, or leave the credentials out to serve without authentication."
            )
        _check_host_names(self)

    @property
    def auth_required(self) -> bool:
        return bool(self.token or self.oauth_tokens or self.read_only_oauth_tokens)

    @property
    def page_size_max(self) -> int:
        return 50 if self.on(Variation.PAGE_SIZE_MAX_50) else DEFAULT_PAGE_SIZE

    def on(self, switch: Quirk | Variation) -> bool:
        """Whether ``switch`` is on. Only members count: a plain string is a TypeError, so a
        misspelt switch cannot read as one that is off."""
        kind = type(switch)  # not isinstance: read tens of times a request, and no subclass exists
        if kind is Quirk:
            return switch in self.quirks
        if kind is Variation:
            return switch in self.variations
        raise TypeError(f"{switch!r} is not a Quirk or a Variation.")

    def changed(self, **changes: Any) -> EmulatorSettings:
        return replace(self, **changes)


#: A host name: dot-separated labels of letters, digits, "-" and "_" (a docker-compose service's).
_HOST_NAME = re.compile(r"[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*")


def _check_host_names(settings: EmulatorSettings) -> None:
    """The allowed hosts, lower-cased; a value that is not a host name (a URL, a port) is a
    ValueError, as it would never match a ``Host`` header."""
    names = frozenset(str(name).lower() for name in settings.allowed_hosts)
    wrong = sorted(name for name in names if not _HOST_NAME.fullmatch(name))
    if wrong:
        raise ValueError(
            f"{wrong[0]!r:.80} is not a host name; give a name such as emulator, no scheme or port."
        )
    object.__setattr__(settings, "allowed_hosts", names)


def _check_number(
    name: str, value: object, unit: str, low: float, high: float, *, whole: bool = False
) -> None:
    """``value`` is a finite number (a whole one if ``whole``) from ``low`` to ``high``, or ValueError."""
    kinds = int if whole else int | float
    if (
        isinstance(value, bool)
        or not isinstance(value, kinds)
        or not math.isfinite(value)
        or not low <= value <= high
    ):
        kind = "a whole number" if whole else "a number"
        raise ValueError(f"{name} must be {kind} of {unit} from {low:g} to {high:,}, not {value!r:.40}.")
