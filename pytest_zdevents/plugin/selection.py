"""Which contracts a run keeps and how: marking what writes, skipping what the run rules out
(capabilities, ``--zd-read-only``), marking known deviations as expected failures, and keeping only
the contracts ``--zd-contract`` selects."""

from __future__ import annotations

import re

import pytest

from pytest_zdevents.runtime.config import flag
from pytest_zdevents.runtime.session import Session
from pytest_zdevents.spec.catalogue import load_catalogue

WRITES_MARKER = "zd_writes"


def contract_id(item: pytest.Item) -> str | None:
    """The ID of the contract ``item`` checks, from its ``contract`` marker."""
    marker = item.get_closest_marker("contract")
    return marker.args[0] if marker and marker.args else None


def select(config: pytest.Config, session: Session, items: list[pytest.Item]) -> None:
    """Mark, skip and deselect ``items`` in place for ``session``."""
    zd, capabilities, deviations = session.config, session.capabilities, session.deviations
    catalogue = load_catalogue()
    for item in items:
        contract = contract_id(item)
        entry = catalogue.get(contract or "")
        if entry is None:
            continue
        writes = _writes(item, entry.writes, capabilities.read_only_data is not None)
        if writes:
            item.add_marker(WRITES_MARKER)
            if zd.read_only:
                item.add_marker(
                    pytest.mark.skip(
                        reason=f"{flag('read_only')}: this contract writes to the target, so it is skipped."
                    )
                )
        reason = capabilities.missing(entry.requires)
        if reason is not None:
            item.add_marker(pytest.mark.skip(reason=reason))
        deviation = deviations.mark(item, contract, strict=zd.strict)
        if deviation is not None:
            item.user_properties.append(("deviation", deviation.id))
    if not zd.contract:
        return
    selected, deselected = [], []
    for item in items:
        (selected if zd.selects(contract_id(item) or "") else deselected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


#: A test of one operation (the schema contract's items) that only reads: ``[GET /path]``.
_READ_OPERATION = re.compile(r"\[(GET|HEAD) /[^\]]*\]$")


def _writes(item: pytest.Item, contract_writes: bool, data_named: bool) -> bool:
    """Whether this test writes to the target."""
    if "zd_readable" in getattr(item, "fixturenames", ()):
        # It reads the data the capabilities file names, or tracks its own when none is named.
        return not data_named
    if _READ_OPERATION.search(item.name):
        return False
    return contract_writes
