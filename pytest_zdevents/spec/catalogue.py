"""The catalogue of conformance contracts (``contracts/catalogue.yaml``): each contract's stable ID,
its MUST statement, its source, the capabilities it needs and whether it writes.

The plugin reads it to skip what a run's capabilities or ``--zd-read-only`` rule out, and the
reports read it to name each contract's promise.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

from pytest_zdevents.spec.resources import bundled

CONTRACTS_DIRNAME = "contracts"
CATALOGUE_FILENAME = "catalogue.yaml"


@dataclass(frozen=True)
class Contract:
    """One catalogue entry."""

    id: str
    must: str
    #: Where the promise comes from: it cites the IDs of docs/sources.md (S1, seed 001, ...).
    source: str
    file: str
    quirks: tuple[str, ...]
    #: Optional capabilities (:data:`pytest_zdevents.runtime.capabilities.CAPABILITIES`) it needs.
    requires: tuple[str, ...]
    #: It sends requests other than GET, so it creates data on the target.
    writes: bool

    @property
    def area(self) -> str:
        """The chapter of the suite: the ID's first part (``filters`` in ``filters.type.matches``)."""
        return self.id.split(".", 1)[0]


def contracts_dir() -> Path:
    """The directory of the conformance suite: packaged in the wheel, or the checkout's."""
    return bundled(CONTRACTS_DIRNAME)


@functools.cache
def load_catalogue() -> dict[str, Contract]:
    """Every contract by ID, in catalogue order."""
    raw = yaml.safe_load((contracts_dir() / CATALOGUE_FILENAME).read_text(encoding="utf-8"))
    return {
        entry["id"]: Contract(
            id=entry["id"],
            must=entry["must"],
            source=entry["source"],
            file=entry["file"],
            quirks=tuple(entry["quirks"]),
            requires=tuple(entry["requires"]),
            writes=bool(entry["writes"]),
        )
        for entry in raw["contracts"]
    }


def areas() -> list[str]:
    """The areas in catalogue order."""
    return list(dict.fromkeys(contract.area for contract in load_catalogue().values()))
