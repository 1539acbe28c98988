"""The suite has teeth and no false alarms, proven against the emulator.

Clean, every contract passes. With a quirk on, the contracts the catalogue says it breaks fail.
With a legal variation on (another choice where the docs are silent), everything still passes.
(With ingestion lag, over HTTP and rate-limited, everything still passes: test_remote_runs.py.)

Each proof is a run of the suite of its own, on an emulator of its own; the runs of one test
share a fresh interpreter (suite.run_batch), so that start-up and imports are paid once a batch.
Batches, not one test a quirk or variation: each xdist worker would pay a batch's start-up again.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from suite import (
    CONTRACTS,
    ROOT,
    Run,
    contract_files,
    entries,
    outcomes_of,
    quirk_map,
    run_batch,
    run_contracts,
)

from pytest_zdevents.emulator.switches import VARIATIONS

pytest_plugins = ["pytester"]

pytestmark = pytest.mark.slow

#: Batches the quirks and the variations are proven in: enough for two xdist workers to share.
QUIRK_BATCHES = 4
VARIATION_BATCHES = 6


def failures(outcomes: dict[str, set[str]]) -> list[str]:
    return sorted(contract for contract, seen in outcomes.items() if "failed" in seen)


#: The contract of many tests and seconds of set-up: runs that include it are the long ones.
SCHEMA = "schema.operations.conform"


def batches(names: list[str], count: int) -> list[list[str]]:
    """``names`` dealt into ``count`` batches of about equal size, in order: put the long ones first."""
    return [names[start::count] for start in range(count)]


def batch_id(names: list[str]) -> str:
    return f"{names[0]}+{len(names) - 1}"


def quirks_long_first() -> list[str]:
    """The quirks, those proven against the schema contract first, so that batches share them."""
    return sorted(quirk_map(), key=lambda quirk: (SCHEMA not in quirk_map()[quirk], quirk))


def test_the_clean_emulator_passes_every_contract(tmp_path: Path) -> None:
    """The README's first command, ``pytest contracts`` at the root of the checkout (its pytest
    settings apply: strict markers and config): every contract passes."""
    junit = tmp_path / "contracts.xml"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "contracts", "-q", "-p", "no:cacheprovider", f"--junitxml={junit}"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-5000:]
    outcomes = outcomes_of(junit)
    assert not failures(outcomes), f"contracts failing on the clean emulator: {failures(outcomes)}"
    not_passed = sorted(c for c in entries() if outcomes.get(c) != {"passed"})
    assert not not_passed, f"contracts that did not pass (skipped or not run): {not_passed}"


@pytest.mark.parametrize("quirks", batches(quirks_long_first(), QUIRK_BATCHES), ids=batch_id)
def test_each_quirk_fails_the_contracts_it_breaks(pytester: pytest.Pytester, quirks: list[str]) -> None:
    """One run a quirk, collecting only the files that hold the contracts it breaks and
    selecting those contracts."""
    runs = {}
    for quirk in quirks:
        expected = quirk_map()[quirk]
        selection = [arg for contract in expected for arg in ("--zd-contract", contract)]
        # A quirk that hides writes makes reads wait out eventually(); in-process, 2 s is plenty.
        runs[quirk] = [
            *contract_files(expected),
            "--zd-emulator-quirk",
            quirk,
            "--zd-eventually-timeout=0.5",
            *selection,
        ]
    missed = {}
    for quirk, run in run_batch(pytester, runs, stop_at_first_failure=True).items():
        still_passed = sorted(c for c in quirk_map()[quirk] if "failed" not in run.outcomes.get(c, set()))
        if still_passed:
            missed[quirk] = still_passed
    assert not missed, f"with these quirks on, these contracts still passed (or did not run): {missed}"


def passes_everything(run: Run) -> list[str]:
    """What is wrong with a run that should pass every contract: failures, contracts not run."""
    problems = [f"failed: {contract}" for contract in failures(run.outcomes)]
    problems += [f"not run: {contract}" for contract in entries() if contract not in run.outcomes]
    if run.ret != 0 and not problems:
        problems.append(f"exit code {run.ret}: {run.output[-2000:]}")
    return problems


@pytest.mark.parametrize("variations", batches(sorted(VARIATIONS), VARIATION_BATCHES), ids=batch_id)
def test_each_legal_variation_passes_every_contract(pytester: pytest.Pytester, variations: list[str]) -> None:
    """The whole suite with each variation on. One example a property: the schema contract's
    coverage phase (every boundary and invalid input of every operation, where the variations of
    error statuses, codes, bodies and page sizes show) does not depend on it, and the run of every
    variation at once below draws ten."""
    runs = {
        variation: [str(CONTRACTS), "--zd-emulator-variation", variation, "--zd-max-examples=1"]
        for variation in variations
    }
    wrong = {
        name: problems
        for name, run in run_batch(pytester, runs).items()
        if (problems := passes_everything(run))
    }
    assert not wrong, f"legal variations that do not pass every contract: {wrong}"


def test_every_legal_variation_at_once_passes_every_contract(pytester: pytest.Pytester) -> None:
    """Legal choices combine: a server may make all of them together."""
    every = [arg for variation in sorted(VARIATIONS) for arg in ("--zd-emulator-variation", variation)]
    outcomes = run_contracts(pytester, *every, "--zd-max-examples=10")
    assert not failures(outcomes), f"every legal variation at once fails: {failures(outcomes)}"
    assert "passed" in outcomes[SCHEMA], outcomes[SCHEMA]
