"""Optional parts of the API, and what a run knows about them.

A vendor declares in a YAML file (``--zd-capabilities``) which optional parts its implementation
has. A contract that needs an undeclared one is skipped with the reason. Without a file every
optional part is tried, and an answer that says "not here" (404, 405, 501) on an optional
operation skips the contract; with a file, that answer to a declared part fails it, since the
declaration promised the part.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from pytest_zdevents.runtime.config import flag
from pytest_zdevents.runtime.optionfile import OptionFile

#: How a server says it does not have an operation at all.
UNSUPPORTED = frozenset({404, 405, 501})

#: Every optional capability, with what it covers.
CAPABILITIES: dict[str, str] = {
    "profile_writes": "the Profiles API's PUT and PATCH operations (P4-P8)",
    "profile_delete": "DELETE /api/v2/user_profiles/{profile_id} (P9)",
    "oauth": "OAuth access tokens, sent as Authorization: Bearer",
    "oauth_scopes": "OAuth scopes: a token with only users:read may not write",
}

TOP_LEVEL = ("implementation", "capabilities", "read_only_data")


@dataclass(frozen=True)
class ReadOnlyData:
    """Data a vendor names for ``--zd-read-only`` runs: an existing profile with at least two
    events, by its source, type and one identifier."""

    profile_source: str
    profile_type: str
    identifier: dict[str, str]


@dataclass(frozen=True)
class Capabilities:
    """What a run knows of the target's optional parts. ``declared`` is None without a file."""

    declared: dict[str, bool] | None = None
    file: str | None = None
    implementation: dict[str, str] = field(default_factory=dict)
    read_only_data: ReadOnlyData | None = None

    def missing(self, capabilities: tuple[str, ...] | list[str]) -> str | None:
        """Why a test that needs ``capabilities`` must be skipped, or None when it may run."""
        if self.declared is None:
            return None
        absent = [name for name in capabilities if not self.declared.get(name, False)]
        if not absent:
            return None
        return (
            f"The capabilities file {self.file} does not declare {', '.join(absent)} "
            f"({'; '.join(CAPABILITIES[name] for name in absent)}), so this contract is skipped."
        )

    def require_operation(
        self,
        response: httpx.Response,
        operation: str,
        capability: str,
        unsupported: frozenset[int] = UNSUPPORTED,
    ) -> httpx.Response:
        """Return ``response`` unless it says the optional ``operation`` is not there: then skip
        the test, or fail it when the capabilities file declares ``capability``. Only for requests
        that would succeed on a server that has the operation; where a 404 can be a real answer,
        pass ``unsupported={405, 501}``."""
        if response.status_code not in unsupported:
            return response
        if self.declared is not None and self.declared.get(capability, False):
            pytest.fail(
                f"The capabilities file {self.file} declares {capability} ({CAPABILITIES[capability]}), "
                f"but the target answered {response.status_code} to {operation}, which says it lacks it. "
                "Fix the target, or set the capability to false."
            )
        pytest.skip(
            f"The target answered {response.status_code} to {operation}, an optional operation "
            f"({capability}); the contracts that need it are skipped."
        )


def load_capabilities(path: Path | None) -> Capabilities:
    """Read a capabilities file; without one, nothing is declared. Raises ``pytest.UsageError``
    saying what to fix when the file is missing or malformed."""
    if path is None:
        return Capabilities()
    file = OptionFile(flag("capabilities"), path, "Declaring capabilities")
    raw = file.load()
    if not isinstance(raw, dict) or not isinstance(raw.get("capabilities"), dict):
        raise file.problem("must be a mapping with a 'capabilities' mapping of name: true/false.")
    unknown = sorted(str(key) for key in set(raw) - set(TOP_LEVEL))
    if unknown:
        raise file.problem(f"unknown key {', '.join(unknown)}; the keys are {', '.join(TOP_LEVEL)}.")
    declared = raw["capabilities"]
    unknown = sorted(str(key) for key in set(declared) - set(CAPABILITIES))
    if unknown:
        raise file.problem(
            f"unknown capability {', '.join(unknown)}; the known ones are {', '.join(CAPABILITIES)}."
        )
    not_bool = sorted(name for name, value in declared.items() if not isinstance(value, bool))
    if not_bool:
        raise file.problem(f"{', '.join(not_bool)} must be true or false.")
    implementation = raw.get("implementation") or {}
    if not isinstance(implementation, dict):
        raise file.problem("'implementation' must be a mapping such as {name: ..., version: ...}.")
    return Capabilities(
        declared=dict(declared),
        file=str(path),
        implementation={str(key): str(value) for key, value in implementation.items()},
        read_only_data=_read_only_data(file, raw.get("read_only_data")),
    )


def _read_only_data(file: OptionFile, raw: Any) -> ReadOnlyData | None:
    if raw is None:
        return None
    identifier = raw.get("identifier") if isinstance(raw, dict) else None
    if not (
        isinstance(raw, dict)
        and isinstance(raw.get("profile_source"), str)
        and isinstance(raw.get("profile_type"), str)
        and isinstance(identifier, dict)
        and isinstance(identifier.get("type"), str)
        and isinstance(identifier.get("value"), str)
    ):
        raise file.problem(
            "'read_only_data' must be {profile_source: ..., profile_type: ..., identifier: {type: ..., "
            "value: ...}}, naming a profile that has at least two events.",
        )
    return ReadOnlyData(
        raw["profile_source"], raw["profile_type"], {"type": identifier["type"], "value": identifier["value"]}
    )
