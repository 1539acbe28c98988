"""The conformance report of a run with a failing contract: the terminal summary by area, the JSON
report, the HTML matrix and JUnit all name it, and a deselected contract shows as not run.

One run of the filter contracts against the embedded emulator with the end_time_exclusive quirk,
shared by the module's tests.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

from pytest_zdevents import __version__
from pytest_zdevents.spec.catalogue import areas, contracts_dir, load_catalogue

FAILING = "filters.end_time.inclusive"
PASSING = "filters.source.matches"
SEED = "4242"
#: A contract the run deselects, whose source cites S1 and S8 (docs/sources.md).
CITING = "ingestion.track_profile.accepted"
S1_URL = "https://developer.zendesk.com/api-reference/ticketing/users/events-api/events-api/"
S8_URL = "https://developer.zendesk.com/documentation/ticketing/events/tracking-events/"


class Run:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        command = [
            sys.executable,
            "-m",
            "pytest",
            str(contracts_dir()),
            "-p",
            "no:cacheprovider",
            "--zd-emulator-quirk=end_time_exclusive",
            "--zd-contract=filters.*",
            f"--zd-seed={SEED}",
            "--zd-report=out/report.json",
            "--zd-html=out/matrix.html",
            "--junitxml=out/junit.xml",
        ]
        done = subprocess.run(command, cwd=directory, capture_output=True, text=True, timeout=300)
        self.returncode, self.stdout = done.returncode, done.stdout
        self.report: dict[str, Any] = json.loads((directory / "out/report.json").read_text())
        self.html = (directory / "out/matrix.html").read_text()
        self.junit = ElementTree.parse(directory / "out/junit.xml")

    def contract(self, contract: str) -> dict[str, Any]:
        return next(c for c in self.report["contracts"] if c["id"] == contract)


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return Run(tmp_path_factory.mktemp("report"))


def test_the_terminal_summary_counts_by_area_and_names_failed_contracts(run: Run) -> None:
    assert run.returncode == 1, run.stdout[-2000:]
    lines = run.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if "zdevents conformance summary" in line)
    filters = next(line for line in lines[header:] if line.startswith("filters "))
    counts = dict(zip(lines[header + 2].split()[1:], filters.split()[1:], strict=False))
    assert counts["failed"] != "0" and counts["passed"] != "0", f"filters row: {filters}"
    assert lines[header + 1].startswith("Contracts by area (a contract counts once"), lines[header + 1]
    known = set(areas())
    rows = [line.split()[0] for line in lines[header + 3 :] if line.split() and line.split()[0] in known]
    assert rows == ["filters"], "only the areas the run selected"
    must = load_catalogue()[FAILING].must
    assert f"FAILED contract {FAILING}: {must}" in lines, "each failed contract is named with its MUST"
    assert f"Hypothesis seed {SEED}: replay this run with --zd-seed {SEED}." in lines


def test_the_json_report_has_the_suite_target_options_and_each_contract(run: Run) -> None:
    report = run.report
    assert report["suite"]["version"] == __version__
    # A quirk but no variation on the embedded emulator: held to openapi.yaml as written.
    assert report["suite"]["spec_view"] == "full"
    assert report["target"]["embedded"] is True
    assert report["options"]["emulator_quirk"] == {
        "value": ["end_time_exclusive"],
        "source": "--zd-emulator-quirk",
    }
    assert report["seed"] == int(SEED)
    assert report["exit_status"] == 1
    assert [c["id"] for c in report["contracts"]] == list(load_catalogue()), "every catalogued contract"
    failed = run.contract(FAILING)
    assert failed["outcome"] == "failed" and failed["duration"] > 0
    assert failed["must"] == load_catalogue()[FAILING].must
    assert {t["outcome"] for t in failed["tests"]} == {"failed"}
    assert run.contract(PASSING)["outcome"] == "passed"
    assert run.contract(PASSING)["reproduction"] is None
    assert run.contract("ingestion.track_profile.accepted")["outcome"] == "not run", "deselected"
    assert report["totals"]["failed"] == sum(c["outcome"] == "failed" for c in report["contracts"])


def test_each_contract_links_the_sources_it_cites(run: Run) -> None:
    entry = run.contract(CITING)
    assert entry["source"] == load_catalogue()[CITING].source, "the source text stays as written"
    assert entry["source_links"] == [
        {"id": "S1", "title": "Events API reference", "kind": "Zendesk docs", "url": S1_URL},
        {"id": "S8", "title": "Tracking events", "kind": "Zendesk docs", "url": S8_URL},
    ]
    failed = run.contract(FAILING)
    assert [(link["id"], link["url"]) for link in failed["source_links"]] == [("seed 001", S1_URL)], (
        "a seed links to its page too"
    )


def test_the_html_matrix_links_each_cited_source(run: Run) -> None:
    rows = {row.get("id"): row for row in ElementTree.fromstring(run.html).iter("tr") if row.get("id")}
    (cell,) = [td for td in rows[CITING].iter("td") if td.get("class") == "source"]
    anchors = [(a.get("href"), a.text, a.get("title")) for a in cell.iter("a")]
    assert anchors == [(S1_URL, "S1", "Events API reference"), (S8_URL, "S8", "Tracking events")]
    assert "".join(cell.itertext()) == load_catalogue()[CITING].source, "the text reads as written"


def test_a_failure_carries_its_reproduction(run: Run) -> None:
    reproduction = run.contract(FAILING)["reproduction"]
    first = reproduction.splitlines()[0]
    replay = f"--zd-emulator-quirk end_time_exclusive --zd-contract {FAILING} --zd-seed {SEED}"
    assert first.startswith(f"zdevents-conformance {replay}"), first
    assert "contracts/test_filters_time.py::test_end_time_is_inclusive[profile]:" in reproduction
    assert "AssertionError" in reproduction, "the failure itself follows the command"


def test_the_html_matrix_names_the_failing_contract(run: Run) -> None:
    assert run.html.startswith("<!DOCTYPE html>")
    assert f'id="{FAILING}"' in run.html
    assert "Does not conform" in run.html


def test_junit_carries_each_contract_id(run: Run) -> None:
    cases = list(run.junit.iter("testcase"))
    contracts = {
        p.get("value") for case in cases for p in case.iter("property") if p.get("name") == "contract"
    }
    assert FAILING in contracts and PASSING in contracts
    failed = {c["id"] for c in run.report["contracts"] if c["outcome"] == "failed"}
    named = [
        {p.get("value") for p in case.iter("property") if p.get("name") == "contract"}
        for case in cases
        if case.find("failure") is not None
    ]
    assert named and all(len(ids) == 1 and ids <= failed for ids in named), (
        f"every failed JUnit case names one failed contract; got {named}, failed contracts {failed}"
    )
