"""Which contracts a run keeps and how: marking what writes, skipping what the run rules out
(capabilities, ``--zd-read-only``), marking known deviations as expected failures, and keeping only
the contracts ``--zd-contract`` selects."""

from __future__ import annotations

import difflib
import fnmatch
import re

import pytest

from pytest_zdevents.runtime.config import ZdConfig, flag
from pytest_zdevents.runtime.session import Session
from pytest_zdevents.spec.catalogue import contracts_dir, load_catalogue
from pytest_zdevents.spec.listing import LIST_FLAG

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


def collects_suite(config: pytest.Config) -> bool:
    """Whether the run collects the conformance suite (``contracts/``, packaged or the checkout's),
    whose contracts the catalogue lists; other tests may carry IDs of their own."""
    suite = contracts_dir().resolve()
    for arg in config.args:
        path = (config.invocation_params.dir / arg.split("::", 1)[0]).resolve()
        if path == suite or suite in path.parents or path in suite.parents:
            return True
    return False


def check_patterns(zd: ZdConfig) -> None:
    """Raise ``pytest.UsageError`` for a ``--zd-contract`` pattern that matches no contract of the
    catalogue, naming the closest IDs. Checked against the catalogue, not the collected tests, so
    that it costs nothing and a pattern for a contract the run skips stays valid."""
    ids = list(load_catalogue())
    for pattern in zd.contract:
        if any(fnmatch.fnmatchcase(contract, pattern) for contract in ids):
            continue
        source = zd.settings["contract"].source
        given = f"{flag('contract')} {pattern!r}" + (
            "" if source == flag("contract") else f" (from {source})"
        )
        close = closest(pattern, ids)
        hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        raise pytest.UsageError(
            f"{given} matches no contract.{hint} {LIST_FLAG} lists every contract ID; "
            "a pattern may use * and ?, e.g. 'filters.*'."
        )


def closest(pattern: str, ids: list[str]) -> list[str]:
    """The IDs, area patterns (``filters.*``) and subject patterns (``filters.source.*``) nearest to
    ``pattern``, best first."""
    candidates = dict.fromkeys(ids)
    for contract in ids:
        parts = contract.split(".")
        candidates[parts[0] + ".*"] = None
        candidates[".".join(parts[:2]) + ".*"] = None
    close = difflib.get_close_matches(pattern, list(candidates), n=3, cutoff=0.6)
    if not close:
        return []
    # An obvious typo gets its one correction, not its neighbours too.
    best = difflib.SequenceMatcher(None, pattern, close[0]).ratio()
    return [c for c in close if difflib.SequenceMatcher(None, pattern, c).ratio() >= best - 0.1]


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
