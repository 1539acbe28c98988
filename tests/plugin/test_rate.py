"""``--zd-rate N``: a run against a URL sends at most N requests a minute, paced evenly in the
client and shared by every client of the process, and says in its header what the run should take."""

from __future__ import annotations

import itertools

import pytest

from pytest_zdevents.emulator import Emulator
from pytest_zdevents.runtime.client import Pace
from pytest_zdevents.runtime.rate import rate_line

EMAIL, TOKEN = "e@example.com", "Tok-rate-5d1e22"

SENDS_SIX = """
def test_six_requests(zd_client):
    for _ in range(6):
        assert zd_client.get("/api/v2/user_profiles/missing-profile").status_code == 404
"""


def test_a_run_with_a_rate_stays_under_it(pytester: pytest.Pytester) -> None:
    """120 a minute: one request every 0.5 s, the pre-flight included; the served emulator's
    journal holds when each arrived."""
    pytester.makepyfile(test_inner_rate=SENDS_SIX)
    emulator = Emulator(email=EMAIL, token=TOKEN)
    with emulator.serve() as served:
        result = pytester.runpytest_inprocess(
            "--zd-url", served.url, "--zd-email", EMAIL, "--zd-token", TOKEN, "--zd-rate", "120"
        )
    result.assert_outcomes(passed=1)
    times = [entry["time"] for entry in emulator.journal.entries()]
    assert len(times) == 7
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert min(gaps) >= 0.45, gaps
    result.stdout.fnmatch_lines(
        ["*rate: at most 120 requests a minute; a default run should send about * so about * minutes"]
    )
    result.stdout.fnmatch_lines(["zdevents: rate: at most 120 requests a minute; the 1 selected tests *"])


def test_the_rate_is_refused_for_the_embedded_emulator(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_inner_rate=SENDS_SIX)
    result = pytester.runpytest_inprocess("--zd-rate", "60")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--zd-rate paces the requests sent to a target at --zd-url*"])


def test_pace_spaces_requests_evenly_and_allows_no_burst() -> None:
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    pace = Pace(30, clock=lambda: now[0], sleep=sleep)
    for _ in range(3):
        pace.wait()
    assert slept == [2.0, 2.0]
    now[0] += 10  # idle: the next request goes at once, and no burst is saved up
    pace.wait()
    pace.wait()
    assert slept == [2.0, 2.0, 2.0]


def test_the_expected_duration_is_the_expected_requests_over_the_rate() -> None:
    line = rate_line(100, None)
    assert line.startswith("rate: at most 100 requests a minute; a default run should send about ")
    assert line.endswith(" minutes")
