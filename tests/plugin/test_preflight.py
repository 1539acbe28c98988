"""The pre-flight (runtime/preflight.py) and the URL check: a run against a target that cannot be
reached, refuses the credentials or has no scheme ends before any contract with one sentence and
exit 4; a run with good credentials goes on; and a run with only an OAuth token skips the
contracts that need Basic credentials instead of failing them."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from pytest_zdevents.emulator import Emulator, ServedEmulator
from pytest_zdevents.runtime.preflight import refusal
from pytest_zdevents.runtime.target import Target

CONTRACTS = Path(__file__).resolve().parents[2] / "contracts"
EMAIL, TOKEN, OAUTH = "agent@example.com", "Tok-preflight-8c1d", "Oauth-preflight-3e7b"
WRONG = "Wrong-preflight-5a9f"

# An inner test that leaves a trace when it runs: the pre-flight must stop the run before it.
RAN = """
import pathlib

def test_ran(zd_client):
    pathlib.Path(__file__).with_name("ran.txt").write_text("ran")
"""


@pytest.fixture
def served() -> Iterator[ServedEmulator]:
    emulator = Emulator(email=EMAIL, token=TOKEN, oauth_tokens=[OAUTH])
    with emulator.serve() as running:
        yield running
    emulator.close()


def closed_port() -> int:
    """A port nothing listens on: bound, then closed."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def output(result: pytest.RunResult) -> str:
    return result.stdout.str() + "\n" + result.stderr.str()


def assert_stopped(pytester: pytest.Pytester, result: pytest.RunResult, *words: str) -> str:
    """Exit 4, one ERROR line holding ``words``, a few lines in all, no traceback, no test run."""
    text = output(result)
    assert result.ret == pytest.ExitCode.USAGE_ERROR, text
    (error,) = [line for line in result.stderr.lines if line.startswith("ERROR:")]
    for word in words:
        assert word in error, error
    assert len([line for line in text.splitlines() if line.strip()]) <= 3, text
    assert "Traceback" not in text and "ConnectError" not in text, text
    assert not (pytester.path / "ran.txt").exists(), "no test may run after a failed pre-flight"
    return error


@pytest.mark.parametrize("workers", [[], ["-p", "xdist", "-n", "2"]], ids=["plain", "xdist"])
def test_a_closed_port_stops_the_run_at_once(pytester: pytest.Pytester, workers: list[str]) -> None:
    if workers:
        pytest.importorskip("xdist", reason="pytest-xdist is not installed")
    pytester.makepyfile(test_inner=RAN)
    url = f"http://127.0.0.1:{closed_port()}"
    started = time.monotonic()
    result = pytester.runpytest_inprocess(*workers, "--zd-url", url, "--zd-email", EMAIL, "--zd-token", TOKEN)
    assert time.monotonic() - started < 5
    error = assert_stopped(pytester, result, url, "connection was refused", "--zd-url")
    assert "[Errno" not in error


def test_a_url_without_a_scheme_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_inner=RAN)
    result = pytester.runpytest_inprocess("--zd-url", "127.0.0.1:8080")
    assert_stopped(pytester, result, "127.0.0.1:8080 has no scheme", "write http://127.0.0.1:8080")


@pytest.mark.parametrize(
    ("credentials", "words"),
    [
        (
            ["--zd-email", EMAIL, "--zd-token", WRONG],
            [f"Basic credentials {EMAIL}/token:********", "--zd-token"],
        ),
        (["--zd-oauth-token", WRONG], ["OAuth access token ********", "Check --zd-oauth-token"]),
        (["--zd-email", EMAIL], ["without credentials", "--zd-email was given without --zd-token"]),
    ],
    ids=["wrong-token", "wrong-oauth-token", "half-basic"],
)
def test_refused_credentials_stop_the_run_without_showing_them(
    pytester: pytest.Pytester, served: ServedEmulator, credentials: list[str], words: list[str]
) -> None:
    pytester.makepyfile(test_inner=RAN)
    result = pytester.runpytest_inprocess("--zd-url", served.url, *credentials)
    assert_stopped(pytester, result, served.url, "answered 401", *words)
    for secret in (WRONG, TOKEN, OAUTH):
        assert secret not in output(result)
    api = [e for e in served.emulator.journal.entries() if e["path"].startswith("/api/")]
    assert len(api) == 1, "one request, the pre-flight's, and nothing after it"


def test_collect_only_sends_no_pre_flight(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_inner=RAN)
    result = pytester.runpytest_inprocess("--collect-only", "--zd-url", f"http://127.0.0.1:{closed_port()}")
    assert result.ret == pytest.ExitCode.OK, output(result)


def test_good_credentials_pass_the_pre_flight(pytester: pytest.Pytester, served: ServedEmulator) -> None:
    result = pytester.runpytest_subprocess(
        str(CONTRACTS),
        "-p",
        "no:cacheprovider",
        f"--zd-url={served.url}",
        f"--zd-email={EMAIL}",
        f"--zd-token={TOKEN}",
        "--zd-contract=auth.credentials.missing_401",
    )
    result.assert_outcomes(passed=1)
    first = next(e for e in served.emulator.journal.entries() if e["path"].startswith("/api/"))
    assert (first["method"], first["path"], first["status"]) == ("GET", "/api/v2/user_profiles", 404)


def test_an_oauth_only_run_skips_the_basic_contracts(
    pytester: pytest.Pytester, served: ServedEmulator
) -> None:
    basic = ("auth.basic_token.verified", "auth.basic_email.verified", "auth.end_user.refused")
    result = pytester.runpytest_subprocess(
        str(CONTRACTS),
        "-p",
        "no:cacheprovider",
        "-rs",
        f"--zd-url={served.url}",
        f"--zd-oauth-token={OAUTH}",
        *(f"--zd-contract={contract}" for contract in (*basic, "auth.bearer.verified")),
    )
    assert result.ret == pytest.ExitCode.OK, output(result)[-3000:]
    result.assert_outcomes(passed=2, skipped=4)
    reason = (
        "This contract needs Basic credentials (an agent's email address and API token): "
        "give --zd-email and --zd-token."
    )
    skips = [line for line in result.stdout.lines if line.startswith("SKIPPED")]
    assert len(skips) == 4 and all(line.endswith(reason) for line in skips), skips
    assert all("contracts/test_auth" in line for line in skips), "a skip names the contract's line"


def answer(status: int, **headers: str) -> httpx.Response:
    return httpx.Response(status, headers=headers)


@pytest.mark.parametrize(
    ("status", "headers", "stops"),
    [
        (404, {}, False),
        (200, {}, False),
        (400, {}, False),
        (429, {"Retry-After": "1"}, False),
        (500, {}, False),
        (401, {}, True),
        (403, {}, True),
        (301, {"Location": "https://example.zendesk.com/api/v2/user_profiles"}, True),
    ],
)
def test_which_answers_stop_the_run(status: int, headers: dict[str, str], stops: bool) -> None:
    target = Target("http://127.0.0.1:1", EMAIL, TOKEN)
    problem = refusal(target, answer(status, **headers))
    assert (problem is not None) == stops, problem
    if problem is not None:
        assert TOKEN not in problem and f"answered {status}" in problem
