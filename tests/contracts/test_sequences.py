"""The stateful phase (contracts/test_schema_sequences.py) finds what single requests cannot.

With the deleted_profile_readable quirk, a deleted profile still reads by its id: no single
request shows it, since it takes a track, a DELETE of the profile the 202 names and a read of that
id. The sequence contract fails on it; the single-request schema contract passes with the same
quirk. Against a URL the sequence contract stays within its requests and leaves no profile behind.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from suite import CONTRACTS, URL_EMAIL, URL_TOKEN, run_against, run_batch

from pytest_zdevents.emulator import Emulator
from pytest_zdevents.runtime.config import URL_MAX_EXAMPLES

#: Requests per scenario, as contracts/test_schema_sequences.py's STEPS.
STEPS = 8

pytest_plugins = ["pytester"]

pytestmark = pytest.mark.slow

QUIRK = "deleted_profile_readable"
SEQUENCES = "schema.sequences.conform"
SINGLE = "schema.operations.conform"


def test_only_the_sequence_contract_catches_a_deleted_profile_read_by_id(pytester: pytest.Pytester) -> None:
    quirk = ["--zd-emulator-quirk", QUIRK]
    runs = {
        "sequences": [str(CONTRACTS / "test_schema_sequences.py"), *quirk, "--zd-contract", SEQUENCES],
        "single": [str(CONTRACTS / "test_schema.py"), *quirk, "--zd-contract", SINGLE],
        "sequences clean": [str(CONTRACTS / "test_schema_sequences.py"), "--zd-contract", SEQUENCES],
    }
    done = run_batch(pytester, runs)
    assert done["sequences"].outcomes == {SEQUENCES: {"failed"}}, done["sequences"].output[-3000:]
    assert "Deleted resource still available" in done["sequences"].output
    assert "The resource was deleted with `DELETE /api/v2/user_profiles/" in done["sequences"].output
    assert done["single"].outcomes[SINGLE] == {"passed"}, done["single"].output[-3000:]
    assert done["sequences clean"].outcomes == {SEQUENCES: {"passed"}}, done["sequences clean"].output[-3000:]


def test_against_a_url_it_sends_at_most_its_share_and_cleans_up(pytester: pytest.Pytester) -> None:
    """A served emulator on loopback: --zd-max-examples (3 by default against a URL) scenarios of
    8 requests, 24 in all; every profile the scenarios created and did not delete is deleted at
    the end of the run."""
    emulator = Emulator(email=URL_EMAIL, token=URL_TOKEN)
    report = pytester.path / "report.json"
    result = run_against(
        pytester, emulator, f"--zd-report={report}", paths=[str(CONTRACTS / "test_schema_sequences.py")]
    )
    left = emulator.export()["profiles"]
    assert result.ret == 0, result.stdout.str()[-3000:]
    requests = json.loads(Path(report).read_text())["requests"]
    assert 0 < requests["contracts"] <= URL_MAX_EXAMPLES * STEPS, requests
    assert left == [], f"profiles the run left behind: {left}"
