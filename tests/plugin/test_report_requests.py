"""The JSON report counts the requests a run sent: per test, per contract, per area, the run's
own outside any contract (pre-flight, clean-up) and the total, which is what reached the target:
a served emulator's journal holds every request, and the two agree, with xdist workers too."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pytest_zdevents.emulator import Emulator

EMAIL, TOKEN = "e@example.com", "Tok-count-9a8b7c"

# Two contracts of the filters area and one of reads; test_two tracks one profile (one POST,
# one DELETE at clean-up); a test with no contract sends one request too.
INNER = """
import pytest

@pytest.fixture
def read_twice(zd_client):
    zd_client.get("/api/v2/user_profiles/nobody")
    yield
    zd_client.get("/api/v2/user_profiles/nobody")

@pytest.mark.contract("filters.source.exact")
def test_one(zd_client, read_twice):
    for _ in range(3):
        zd_client.get("/api/v2/user_profiles/nobody")

@pytest.mark.contract("filters.type.exact")
def test_two(zd_track):
    zd_track()

@pytest.mark.contract("reads.order.newest_first")
@pytest.mark.parametrize("n", [1, 4])
def test_three(zd_client, n):
    for _ in range(n):
        zd_client.get("/api/v2/user_profiles/nobody")

def test_no_contract(zd_client):
    zd_client.get("/api/v2/user_profiles/nobody")
"""


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["one process", "xdist"])
def test_requests_per_contract_area_and_run(pytester: pytest.Pytester, workers: list[str]) -> None:
    pytester.makepyfile(test_inner_requests=INNER)
    emulator = Emulator(email=EMAIL, token=TOKEN)
    with emulator.serve() as served:
        result = pytester.runpytest_subprocess(
            "-p",
            "no:cacheprovider",
            *workers,
            f"--zd-url={served.url}",
            f"--zd-email={EMAIL}",
            f"--zd-token={TOKEN}",
            "--zd-report=report.json",
        )
    result.assert_outcomes(passed=5)
    report: dict[str, Any] = json.loads((pytester.path / "report.json").read_text())
    contracts = {c["id"]: c for c in report["contracts"]}
    # Set-up and teardown count for the test: 1 + 3 + 1.
    assert contracts["filters.source.exact"]["requests"] == 5
    assert contracts["filters.source.exact"]["tests"][0]["requests"] == 5
    assert contracts["filters.type.exact"]["requests"] == 1
    assert sorted(t["requests"] for t in contracts["reads.order.newest_first"]["tests"]) == [1, 4]
    assert contracts["reads.order.newest_first"]["requests"] == 5
    assert contracts["filters.time.subsecond"]["requests"] == 0
    areas = {row["area"]: row["requests"] for row in report["areas"]}
    assert areas["filters"] == 6 and areas["reads"] == 5 and areas["profiles"] == 0
    # The run's own: the pre-flight, the clean-up's DELETE of test_two's profile, the test with no contract.
    assert report["requests"] == {"contracts": 11, "run": 3, "total": 14}
    assert len(emulator.journal.entries()) == 14
