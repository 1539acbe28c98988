"""A test whose data cannot be created reports a set-up error naming the promise it relied on,
not a failure of its own contract; a contract about tracking still fails on the same answer.

The embedded emulator refuses an event with the protected source 'zendesk' (seed 001): the
refusal every test below meets when it tracks one. One run, shared by the module's tests.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

REFUSED_TRACKING = """
import pytest


@pytest.mark.contract("filters.source.matches")
def test_needs_an_event(zd):
    zd.track(event={"source": "zendesk"})


@pytest.mark.contract("ingestion.track_profile.accepted")
def test_tracking_itself(zd):
    zd.track(event={"source": "zendesk"})


def test_not_a_contract(zd_track):
    zd_track(event={"source": "zendesk"})
"""

RELIED_ON = "ingestion.track_profile.accepted"


@dataclass
class Run:
    stdout: str
    report: dict[str, Any]
    junit: dict[str, ElementTree.Element]

    def contract(self, contract: str) -> dict[str, Any]:
        return next(c for c in self.report["contracts"] if c["id"] == contract)


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    directory: Path = tmp_path_factory.mktemp("setup_errors")
    (directory / "test_refused.py").write_text(REFUSED_TRACKING)
    command = [sys.executable, "-m", "pytest", "test_refused.py", "-p", "no:cacheprovider", "-rA"]
    command += ["--zd-report=report.json", "--junitxml=junit.xml"]
    done = subprocess.run(command, cwd=directory, capture_output=True, text=True, timeout=120)
    cases = ElementTree.parse(directory / "junit.xml").iter("testcase")
    return Run(
        done.stdout,
        json.loads((directory / "report.json").read_text()),
        {case.get("name", ""): case for case in cases},
    )


def test_the_test_that_only_needed_data_errors_in_set_up(run: Run) -> None:
    assert "ERROR test_refused.py::test_needs_an_event" in run.stdout, run.stdout[-3000:]
    case = run.junit["test_needs_an_event"]
    error = case.find("error")
    assert error is not None and case.find("failure") is None, ElementTree.tostring(case).decode()
    assert "failed on setup" in (error.get("message") or "")
    assert f"It relied on contract {RELIED_ON}" in (error.text or ""), "the failure text names the promise"
    properties = {p.get("name"): p.get("value") for p in case.iter("property")}
    assert properties.get("relied_on") == RELIED_ON


def test_the_report_says_which_promise_kept_the_contract_from_being_checked(run: Run) -> None:
    errored = run.contract("filters.source.matches")
    assert (errored["outcome"], errored["relied_on"]) == ("error", [RELIED_ON])
    summary = run.stdout[run.stdout.index("zdevents conformance summary") :]
    assert (
        f"ERROR contract filters.source.matches: not checked, its set-up relied on {RELIED_ON}, which "
        "the target broke."
    ) in summary
    assert "FAILED contract filters.source.matches" not in summary


def test_the_contract_about_tracking_fails_on_the_same_answer(run: Run) -> None:
    case = run.junit["test_tracking_itself"]
    shown = ElementTree.tostring(case).decode()
    assert case.find("failure") is not None and case.find("error") is None, shown
    tracking = run.contract(RELIED_ON)
    assert (tracking["outcome"], tracking["relied_on"]) == ("failed", [])
    assert "Tracking an event must be answered 202 (S1)" in tracking["reproduction"]


def test_a_test_outside_the_contracts_errors_in_set_up_too(run: Run) -> None:
    case = run.junit["test_not_a_contract"]
    assert case.find("error") is not None, ElementTree.tostring(case).decode()
