"""Capabilities files (``--zd-capabilities``): how one is read, what each mistake in it says, and
what a declaration does to real contract runs against the embedded emulator."""

from __future__ import annotations

import fnmatch
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers import option_file_error, write_file

from pytest_zdevents.runtime.capabilities import (
    CAPABILITIES,
    TOP_LEVEL,
    Capabilities,
    ReadOnlyData,
    load_capabilities,
)
from pytest_zdevents.spec.catalogue import load_catalogue

CONTRACTS = Path(__file__).resolve().parents[2] / "contracts"

VALID = """
implementation:
  name: Acme Events
  version: 2.3.1
capabilities:
  profile_writes: true
  profile_delete: false
  oauth: true
read_only_data:
  profile_source: acme
  profile_type: customer
  identifier: {type: email, value: jane@example.com}
"""


def write(tmp_path: Path, text: str, name: str = "capabilities.yaml") -> Path:
    return write_file(tmp_path, name, text)


def usage_error(path: Path) -> str:
    return option_file_error(load_capabilities, path, "--zd-capabilities")


# --- load_capabilities -------------------------------------------------------------------------


def test_no_file_declares_nothing() -> None:
    capabilities = load_capabilities(None)
    assert capabilities.declared is None, "Without a file no capability is declared (every one is tried)."
    assert capabilities.file is None
    assert capabilities.implementation == {}
    assert capabilities.read_only_data is None


def test_a_valid_file_is_read(tmp_path: Path) -> None:
    path = write(tmp_path, VALID)
    capabilities = load_capabilities(path)
    assert capabilities.declared == {"profile_writes": True, "profile_delete": False, "oauth": True}, (
        "The declared capabilities must be read as written, false ones included."
    )
    assert capabilities.file == str(path), "The file's path is kept, for skip reasons and reports."
    assert capabilities.implementation == {"name": "Acme Events", "version": "2.3.1"}, (
        "The implementation's name and version must be kept, as strings."
    )
    assert capabilities.read_only_data == ReadOnlyData(
        "acme", "customer", {"type": "email", "value": "jane@example.com"}
    )


def test_a_minimal_file_needs_only_capabilities(tmp_path: Path) -> None:
    capabilities = load_capabilities(write(tmp_path, "capabilities: {}\n"))
    assert capabilities.declared == {}, "An empty capabilities mapping declares that nothing is there."
    assert capabilities.implementation == {}
    assert capabilities.read_only_data is None


def test_a_missing_file_says_it_cannot_be_read(tmp_path: Path) -> None:
    message = usage_error(tmp_path / "absent.yaml")
    assert "cannot be read (" in message, f"The message must say the file cannot be read, and why: {message}"


def test_invalid_yaml_says_so(tmp_path: Path) -> None:
    message = usage_error(write(tmp_path, "capabilities: {profile_writes: true\n"))
    assert "is not valid YAML" in message, f"The message must say the YAML is invalid: {message}"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "- profile_writes\n",
        "implementation: {name: Acme}\n",
        "capabilities:\n",
        "capabilities: [profile_writes]\n",
    ],
    ids=["empty", "a-list", "no-capabilities", "null-capabilities", "capabilities-a-list"],
)
def test_a_file_without_a_capabilities_mapping_says_what_it_needs(tmp_path: Path, text: str) -> None:
    message = usage_error(write(tmp_path, text))
    assert "'capabilities' mapping of name: true/false" in message, (
        f"The message must say that a 'capabilities' mapping of name: true/false is needed: {message}"
    )


def test_an_unknown_top_level_key_is_named_with_the_known_keys(tmp_path: Path) -> None:
    message = usage_error(write(tmp_path, "capabilities: {oauth: true}\nimplemenation: {name: Acme}\n"))
    assert "unknown key implemenation" in message, f"The message must name the unknown key: {message}"
    assert f"the keys are {', '.join(TOP_LEVEL)}" in message, (
        f"The message must list the keys a file may have: {message}"
    )


def test_an_unknown_capability_is_named_with_the_known_ones(tmp_path: Path) -> None:
    message = usage_error(write(tmp_path, "capabilities: {profile_write: true, oauth: true}\n"))
    assert "unknown capability profile_write;" in message, (
        f"The message must name the unknown capability (and only it): {message}"
    )
    missing = [name for name in CAPABILITIES if name not in message.split("known ones are", 1)[-1]]
    assert not missing, f"The message must list every known capability; it leaves out {missing}: {message}"


@pytest.mark.parametrize("text", ["capabilities: {1: true}\n", "capabilities: {oauth: true}\n2: x\n"])
def test_a_key_that_is_not_text_is_a_usage_error(tmp_path: Path, text: str) -> None:
    message = usage_error(write(tmp_path, text))
    assert "unknown" in message, f"A number as a key is named as unknown, not a crash: {message}"


