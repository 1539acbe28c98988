"""The suite against an implementation reached by URL: here a served emulator on loopback.

``zdevents-emulator --port P --email e@example.com --token t`` in one shell and
``pytest contracts --zd-url http://127.0.0.1:P --zd-email e@example.com --zd-token t`` in another
pass, with the server's lag, rate limit and legal variations on; with a quirk on the server
they fail and the run names the failing contract.
"""

from __future__ import annotations

import pytest
from suite import URL_EMAIL, URL_TOKEN, contract_files, quirk_map, run_against

from pytest_zdevents.emulator import Emulator
from pytest_zdevents.emulator.switches import VARIATIONS

pytest_plugins = ["pytester"]


pytestmark = pytest.mark.slow


def test_a_slow_rate_limited_server_of_other_legal_choices_passes(pytester: pytest.Pytester) -> None:
    """A server that makes every legal choice the emulator knows other than its own (order,
    page-size cap, Support-style errors on user routes, its own error codes, other id, cursor and
    timestamp representations), with lag 0.3 s and 60 requests a second: reads wait for writes,
    429s are waited out. It serves the Profiles API's writes (profile_writes_off has its own run),
    so they too meet the other representations. The run is mostly waiting, so two xdist workers
    share the server's rate limit; fewer examples keep it short. It is also the suite's proof
    against ingestion lag, and against a target reached over HTTP (the embedded emulator as it
    ships is the README command's run in test_teeth.py)."""
    others = sorted(set(VARIATIONS) - {"profile_writes_off"})
    emulator = Emulator(email=URL_EMAIL, token=URL_TOKEN, lag=0.3, rate_limit=60, variations=others)
    result = run_against(pytester, emulator, "--zd-max-examples=3", "-n", "2")
    assert result.ret == 0, result.stdout.str()[-3000:]
    assert URL_TOKEN not in result.stdout.str() + result.stderr.str()


def test_a_quirky_server_fails_naming_the_contract(pytester: pytest.Pytester) -> None:
    """The files that hold the contracts the quirk breaks, not the whole suite: the whole suite
    against the same server without the quirk passes above."""
    quirk = "end_time_exclusive"
    emulator = Emulator(email=URL_EMAIL, token=URL_TOKEN, quirks=[quirk])
    result = run_against(pytester, emulator, paths=contract_files(quirk_map()[quirk]))
    assert result.ret == 1
    for contract in quirk_map()[quirk]:
        result.stdout.fnmatch_lines([f"FAILED contract {contract}: *"])
