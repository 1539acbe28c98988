"""Benchmark: does a broken server fail fast? The whole suite against a served emulator with each
quirk on, beside the same run against a clean one.

Each run is ``python -m pytest <repo>/contracts -p no:cacheprovider -q --zd-url URL --zd-email E
--zd-token T`` in a fresh process, against a fresh emulator served on loopback. A quirky run should
take at most about twice the clean run: a failing contract fails, it does not wait out the
``eventually`` timeout in every example and shrink. Prints one row a run, as it ends:

    python bench/bench_quirks.py                                  # every quirk (a long while)
    python bench/bench_quirks.py --quirk cursor_ignored --quirk first_identifier_only -n 2
    python bench/bench_quirks.py --quirk offset_ignored -- --zd-max-examples 5   # more pytest args

It is not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import logging
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path

from pytest_zdevents.emulator import Emulator
from pytest_zdevents.emulator.switches import QUIRKS

ROOT = Path(__file__).resolve().parent.parent
CONTRACTS = ROOT / "contracts"
EMAIL = "bench@example.com"
#: A run's outcome line: "3 failed, 80 passed, 2 skipped in 41.20s".
SUMMARY = re.compile(r"^=* ?(\d+ \w+.* in [0-9.]+s.*?) ?=*$")


def run_suite(quirks: list[str], pytest_args: list[str]) -> tuple[float, int, str]:
    """Seconds, exit code and pytest's outcome line of the suite against a served emulator."""
    token = secrets.token_hex(12)
    emulator = Emulator(email=EMAIL, token=token, quirks=quirks)
    try:
        with emulator.serve() as served:  # 127.0.0.1, a free port
            command = [
                sys.executable, "-m", "pytest", str(CONTRACTS), "-p", "no:cacheprovider", "-q",
                f"--zd-url={served.url}", f"--zd-email={EMAIL}", f"--zd-token={token}", *pytest_args,
            ]  # fmt: skip
            started = time.perf_counter()
            result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
            seconds = time.perf_counter() - started
    finally:
        emulator.close()
    lines = [SUMMARY.match(line.strip()) for line in result.stdout.splitlines()]
    outcomes = [match.group(1) for match in lines if match]
    if not outcomes:  # no summary line: show how the output ended instead
        outcomes = [(result.stdout + result.stderr).strip()[-160:].replace("\n", " | ")]
    return seconds, result.returncode, outcomes[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quirk", action="append", metavar="NAME", help="only this quirk (repeatable); default: every quirk"
    )
    parser.add_argument("-n", dest="workers", help="pytest-xdist workers, passed to pytest as -n")
    parser.add_argument("pytest_args", nargs="*", help="more pytest arguments, after --")
    options = parser.parse_args()
    quirks = options.quirk or list(QUIRKS)
    unknown = sorted(set(quirks) - QUIRKS.keys())
    if unknown:
        parser.error(f"unknown quirk {', '.join(unknown)}; the quirks are: {', '.join(QUIRKS)}")
    pytest_args = [*(["-n", options.workers] if options.workers else []), *options.pytest_args]
    # A quirk such as server_error_on_bad_timestamp makes the served emulator log each 500 it
    # answers with a traceback; the suite reports those failures, the table needs no copy.
    logging.getLogger("pytest_zdevents.emulator").setLevel(logging.CRITICAL)

    print(f"The suite against a served emulator; pytest arguments: {' '.join(pytest_args) or '(none)'}")
    print(f"{'quirk':32} {'seconds':>8} {'ratio':>6} {'exit':>4}  {'<=2x':4}  outcome", flush=True)
    clean, code, outcome = run_suite([], pytest_args)
    print(f"{'(clean)':32} {clean:8.1f} {1:6.2f} {code:4}  {'yes':4}  {outcome}", flush=True)
    slow = []
    for quirk in quirks:
        seconds, code, outcome = run_suite([quirk], pytest_args)
        ratio = seconds / clean
        if ratio > 2:
            slow.append(quirk)
        print(
            f"{quirk:32} {seconds:8.1f} {ratio:6.2f} {code:4}  {'yes' if ratio <= 2 else 'NO':4}  {outcome}",
            flush=True,
        )
    print(f"{len(quirks) - len(slow)} of {len(quirks)} quirky runs took at most twice the clean run.")
    if slow:
        print("Over twice: " + ", ".join(slow))


if __name__ == "__main__":
    main()