@pytest.mark.parametrize("value", ['"true"', "1", "null", "[true]"])
def test_a_capability_that_is_not_a_boolean_says_it_must_be(tmp_path: Path, value: str) -> None:
    message = usage_error(write(tmp_path, f"capabilities: {{oauth: true, profile_writes: {value}}}\n"))
    assert "profile_writes must be true or false" in message, (
        f"The message must name the capability whose value is not a boolean: {message}"
    )
    assert "oauth" not in message.removeprefix(f"--zd-capabilities {tmp_path}"), (
        f"A capability whose value is a boolean must not be named: {message}"
    )


def test_an_implementation_that_is_not_a_mapping_says_what_it_should_be(tmp_path: Path) -> None:
    message = usage_error(write(tmp_path, "implementation: Acme 2.3\ncapabilities: {oauth: true}\n"))
    assert "'implementation' must be a mapping" in message, (
        f"The message must say that implementation is a mapping of name and version: {message}"
    )


@pytest.mark.parametrize(
    "read_only_data",
    [
        "acme",
        "{profile_type: customer, identifier: {type: email, value: j@example.com}}",
        "{profile_source: acme, profile_type: customer}",
        "{profile_source: acme, profile_type: customer, identifier: email}",
        "{profile_source: acme, profile_type: customer, identifier: {type: email}}",
        "{profile_source: acme, profile_type: customer, identifier: {type: email, value: 42}}",
        "{profile_source: acme, profile_type: [customer], identifier: {type: email, value: j@example.com}}",
    ],
    ids=[
        "a-string",
        "no-source",
        "no-identifier",
        "identifier-a-string",
        "identifier-no-value",
        "identifier-value-a-number",
        "type-a-list",
    ],
)
def test_malformed_read_only_data_says_what_it_must_be(tmp_path: Path, read_only_data: str) -> None:
    text = f"capabilities: {{profile_writes: true}}\nread_only_data: {read_only_data}\n"
    message = usage_error(write(tmp_path, text))
    assert "'read_only_data' must be {profile_source: ..., profile_type: ..., identifier:" in message, (
        f"The message must show the shape read_only_data must have: {message}"
    )
    assert "at least two events" in message, f"The message must say which profile to name: {message}"


# --- Capabilities.missing and require_operation ------------------------------------------------


def test_without_a_file_nothing_is_missing() -> None:
    assert Capabilities().missing(["profile_writes", "oauth"]) is None, (
        "Without a capabilities file every optional part is tried: no contract is skipped up front."
    )


def test_declared_capabilities_are_not_missing(tmp_path: Path) -> None:
    capabilities = load_capabilities(write(tmp_path, VALID))
    assert capabilities.missing(["profile_writes", "oauth"]) is None
    assert capabilities.missing([]) is None, "A contract that needs nothing optional always runs."


@pytest.mark.parametrize("absent", ["profile_delete", "oauth_scopes"], ids=["declared-false", "undeclared"])
def test_a_capability_declared_false_or_not_at_all_is_missing(tmp_path: Path, absent: str) -> None:
    path = write(tmp_path, VALID)
    reason = load_capabilities(path).missing(["profile_writes", absent])
    assert reason is not None, f"{absent} is not declared true, so a contract needing it must be skipped."
    assert str(path) in reason, f"The skip reason must name the capabilities file {path}: {reason}"
    assert absent in reason, f"The skip reason must name the missing capability {absent}: {reason}"
    assert CAPABILITIES[absent] in reason, f"The skip reason must say what {absent} covers: {reason}"
    assert "profile_writes" not in reason, f"A declared capability must not be named as missing: {reason}"


def test_every_missing_capability_is_named(tmp_path: Path) -> None:
    reason = Capabilities(declared={}, file="caps.yaml").missing(["oauth", "profile_delete"])
    assert reason is not None
    assert "does not declare oauth, profile_delete" in reason, (
        f"The skip reason must name each missing capability: {reason}"
    )


def _respond(capabilities: Capabilities, status: int) -> httpx.Response:
    return capabilities.require_operation(
        httpx.Response(status), "PUT /api/v2/user_profiles/{profile_id}", "profile_writes"
    )


def test_an_answer_other_than_unsupported_is_returned() -> None:
    assert _respond(Capabilities(declared={"profile_writes": True}, file="c.yaml"), 400).status_code == 400
    assert _respond(Capabilities(), 200).status_code == 200


@pytest.mark.parametrize("status", [404, 405, 501])
def test_an_unsupported_answer_skips_unless_declared(status: int) -> None:
    with pytest.raises(pytest.skip.Exception, match=f"answered {status} to PUT"):
        _respond(Capabilities(), status)
    with pytest.raises(pytest.skip.Exception, match="optional operation"):
        _respond(Capabilities(declared={"profile_writes": False}, file="c.yaml"), status)
    with pytest.raises(pytest.fail.Exception, match=r"c\.yaml declares profile_writes"):
        _respond(Capabilities(declared={"profile_writes": True}, file="c.yaml"), status)


