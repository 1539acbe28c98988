"""A read-only run (``--zd-read-only``) against a served emulator holding a profile the vendor
names: the contracts that only read pass, every other one is skipped saying why, and the server
receives no write. ``-m "not zd_writes"`` selects the same contracts."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
import yaml
from suite import CONTRACTS, catalogue

from pytest_zdevents.emulator import Emulator

pytest_plugins = ["pytester"]

pytestmark = pytest.mark.slow

EMAIL, TOKEN = "e@example.com", "read-only-run-token"
IDENTIFIER = {"type": "email", "value": "reader@example.com"}
READS = {
    "reads.walk.each_once",
    "schema.operations.conform",
    "reads.identifier.required",
    "errors.user_id.not_integer",
}
#: The tests of contracts that send only a GET of their own, with no data.
GET_ONLY = {
    "contracts/test_identifiers_users.py::test_events_by_identifier_without_an_identifier_are_refused",
    "contracts/test_identifiers_users.py::test_a_user_id_that_is_not_an_integer_is_400",
}
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def capabilities(path: Path) -> Path:
    path.write_text(
        yaml.safe_dump(
            {
                "implementation": {"name": "Served emulator"},
                "capabilities": {"profile_writes": True, "profile_delete": True},
                "read_only_data": {
                    "profile_source": "vendor",
                    "profile_type": "customer",
                    "identifier": IDENTIFIER,
                },
            }
        )
    )
    return path


def test_a_read_only_run_reads_named_data_and_writes_nothing(pytester: pytest.Pytester) -> None:
    emulator = Emulator(email=EMAIL, token=TOKEN)
    with emulator.serve() as served:
        for number in range(3):
            body = {
                "profile": {"source": "vendor", "type": "customer", "identifiers": [IDENTIFIER]},
                "event": {"source": "vendor", "type": "viewed", "properties": {"n": str(number)}},
            }
            answer = httpx.post(
                f"{served.url}/api/v2/user_profiles/events", json=body, auth=(f"{EMAIL}/token", TOKEN)
            )
            assert answer.status_code == 202, answer.text
        emulator.journal.clear()
        result = pytester.runpytest_subprocess(
            str(CONTRACTS),
            "-p",
            "no:cacheprovider",
            f"--zd-url={served.url}",
            f"--zd-email={EMAIL}",
            f"--zd-token={TOKEN}",
            "--zd-read-only",
            f"--zd-capabilities={capabilities(pytester.path / 'capabilities.yaml')}",
            "--zd-report=report.json",
        )
        sent = {entry["method"] for entry in emulator.journal.entries()}
    emulator.close()
    assert result.ret == 0, result.stdout.str()[-3000:]
    assert not sent & WRITES, f"a read-only run sent {sorted(sent & WRITES)}"
    contracts = {c["id"]: c for c in json.loads((pytester.path / "report.json").read_text())["contracts"]}
    assert {c for c, entry in contracts.items() if entry["outcome"] == "passed"} == READS
    for contract, entry in contracts.items():
        if contract not in READS:
            assert entry["outcome"] == "skipped" and "--zd-read-only" in entry["reason"], (contract, entry)


def test_not_zd_writes_selects_what_needs_no_writes(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess(
        str(CONTRACTS), "-p", "no:cacheprovider", "-m", "not zd_writes", "--collect-only", "-q"
    )
    collected = [line for line in result.outlines if "::" in line]
    writing = {entry["id"] for entry in catalogue()["contracts"] if entry["writes"]}
    assert collected, result.stdout.str()
    assert not any("test_reads.py" in line for line in collected), (
        "without named data the reads contract writes"
    )
    for line in collected:
        if line.split("::")[0].endswith("test_schema.py"):
            assert "[GET " in line or "[HEAD " in line, f"{line} writes"
        else:
            assert any(line.endswith(test) for test in GET_ONLY), f"{line} writes"
    assert all(any(line.endswith(test) for line in collected) for test in GET_ONLY), collected
    assert writing, "the catalogue marks contracts that write"
