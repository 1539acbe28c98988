"""Benchmark: how long the conformance suite takes against the embedded emulator.

Runs ``pytest contracts`` as a user would (a fresh process each time) with the default options,
with ``-n 2``, and with ``--zd-max-examples 5``, and prints wall-clock seconds and outcomes.
The target is under a minute by default on 2 cores.

    python bench/bench_suite.py
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

RUNS = {
    "default": [],
    "-n 2": ["-n", "2"],
    "--zd-max-examples 5": ["--zd-max-examples", "5"],
}


def main() -> None:
    print(f"{'run':22} {'seconds':>8}  outcome")
    for name, args in RUNS.items():
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "pytest", "contracts", "-q", "-p", "no:cacheprovider", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - started
        summary = re.findall(r"=+ (.+ in [0-9.]+s.*) =+", result.stdout)
        print(f"{name:22} {seconds:8.1f}  {summary[-1] if summary else result.stdout[-200:]}")


if __name__ == "__main__":
    main()