# --- real contract runs --------------------------------------------------------------------------


def run_suite(pytester: pytest.Pytester, *args: str) -> tuple[pytest.RunResult, dict[str, dict[str, Any]]]:
    """Run the conformance suite in a subprocess, as a user would; the result and the JSON
    report's contracts that ran, by ID."""
    report = pytester.path / "zd-report.json"
    result = pytester.runpytest_subprocess(
        str(CONTRACTS), "-p", "no:cacheprovider", "--zd-report", str(report), *args
    )
    assert report.exists(), f"The run wrote no JSON report:\n{result.stdout.str()}\n{result.stderr.str()}"
    contracts = json.loads(report.read_text(encoding="utf-8"))["contracts"]
    return result, {c["id"]: c for c in contracts if c["outcome"] != "not run"}


def capabilities_file(pytester: pytest.Pytester, **overrides: bool) -> Path:
    declared = {name: overrides.get(name, True) for name in CAPABILITIES}
    path = pytester.path / "capabilities.yaml"
    path.write_text(
        "capabilities:\n" + "".join(f"  {name}: {str(on).lower()}\n" for name, on in declared.items()),
        encoding="utf-8",
    )
    return path


#: The contracts --zd-contract 'profiles.put*' selects: every one needs profile_writes.
PUT_CONTRACTS = {c for c in load_catalogue() if fnmatch.fnmatchcase(c, "profiles.put*")}


@pytest.mark.slow
def test_contracts_needing_an_undeclared_capability_are_skipped(pytester: pytest.Pytester) -> None:
    path = capabilities_file(pytester, profile_writes=False)
    result, ran = run_suite(pytester, "--zd-capabilities", str(path), "--zd-contract", "profiles.put*")
    assert set(ran) == PUT_CONTRACTS, (
        f"--zd-contract 'profiles.put*' must run only {PUT_CONTRACTS}: {set(ran)}"
    )
    for identifier, contract in ran.items():
        assert contract["outcome"] == "skipped", (
            f"{identifier} needs profile_writes, which {path} declares false, so it must be skipped: "
            f"{contract['outcome']}"
        )
        assert {t["outcome"] for t in contract["tests"]} == {"skipped"}, (
            f"Every test of {identifier} must be skipped: {contract['tests']}"
        )
        reason = contract["reason"] or ""
        assert "profile_writes" in reason, f"The skip reason must name profile_writes: {reason!r}"
        assert str(path) in reason, f"The skip reason must name the capabilities file {path}: {reason!r}"
    assert result.ret == pytest.ExitCode.OK, f"Skips do not fail a run:\n{result.stdout.str()}"


@pytest.mark.slow
def test_an_unsupported_answer_to_a_declared_capability_fails(pytester: pytest.Pytester) -> None:
    path = capabilities_file(pytester)
    result, ran = run_suite(
        pytester,
        "--zd-capabilities",
        str(path),
        "--zd-emulator-variation",
        "profile_writes_off",
        "--zd-contract",
        "profiles.put_id.*",
    )
    contract = ran.get("profiles.put_id.replaces")
    assert contract is not None, f"profiles.put_id.replaces did not run:\n{result.stdout.str()}"
    assert contract["outcome"] == "failed", (
        f"{path} declares profile_writes, so a 405 to the PUT must fail the contract, not skip it: "
        f"{contract['outcome']} ({contract['reason']})"
    )
    failure = contract["reproduction"] or ""
    assert f"{path} declares profile_writes" in failure and "answered 405" in failure, (
        f"The failure must say the file declares profile_writes and the target answered 405: {failure}"
    )
    assert result.ret == pytest.ExitCode.TESTS_FAILED


@pytest.mark.slow
def test_an_unsupported_answer_without_a_file_skips(pytester: pytest.Pytester) -> None:
    result, ran = run_suite(
        pytester, "--zd-emulator-variation", "profile_writes_off", "--zd-contract", "profiles.put_id.*"
    )
    contract = ran.get("profiles.put_id.replaces")
    assert contract is not None, f"profiles.put_id.replaces did not run:\n{result.stdout.str()}"
    assert contract["outcome"] == "skipped", (
        "Without a capabilities file, a 405 to an optional operation must skip the contract: "
        f"{contract['outcome']}"
    )
    reason = contract["reason"] or ""
    assert "answered 405" in reason and "profile_writes" in reason, (
        f"The skip reason must give the answer and the capability it says is missing: {reason!r}"
    )
    assert result.ret == pytest.ExitCode.OK, f"Skips do not fail a run:\n{result.stdout.str()}"
