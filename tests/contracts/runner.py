"""Run the conformance suite several times in one fresh interpreter: ``python runner.py PLAN``.

PLAN is a JSON list of runs, each ``{"junit": path, "args": [pytest arguments]}``, and
``"stop_at_first_failure": true`` for a run that only needs to show that contracts fail. Each run is
``pytest.main(args + ["--junitxml", junit])``, one after the other; the exit codes are written,
one a line, to ``PLAN.codes``. Starting an interpreter and importing pytest, hypothesis,
schemathesis and the plugin costs seconds, once here instead of once a run.

Between runs the modules of the suite (its conftest and contract modules, which every run must
import afresh: the schema contract builds its operations for the run's options when imported) are
dropped from ``sys.modules``, and ``sys.path`` is restored. Library modules stay: dropping them
would duplicate the classes httpx maps exceptions by (see tests/conftest.py).

Not a test module: the harness in suite.py starts it.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

CONTRACTS = Path(__file__).resolve().parents[2] / "contracts"


def _suite_modules() -> list[str]:
    """The names of the modules imported from the suite's directory. By the text of their paths:
    pytest imports them by the resolved path of the directory, and resolving every module's file
    a run costs a fifth of a second."""
    prefix = f"{CONTRACTS}{os.sep}"
    return [
        name
        for name, module in list(sys.modules.items())
        if (getattr(module, "__file__", None) or "").startswith(prefix)
    ]


class StopEachContractAtItsFirstFailure:
    """A plugin for runs that prove contracts fail: once one test of a contract has failed, the
    contract has failed, and its other tests (the schema contract has one an operation) are
    skipped instead of run."""

    def __init__(self) -> None:
        self.failed: set[str] = set()

    @staticmethod
    def contract(item: pytest.Item) -> str | None:
        marker = item.get_closest_marker("contract")
        return marker.args[0] if marker and marker.args else None

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_setup(self, item: pytest.Item) -> None:
        if self.contract(item) in self.failed:
            pytest.skip("its contract has failed already")

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.failed:
            self.failed.update(value for name, value in report.user_properties if name == "contract")


def main(plan_path: str) -> int:
    plan = json.loads(Path(plan_path).read_text())
    codes = []
    for number, run in enumerate(plan):
        print(f"=== zdevents batch run {number} ===", flush=True)
        path = list(sys.path)
        try:
            plugins = [StopEachContractAtItsFirstFailure()] if run.get("stop_at_first_failure") else []
            # Without the unraisable-exception plugin: at the end of every run it collects garbage
            # again and again, a fifth of a second a run, to report what no run here looks at.
            args = [*run["args"], f"--junitxml={run['junit']}", "-p", "no:unraisableexception"]
            code = pytest.main(args, plugins=plugins)
        finally:
            sys.path[:] = path
            for name in _suite_modules():
                del sys.modules[name]
        codes.append(int(code))
        sys.stdout.flush()
    Path(plan_path + ".codes").write_text("".join(f"{code}\n" for code in codes))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
