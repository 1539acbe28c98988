"""Benchmark: how long the project's whole test command takes, and which tests take it.

Runs the README's test command, ``pytest -n auto --dist worksteal`` (``-n 2`` by default, CI's two
cores), from the checkout, with ``--durations`` and the cache off, then prints the wall time, the
CPU time of the run and everything it started, the outcome line, whether the wall time is under
the target (5 minutes on 2 cores), and the slowest tests:

    python bench/bench_tests.py                      # -n 2, the 20 slowest tests
    python bench/bench_tests.py -n auto --slowest 40
    python bench/bench_tests.py -- -m "not slow"     # more pytest arguments after --

Other work on the same cores lengthens the wall time, not the CPU time: on a busy machine compare
the CPU seconds. It is not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 5 * 60
#: A line of pytest's --durations table: "12.34s call     tests/x.py::test_y".
DURATION = re.compile(r"^(\d+\.\d+)s (call|setup|teardown)\s+(\S.*)$")
#: pytest's outcome line: "1946 passed in 241.20s (0:04:01)".
SUMMARY = re.compile(r"^=* ?(\d+ \w+.* in [0-9.]+s.*?) ?=*$")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", dest="workers", default="2", help="xdist workers (default 2, as CI)")
    parser.add_argument("--slowest", type=int, default=20, help="how many of the slowest tests to print")
    parser.add_argument("pytest_args", nargs="*", help="more pytest arguments, after --")
    options = parser.parse_args()
    command = [
        sys.executable, "-m", "pytest", "-n", options.workers, "--dist", "worksteal",
        "-p", "no:cacheprovider", "-q", f"--durations={options.slowest}", *options.pytest_args,
    ]  # fmt: skip
    environment = dict(os.environ)
    # As .ci/run: let every fresh interpreter the tests start compile each module once.
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    print("$ " + " ".join(command[1:]), flush=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, cwd=ROOT, env=environment, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)

    lines = result.stdout.splitlines()
    summaries = [match.group(1) for line in lines if (match := SUMMARY.match(line.strip()))]
    slowest = [match.groups() for line in lines if (match := DURATION.match(line.strip()))]
    print(f"exit code      {result.returncode}")
    print(f"outcome        {summaries[-1] if summaries else '(no summary line)'}")
    print(f"wall time      {wall:7.1f} s ({wall / 60:.1f} min)")
    print(f"CPU time       {cpu:7.1f} s (the run and every process it waited for)")
    verdict = "yes" if wall < TARGET_SECONDS else "NO"
    print(f"under {TARGET_SECONDS // 60} min    {verdict}")
    print(f"slowest {len(slowest)}:")
    for seconds, phase, nodeid in slowest:
        print(f"  {float(seconds):7.1f} s  {phase:8}  {nodeid}")
    if result.returncode != 0:
        print((result.stdout + result.stderr)[-3000:])


if __name__ == "__main__":
    main()
