"""Known deviations (``--zd-deviations``): contracts an implementation is known to fail.

The file lists contract IDs or node IDs, each with a reason or a link (a bug tracker entry). The
matching tests are marked expected failures. An entry that matches no test, or whose tests now
pass, is reported at the end of the run; ``--zd-strict`` makes both fail the run, as a ratchet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from pytest_zdevents.runtime.config import flag
from pytest_zdevents.runtime.optionfile import OptionFile

FIELDS = ("id", "reason", "link")


@dataclass(frozen=True)
class Deviation:
    """One entry: a contract ID, or a node ID (a test, or a whole parametrized family)."""

    id: str
    reason: str | None = None
    link: str | None = None

    def matches(self, nodeid: str, contract: str | None) -> bool:
        if self.id == contract or self.id == nodeid:
            return True
        # A node ID without its parameters covers every parametrized case of that test.
        return nodeid.startswith(self.id + "[")

    @property
    def why(self) -> str:
        return " ".join(part for part in (self.reason, f"({self.link})" if self.link else None) if part)


@dataclass
class Deviations:
    """The entries of one file, and which of them matched a collected test."""

    entries: list[Deviation] = field(default_factory=list)
    file: str | None = None
    matched: set[str] = field(default_factory=set)

    def mark(self, item: pytest.Item, contract: str | None, strict: bool) -> Deviation | None:
        """Mark ``item`` as an expected failure when an entry matches it; return that entry."""
        for entry in self.entries:
            if entry.matches(item.nodeid, contract):
                self.matched.add(entry.id)
                item.add_marker(pytest.mark.xfail(reason=f"known deviation: {entry.why}", strict=strict))
                return entry
        return None

    def unmatched(self) -> list[Deviation]:
        return [entry for entry in self.entries if entry.id not in self.matched]

    def for_contract(self, contract: str) -> Deviation | None:
        return next((entry for entry in self.entries if entry.id == contract), None)


def load_deviations(path: Path | None) -> Deviations:
    """Read a deviations file; none means no entries. Raises ``pytest.UsageError`` saying what to
    fix when the file is missing or malformed."""
    if path is None:
        return Deviations()
    file = OptionFile(flag("deviations"), path, "Known deviations")
    raw = file.load()
    listed = raw.get("deviations") if isinstance(raw, dict) else None
    if not isinstance(listed, list):
        raise file.problem("must be a mapping with a 'deviations' list of {id, reason, link} entries.")
    entries = []
    for number, entry in enumerate(listed, 1):
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            raise file.problem(f"entry {number} has no 'id' (a contract ID or a node ID).")
        unknown = sorted(str(key) for key in set(entry) - set(FIELDS))
        if unknown:
            raise file.problem(
                f"entry {entry['id']} has unknown key {', '.join(unknown)}; keys: {', '.join(FIELDS)}."
            )
        if any(not isinstance(entry.get(key), str | None) for key in ("reason", "link")):
            raise file.problem(f"entry {entry['id']}: reason and link must be text.")
        if not (entry.get("reason") or entry.get("link")):
            raise file.problem(f"entry {entry['id']} needs a reason or a link saying why it fails.")
        entries.append(Deviation(entry["id"], entry.get("reason"), entry.get("link")))
    ids = [entry.id for entry in entries]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise file.problem(f"{', '.join(duplicates)} listed more than once.")
    return Deviations(entries, str(path))
