"""The conformance report's collector: a pytest plugin object on the process that prints the
summary (the xdist controller, or the only process).

It hands every test report to :class:`~pytest_zdevents.reporting.model.RunResults` (each report
carries its contract ID, and the deviation it matches, as user properties, so xdist workers'
tests arrive too). At the end of the run it prints a summary by area, names each failed contract
with its MUST statement, reports deviations that match nothing or now pass, and writes
``--zd-report`` (JSON) and ``--zd-html`` (:mod:`pytest_zdevents.reporting.html`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from pytest_zdevents.reporting import fidelity, html
from pytest_zdevents.reporting.model import OUTCOMES, RunResults, by_area
from pytest_zdevents.runtime.config import flag
from pytest_zdevents.runtime.fidelity import Fidelity


# eq=False: pluggy keeps plugins in sets, so the object must stay hashable.
@dataclass(eq=False)
class ConformanceReport:
    """Collects the run's results and writes them out at the end."""

    results: RunResults

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        self.results.record(report)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        results, config = self.results, self.results.config
        compared = Fidelity.of(session.config)
        if not results.tests and compared is None:
            return
        results.problems = results.deviation_problems()
        if results.problems and config.strict and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED
        report = results.as_dict(int(session.exitstatus))
        if compared is not None:
            report["fidelity"] = compared.summary()
        if config.report:
            _write(config.report, json.dumps(report, indent=2) + "\n")
        if config.html:
            _write(config.html, html.render(report))

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if self.results.tests:
            self._summary(terminalreporter)
        # --zd-compare-emulator covers every exchange of the run, a contract's or not.
        compared = Fidelity.of(terminalreporter.config)
        if compared is not None:
            terminalreporter.section("zdevents fidelity: the target against the emulator")
            for line in fidelity.terminal_lines(compared.summary()):
                terminalreporter.write_line(line)

    def _summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        results, config, seed = self.results, self.results.config, self.results.session.seed
        write = terminalreporter.write_line
        terminalreporter.section("zdevents conformance summary")
        contracts = results.contracts()
        # Only the areas this run selected a contract of: a run of one area is one row, not nine.
        rows = [row for row in by_area(contracts) if row["not run"] < sum(row[name] for name in OUTCOMES)]
        left_out = len(by_area(contracts)) - len(rows)
        unselected = f"; {left_out} areas not selected" if left_out else ""
        write(f"Contracts by area (a contract counts once, however many tests it has{unselected}):")
        write(f"{'area':14}" + "".join(f"{name:>9}" for name in OUTCOMES))
        for row in rows:
            write(f"{row['area']:14}" + "".join(f"{row[name]:>9}" for name in OUTCOMES))
        for contract in contracts:
            if contract["outcome"] == "error" and contract["relied_on"]:
                write(
                    f"ERROR contract {contract['id']}: not checked, its set-up relied on "
                    f"{', '.join(contract['relied_on'])}, which the target broke."
                )
            elif contract["outcome"] in ("failed", "error"):
                write(f"FAILED contract {contract['id']}: {contract['must']}")
        for problem in results.problems:
            write(("ERROR" if config.strict else "WARNING") + f" ({flag('deviations')}): {problem}")
        write(f"Hypothesis seed {seed}: replay this run with {flag('seed')} {seed}.")
        for option, what in (("report", "JSON report"), ("html", "HTML conformance matrix")):
            if config.settings[option].value:
                write(f"Wrote the {what} to {config.settings[option].value}.")


def _write(path: str, text: str) -> None:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
