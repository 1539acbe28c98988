"""Known deviations (``--zd-deviations``): how a file is read, what each mistake in it says, which
tests an entry covers, and what entries do to real contract runs against the embedded emulator."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from helpers import option_file_error, write_file

from pytest_zdevents.runtime.deviations import FIELDS, Deviation, load_deviations

CONTRACTS = Path(__file__).resolve().parents[2] / "contracts"

VALID = """
deviations:
  - id: filters.end_time.inclusive
    reason: filter[end_time] is exclusive in Acme 2.3
    link: https://bugs.example.com/ACME-12
  - id: contracts/test_filters_time.py::test_time_bounds_compare_instants_honouring_offsets[user]
    reason: offsets ignored on user reads
  - id: pagination.links.absolute
    link: https://bugs.example.com/ACME-13
"""


def write(tmp_path: Path, text: str, name: str = "deviations.yaml") -> Path:
    return write_file(tmp_path, name, text)


def usage_error(path: Path) -> str:
    return option_file_error(load_deviations, path, "--zd-deviations")


# --- load_deviations ---------------------------------------------------------------------------


def test_no_file_lists_nothing() -> None:
    deviations = load_deviations(None)
    assert deviations.entries == [], "Without a file no test is an expected failure."
    assert deviations.file is None


def test_a_valid_file_is_read(tmp_path: Path) -> None:
    path = write(tmp_path, VALID)
    deviations = load_deviations(path)
    assert deviations.file == str(path), "The file's path is kept, for the end-of-run report."
    assert deviations.entries == [
        Deviation(
            "filters.end_time.inclusive",
            "filter[end_time] is exclusive in Acme 2.3",
            "https://bugs.example.com/ACME-12",
        ),
        Deviation(
            "contracts/test_filters_time.py::test_time_bounds_compare_instants_honouring_offsets[user]",
            "offsets ignored on user reads",
        ),
        Deviation("pagination.links.absolute", None, "https://bugs.example.com/ACME-13"),
    ], "Every entry must be read in order with its reason and link; either may be left out."
    assert deviations.entries[0].why == (
        "filter[end_time] is exclusive in Acme 2.3 (https://bugs.example.com/ACME-12)"
    ), "An entry's explanation is its reason followed by its link."
    assert deviations.entries[2].why == "(https://bugs.example.com/ACME-13)"
    assert deviations.for_contract("pagination.links.absolute") == deviations.entries[2]
    assert deviations.for_contract("pagination.links") is None, "Entries are found by their exact ID."


def test_a_missing_file_says_it_cannot_be_read(tmp_path: Path) -> None:
    message = usage_error(tmp_path / "absent.yaml")
    assert "cannot be read (" in message, f"The message must say the file cannot be read, and why: {message}"


def test_invalid_yaml_says_so(tmp_path: Path) -> None:
    message = usage_error(write(tmp_path, "deviations:\n  - {id: filters.x, reason: [unclosed\n"))
    assert "is not valid YAML" in message, f"The message must say the YAML is invalid: {message}"


@pytest.mark.parametrize(
    "text",
    ["", "- id: filters.x\n", "deviation: []\n", "deviations:\n", "deviations: {id: filters.x, reason: r}\n"],
    ids=["empty", "a-list", "misspelt-key", "null-deviations", "deviations-a-mapping"],
)
def test_a_file_without_a_deviations_list_says_what_it_needs(tmp_path: Path, text: str) -> None:
    message = usage_error(write(tmp_path, text))
    assert "a 'deviations' list of {id, reason, link} entries" in message, (
        f"The message must say that a 'deviations' list of {{id, reason, link}} entries is needed: {message}"
    )


@pytest.mark.parametrize(
    "entry",
    ["filters.x", "{reason: r}", "{id: 12, reason: r}", "{id: null, reason: r}"],
    ids=["a-string", "no-id", "id-a-number", "id-null"],
)
def test_an_entry_without_an_id_is_named_by_its_position(tmp_path: Path, entry: str) -> None:
    text = f"deviations:\n  - {{id: filters.ok, reason: r}}\n  - {entry}\n"
    message = usage_error(write(tmp_path, text))
    assert "entry 2 has no 'id' (a contract ID or a node ID)" in message, (
        f"The message must say which entry (the second) lacks an id, and what an id is: {message}"
    )


@pytest.mark.parametrize("entry", ["{id: filters.x}", "{id: filters.x, reason: '', link: null}"])
def test_an_entry_with_neither_reason_nor_link_is_refused(tmp_path: Path, entry: str) -> None:
    message = usage_error(write(tmp_path, f"deviations:\n  - {entry}\n"))
    assert "entry filters.x needs a reason or a link" in message, (
        f"The message must name the entry and say it needs a reason or a link: {message}"
    )


def test_an_unknown_key_is_named_with_the_known_keys(tmp_path: Path) -> None:
    message = usage_error(write(tmp_path, "deviations:\n  - {id: filters.x, reason: r, ticket: ACME-1}\n"))
    assert "entry filters.x has unknown key ticket" in message, (
        f"The message must name the entry and its unknown key: {message}"
    )
    assert f"keys: {', '.join(FIELDS)}" in message, (
        f"The message must list the keys an entry may have: {message}"
    )


@pytest.mark.parametrize("entry", ["{id: filters.x, reason: r, 3: z}", "{id: filters.x, reason: 123}"])
def test_values_that_are_not_text_are_a_usage_error(tmp_path: Path, entry: str) -> None:
    message = usage_error(write(tmp_path, f"deviations:\n  - {entry}\n"))
    assert "entry filters.x" in message, f"The message must name the entry, not crash: {message}"


def test_a_duplicate_id_is_refused(tmp_path: Path) -> None:
    text = (
        "deviations:\n"
        "  - {id: filters.x, reason: r}\n"
        "  - {id: filters.y, reason: r}\n"
        "  - {id: filters.x, link: https://bugs.example.com/1}\n"
    )
    message = usage_error(write(tmp_path, text))
    assert "filters.x listed more than once" in message, f"The message must name the duplicate: {message}"
    assert "filters.y" not in message, f"An entry listed once must not be named: {message}"


# --- Deviation.matches -------------------------------------------------------------------------

NODE = "contracts/test_filters_time.py::test_end_time_is_inclusive"


def test_an_entry_matches_its_contract_id() -> None:
    entry = Deviation("filters.end_time.inclusive", "r")
    assert entry.matches(f"{NODE}[user]", "filters.end_time.inclusive"), (
        "A contract ID must match every test marked with it."
    )
    assert not entry.matches(f"{NODE}[user]", "filters.end_time.other"), "Another contract must not match."
    assert not entry.matches(f"{NODE}[user]", None), "A test that checks no contract must not match."
    assert not Deviation("filters.end_time", "r").matches(NODE, "filters.end_time.inclusive"), (
        "A contract ID is not a pattern: a prefix of an ID must not match."
    )


def test_an_entry_matches_its_exact_node_id() -> None:
    assert Deviation(f"{NODE}[user]", "r").matches(f"{NODE}[user]", "filters.end_time.inclusive")
    assert Deviation(NODE, "r").matches(NODE, None), "A node ID matches that test, contract or not."
    assert not Deviation(f"{NODE}[user]", "r").matches(f"{NODE}[profile]", "filters.end_time.inclusive"), (
        "A node ID with its parameters must match only that parametrized case."
    )


def test_a_node_id_without_parameters_covers_its_parametrized_cases() -> None:
    entry = Deviation(NODE, "r")
    for case in ("[user]", "[profile]", "[identifier-2]"):
        assert entry.matches(NODE + case, "filters.end_time.inclusive"), (
            f"{NODE} without parameters must cover its case {case}."
        )


def test_a_node_id_does_not_cover_a_test_sharing_its_prefix() -> None:
    entry = Deviation("contracts/test_a.py::test_x", "r")
    for other in (
        "contracts/test_a.py::test_xy",
        "contracts/test_a.py::test_xy[user]",
        "contracts/test_a.py::test_x_other[user]",
        "contracts/test_a.py::test_x::inner",
    ):
        assert not entry.matches(other, None), f"test_x must not cover another test, {other}."


# --- real contract runs --------------------------------------------------------------------------

END_TIME = {
    "id": "filters.end_time.inclusive",
    "reason": "filter[end_time] is exclusive in Acme 2.3",
    "link": "https://bugs.example.com/ACME-12",
}
NO_SUCH = {"id": "no.such.contract", "reason": "left over from an old catalogue"}
SOURCE = {"id": "filters.source.matches", "reason": "fixed in Acme 2.4"}
#: A valid entry for a contract a narrowed run deselects: it must not be called stale.
DESELECTED = {"id": "ingestion.track_profile.accepted", "reason": "answers 201"}


def run_suite(
    pytester: pytest.Pytester, entries: list[dict[str, str]], *args: str
) -> tuple[pytest.RunResult, Path, dict[str, Any]]:
    """Run the conformance suite in a subprocess with a deviations file of ``entries``, as a user
    would; the result, the file, and the JSON report."""
    deviations = pytester.path / "deviations.yaml"
    deviations.write_text(json.dumps({"deviations": entries}), encoding="utf-8")  # JSON is YAML
    report = pytester.path / "zd-report.json"
    result = pytester.runpytest_subprocess(
        str(CONTRACTS),
        "-p",
        "no:cacheprovider",
        "--zd-deviations",
        str(deviations),
        "--zd-report",
        str(report),
        *args,
    )
    assert report.exists(), f"The run wrote no JSON report:\n{result.stdout.str()}\n{result.stderr.str()}"
    return result, deviations, json.loads(report.read_text(encoding="utf-8"))


def ran(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["id"]: c for c in report["contracts"] if c["outcome"] != "not run"}


def deviation_lines(result: pytest.RunResult) -> list[str]:
    return [line for line in result.stdout.lines if "(--zd-deviations):" in line]


def check_end_time_xfailed(result: pytest.RunResult, contracts: dict[str, dict[str, Any]]) -> None:
    contract = contracts.get(END_TIME["id"])
    assert contract is not None, f"{END_TIME['id']} did not run:\n{result.stdout.str()}"
    assert contract["outcome"] == "xfailed", (
        f"With end_time_exclusive on, {END_TIME['id']} fails, and the deviations file lists it, so it "
        f"must be an expected failure: {contract['outcome']}\n{result.stdout.str()}"
    )
    assert {t["outcome"] for t in contract["tests"]} == {"xfailed"}, (
        f"Every parametrized case of {END_TIME['id']} must be an expected failure: {contract['tests']}"
    )
    assert contract["deviation"] == {"reason": END_TIME["reason"], "link": END_TIME["link"]}, (
        f"The report must carry the deviation's reason and link: {contract['deviation']}"
    )
    reason = contract["reason"] or ""
    assert END_TIME["reason"] in reason and END_TIME["link"] in reason, (
        f"The xfail reason must give the deviation's reason and link: {reason!r}"
    )


@pytest.mark.slow
def test_a_listed_failure_is_expected_and_stale_entries_warn(pytester: pytest.Pytester) -> None:
    result, path, report = run_suite(
        pytester,
        [END_TIME, NO_SUCH, SOURCE, DESELECTED],
        "--zd-emulator-quirk",
        "end_time_exclusive",
        "--zd-contract",
        "filters.end_time.*",
        "--zd-contract",
        "filters.source.m*",
    )
    contracts = ran(report)
    assert set(contracts) == {END_TIME["id"], SOURCE["id"]}, (
        f"Only the selected contracts run: {set(contracts)}"
    )
    check_end_time_xfailed(result, contracts)
    assert contracts[SOURCE["id"]]["outcome"] == "xpassed", (
        f"{SOURCE['id']} passes on the emulator although listed: without --zd-strict it is an "
        f"unexpected pass, not a failure: {contracts[SOURCE['id']]['outcome']}"
    )
    assert deviation_lines(result) == [
        f"WARNING (--zd-deviations): no.such.contract in {path} matches no test of the suite; "
        "remove it or fix its ID.",
        f"WARNING (--zd-deviations): filters.source.matches in {path} passes now; remove it from the file.",
    ], f"The end of the run must warn of each stale entry:\n{result.stdout.str()}"
    assert report["deviation_problems"] == [line.split(": ", 1)[1] for line in deviation_lines(result)], (
        "The JSON report must list the same deviation problems."
    )
    assert result.ret == pytest.ExitCode.OK, (
        "Without --zd-strict, expected failures and stale entries must not fail the run:\n"
        f"{result.stdout.str()}"
    )


@pytest.mark.slow
def test_strict_fails_the_run_on_an_entry_that_matches_nothing(pytester: pytest.Pytester) -> None:
    """Under xdist, whose controller collects nothing: the workers hand over what they matched."""
    result, path, report = run_suite(
        pytester,
        [END_TIME, NO_SUCH],
        "-n",
        "2",
        "--zd-strict",
        "--zd-emulator-quirk",
        "end_time_exclusive",
        "--zd-contract",
        "filters.end_time.*",
    )
    check_end_time_xfailed(result, ran(report))
    assert deviation_lines(result) == [
        f"ERROR (--zd-deviations): no.such.contract in {path} matches no test of the suite; "
        "remove it or fix its ID."
    ], f"With --zd-strict the stale entry must be reported as an error:\n{result.stdout.str()}"
    assert result.ret == pytest.ExitCode.TESTS_FAILED, (
        f"With --zd-strict an entry that matches no test must fail the run: exit {result.ret}\n"
        f"{result.stdout.str()}"
    )
    assert report["exit_status"] == pytest.ExitCode.TESTS_FAILED, "The JSON report must record the failure."


@pytest.mark.slow
def test_strict_fails_the_run_on_an_entry_that_passes_now(pytester: pytest.Pytester) -> None:
    result, _, report = run_suite(pytester, [SOURCE], "--zd-strict", "--zd-contract", "filters.source.*")
    contract = ran(report).get(SOURCE["id"])
    assert contract is not None, f"{SOURCE['id']} did not run:\n{result.stdout.str()}"
    assert contract["outcome"] == "xpassed", (
        f"With --zd-strict a listed contract that passes still conforms: the report says it passed "
        f"unexpectedly, not that it failed: {contract['outcome']}"
    )
    result.stdout.fnmatch_lines([f"*XPASS(strict)*known deviation: {SOURCE['reason']}*"])
    result.stdout.fnmatch_lines(
        [f"ERROR (--zd-deviations): {SOURCE['id']} in * passes now; remove it from the file."]
    )
    assert f"FAILED contract {SOURCE['id']}" not in result.stdout.str(), "a passing contract is not failed"
    assert result.ret == pytest.ExitCode.TESTS_FAILED, (
        f"With --zd-strict a deviation that passes now must fail the run: exit {result.ret}\n"
        f"{result.stdout.str()}"
    )
