"""The suite has teeth and no false alarms, proven against the emulator.

Clean, every contract passes. With a quirk on, the contracts the catalogue says it breaks fail.
With a legal variation on (another choice where the docs are silent), everything still passes.
With ingestion lag, everything still passes: reads wait for writes.
"""

from __future__ import annotations

import pytest
from suite import entries, quirk_map, run_contracts

from pytest_zdevents.emulator.switches import VARIATIONS

pytest_plugins = ["pytester"]


def failures(outcomes: dict[str, set[str]]) -> list[str]:
    return sorted(contract for contract, seen in outcomes.items() if "failed" in seen)


def test_the_clean_emulator_passes_every_contract(pytester: pytest.Pytester) -> None:
    outcomes = run_contracts(pytester)
    assert not failures(outcomes), f"contracts failing on the clean emulator: {failures(outcomes)}"
    not_passed = sorted(c for c in entries() if outcomes.get(c) != {"passed"})
    assert not not_passed, f"contracts that did not pass (skipped or not run): {not_passed}"


@pytest.mark.parametrize("quirk", sorted(quirk_map()))
def test_each_quirk_fails_the_contracts_it_breaks(pytester: pytest.Pytester, quirk: str) -> None:
    expected = quirk_map()[quirk]
    selection = [arg for contract in expected for arg in ("--zd-contract", contract)]
    # A quirk that hides writes makes reads wait out eventually(); in-process, 2 s is plenty.
    outcomes = run_contracts(pytester, "--zd-emulator-quirk", quirk, "--zd-eventually-timeout=2", *selection)
    missed = sorted(c for c in expected if "failed" not in outcomes.get(c, set()))
    assert not missed, f"with the quirk {quirk} on, these contracts still passed: {missed}"


@pytest.mark.parametrize("variation", sorted(VARIATIONS))
def test_each_legal_variation_passes_every_contract(pytester: pytest.Pytester, variation: str) -> None:
    outcomes = run_contracts(pytester, "--zd-emulator-variation", variation)
    assert not failures(outcomes), f"a legal variation ({variation}) fails: {failures(outcomes)}"


def test_every_legal_variation_at_once_passes_every_contract(pytester: pytest.Pytester) -> None:
    """Legal choices combine: a server may make all of them together."""
    every = [arg for variation in sorted(VARIATIONS) for arg in ("--zd-emulator-variation", variation)]
    outcomes = run_contracts(pytester, *every)
    assert not failures(outcomes), f"every legal variation at once fails: {failures(outcomes)}"
    assert "passed" in outcomes["schema.operations.conform"], outcomes["schema.operations.conform"]


def test_ingestion_lag_passes_every_contract(pytester: pytest.Pytester) -> None:
    # Every read waits for the lag, so fewer examples keep it short; xdist overlaps the waits.
    outcomes = run_contracts(pytester, "--zd-emulator-lag", "0.3", "--zd-max-examples=5", "-n", "2")
    assert not failures(outcomes), f"with ingestion lag these fail: {failures(outcomes)}"
