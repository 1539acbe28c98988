"""Benchmark: how many requests one default run of the suite sends against a URL.

Serves the emulator on loopback, runs ``pytest contracts --zd-url URL --zd-email E --zd-token T``
(the default options, one process) with ``--zd-report``, and prints the requests per area and the
total from the JSON report, the run-level ones (pre-flight, clean-up) among them, and the count
in the emulator's journal to cross-check (it sees every request that reached it). The issue's
target is at most 800 requests for a default run.

    python bench/bench_requests.py [pytest arguments, e.g. -n 2 or --zd-max-examples 5]
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pytest_zdevents.emulator import Emulator  # noqa: E402

EMAIL, TOKEN = "bench@example.com", "bench-requests-token"
TARGET = 800


def main(extra: list[str]) -> None:
    emulator = Emulator(email=EMAIL, token=TOKEN, journal_size=1_000_000)
    with tempfile.TemporaryDirectory() as folder, emulator.serve() as served:
        report_path = Path(folder) / "report.json"
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        started = time.perf_counter()
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "contracts",
                "-q",
                "-p",
                "no:cacheprovider",
                f"--zd-url={served.url}",
                f"--zd-email={EMAIL}",
                f"--zd-token={TOKEN}",
                f"--zd-report={report_path}",
                *extra,
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - started
        journal = emulator.journal.entries()
        if not report_path.exists():
            print(result.stdout[-3000:], result.stderr[-3000:])
            raise SystemExit("The run wrote no report.")
        report = json.loads(report_path.read_text())
    print(f"run: exit {result.returncode} in {seconds:.1f} s; {result.stdout.strip().splitlines()[-1]}")
    requests = report["requests"]
    print(f"{'area':16}{'requests':>9}")
    for row in report["areas"]:
        if row["requests"]:
            print(f"{row['area']:16}{row['requests']:>9}")
    print(f"{'run (outside)':16}{requests['run']:>9}   pre-flight and clean-up")
    print(f"{'total':16}{requests['total']:>9}   target: at most {TARGET}")
    methods = Counter(entry["method"] for entry in journal)
    shown = ", ".join(f"{method} {count}" for method, count in methods.most_common())
    print(f"{'journal':16}{len(journal):>9}   {shown}")
    top = sorted(report["contracts"], key=lambda c: c.get("requests", 0), reverse=True)[:12]
    print("most requests:", ", ".join(f"{c['id']} {c['requests']}" for c in top))


if __name__ == "__main__":
    main(sys.argv[1:])
