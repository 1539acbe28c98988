"""The model of a conformance run's results: each test's outcome, each contract's, by area, the
deviations that need attention, and the JSON document the report files hold.

:class:`RunResults` never sees pytest's hooks: :mod:`pytest_zdevents.reporting.collector` feeds it
test reports and writes what it returns. Failure text is scrubbed of secrets before it gets here.
"""

from __future__ import annotations

import datetime
import shlex
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pytest

from pytest_zdevents import __version__
from pytest_zdevents.credentials import MASK
from pytest_zdevents.reporting.html import OUTCOMES
from pytest_zdevents.runtime.config import OPTIONS, ZdConfig, flag
from pytest_zdevents.runtime.session import Session
from pytest_zdevents.spec import load_spec
from pytest_zdevents.spec.catalogue import Contract, areas, load_catalogue
from pytest_zdevents.spec.sources import links

#: How much each outcome weighs when a contract has several tests: the heaviest names it.
_WEIGHT = {"not run": 0, "skipped": 1, "passed": 2, "xfailed": 3, "xpassed": 4, "error": 5, "failed": 6}
#: Options the replay command leaves out: secrets, outputs, and the selection it sets itself.
_NOT_REPLAYED = frozenset(
    {option.name for option in OPTIONS if option.secret}
    # A replay of one failure reruns it; comparing its few exchanges with the emulator says little.
    | {"report", "html", "contract", "seed", "compare_emulator"}
)
#: How much failure text a report keeps per test.
MAX_FAILURE_TEXT = 20_000


def _phase_outcome(report: pytest.TestReport) -> str | None:
    """The outcome one phase (setup, call, teardown) says, or None when it says nothing."""
    if hasattr(report, "wasxfail"):
        return "xfailed" if report.skipped else "xpassed"
    if report.when == "call" and report.failed and str(report.longrepr).startswith("[XPASS(strict)]"):
        # A strict expected failure that passed: pytest fails it; the contract itself passed.
        return "xpassed"
    if report.when == "call":
        return report.outcome
    if report.failed:
        return "error"
    return "skipped" if report.skipped else None


def _requests(report: pytest.TestReport) -> int:
    """The requests one phase sent, as the plugin stamps them on its report."""
    return int(getattr(report, "zdevents_requests", 0))


def _reason(report: pytest.TestReport) -> str | None:
    if hasattr(report, "wasxfail"):
        return str(report.wasxfail)
    if report.skipped and isinstance(report.longrepr, tuple):
        return str(report.longrepr[2]).removeprefix("Skipped: ")
    return None


@dataclass
class TestResult:
    """One test (node ID) of a contract."""

    nodeid: str
    contract: str
    deviation: str | None = None
    outcome: str = "not run"
    duration: float = 0.0
    reason: str | None = None
    failure: str | None = None
    #: The contract whose broken promise kept this test from setting up its data.
    relied_on: str | None = None
    #: The requests its setup, call and teardown sent.
    requests: int = 0

    def add(self, report: pytest.TestReport) -> None:
        self.duration += report.duration
        self.requests += _requests(report)
        outcome = _phase_outcome(report)
        if outcome is not None and _WEIGHT[outcome] >= _WEIGHT[self.outcome]:
            self.outcome = outcome
            self.reason = _reason(report) or self.reason
        if report.failed:
            text = report.longreprtext[:MAX_FAILURE_TEXT]
            self.failure = f"{self.failure}\n{text}" if self.failure else text


@dataclass
class RunResults:
    """Every contract test of a run, as its reports arrive."""

    session: Session
    tests: dict[str, TestResult] = field(default_factory=dict)
    started: datetime.datetime = field(default_factory=lambda: datetime.datetime.now(datetime.UTC))
    #: Deviations that need attention, set at the end of the run; --zd-strict fails the run on them.
    problems: list[str] = field(default_factory=list)
    #: Requests of tests that are no contract (a conftest's own tests, say): counted with the run's.
    other_requests: int = 0

    @property
    def config(self) -> ZdConfig:
        return self.session.config

    def record(self, report: pytest.TestReport) -> None:
        """Add one phase's report of a test that carries a contract ID; others are ignored."""
        properties = dict(report.user_properties)
        contract = properties.get("contract")
        if contract is None:
            self.other_requests += _requests(report)
            return
        result = self.tests.setdefault(report.nodeid, TestResult(report.nodeid, contract))
        result.deviation = properties.get("deviation", result.deviation)
        result.relied_on = properties.get("relied_on", result.relied_on)
        result.add(report)

    def deviation_problems(self) -> list[str]:
        """Deviations that match no collected test, or whose tests all pass now."""
        problems = []
        by_entry: dict[str, list[TestResult]] = defaultdict(list)
        for result in self.tests.values():
            if result.deviation:
                by_entry[result.deviation].append(result)
        file = self.session.deviations.file
        unmatched = {entry.id for entry in self.session.deviations.unmatched()}
        for entry in self.session.deviations.entries:
            ran = [r for r in by_entry.get(entry.id, []) if r.outcome not in ("skipped", "not run")]
            if entry.id in unmatched:
                problems.append(
                    f"{entry.id} in {file} matches no test of the suite; remove it or fix its ID."
                )
            elif ran and all(r.outcome in ("xpassed", "passed") for r in ran):
                problems.append(f"{entry.id} in {file} passes now; remove it from the file.")
        return problems

    def contracts(self) -> list[dict[str, Any]]:
        """Every catalogued contract with its outcome; contracts with no test here are "not run"."""
        tests: dict[str, list[TestResult]] = defaultdict(list)
        for result in self.tests.values():
            tests[result.contract].append(result)
        catalogue = load_catalogue()
        unknown = [Contract(c, "", "", "", (), (), False) for c in tests if c not in catalogue]
        return [
            self._contract(contract, tests.get(contract.id, []))
            for contract in (*catalogue.values(), *unknown)
        ]

    def _contract(self, contract: Contract, tests: list[TestResult]) -> dict[str, Any]:
        outcome = max((t.outcome for t in tests), key=_WEIGHT.__getitem__, default="not run")
        deviation = self.session.deviations.for_contract(contract.id) or next(
            (self.session.deviations.for_contract(t.deviation) for t in tests if t.deviation), None
        )
        failed = [t for t in tests if t.failure]
        return {
            "id": contract.id,
            "area": contract.area,
            "must": contract.must,
            "source": contract.source,
            "source_links": links(contract.source),
            "requires": list(contract.requires),
            "writes": contract.writes,
            "outcome": outcome,
            "duration": round(sum(t.duration for t in tests), 3),
            "requests": sum(t.requests for t in tests),
            "reason": next((t.reason for t in tests if t.outcome == outcome and t.reason), None),
            "deviation": {"reason": deviation.reason, "link": deviation.link} if deviation else None,
            "tests": [
                {
                    "nodeid": t.nodeid,
                    "outcome": t.outcome,
                    "duration": round(t.duration, 3),
                    "requests": t.requests,
                }
                for t in tests
            ],
            "reproduction": self.reproduction(contract.id, failed) if failed else None,
            # Set-up errors: the promises the target broke that kept tests from making their data.
            "relied_on": sorted({t.relied_on for t in tests if t.relied_on}),
        }

    def requests(self, contracts: list[dict[str, Any]]) -> dict[str, int]:
        """The requests the run sent: its contracts' and the run's own outside any contract (the
        pre-flight, the clean-up), and the total."""
        in_contracts = sum(contract["requests"] for contract in contracts)
        run = self.session.run_requests() + self.other_requests
        return {"contracts": in_contracts, "run": run, "total": in_contracts + run}

    def reproduction(self, contract: str, failed: list[TestResult]) -> str:
        """The command that replays the contract with this run's options and seed, then each
        failed test's report."""
        words = ["zdevents-conformance"]
        for name, setting in self.config.settings.items():
            if name in _NOT_REPLAYED or setting.source == "default":
                continue
            values = setting.value if isinstance(setting.value, tuple) else (setting.value,)
            for value in values:
                words.extend([flag(name)] if value is True else [flag(name), str(value)])
        words += [flag("contract"), contract, flag("seed"), str(self.session.seed)]
        lines = [shlex.join(words) + "   (credentials as in the original run)"]
        for test in failed:
            lines += ["", f"{test.nodeid}:", test.failure or ""]
        return "\n".join(lines)

    def as_dict(self, exit_status: int) -> dict[str, Any]:
        """The JSON report; :func:`pytest_zdevents.reporting.html.render` draws the HTML matrix from it."""
        finished = datetime.datetime.now(datetime.UTC)
        contracts = self.contracts()
        totals = dict.fromkeys(OUTCOMES, 0)
        for contract in contracts:
            totals[contract["outcome"]] += 1
        return {
            "suite": {
                "name": "pytest-zdevents",
                "version": __version__,
                "spec_version": str(load_spec()["info"]["version"]),
                # The view of the spec the schema contract held the target to (spec_view.py).
                "spec_view": self.config.spec_view,
            },
            "implementation": self.session.capabilities.implementation or None,
            "target": target_summary(self.config),
            "options": self.config.effective(),
            "capabilities": {
                "file": self.session.capabilities.file,
                "declared": self.session.capabilities.declared,
            },
            "seed": self.session.seed,
            "started_at": self.started.isoformat(timespec="seconds"),
            "finished_at": finished.isoformat(timespec="seconds"),
            "duration": round((finished - self.started).total_seconds(), 3),
            "exit_status": exit_status,
            "totals": totals,
            "areas": by_area(contracts),
            "requests": self.requests(contracts),
            "deviation_problems": self.problems,
            "contracts": contracts,
        }


def by_area(contracts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each area's count of contracts per outcome, and the requests its contracts sent, areas in
    catalogue order."""
    counts = {area: {"area": area, **dict.fromkeys(OUTCOMES, 0), "requests": 0} for area in areas()}
    for contract in contracts:
        row = counts.setdefault(
            contract["area"], {"area": contract["area"], **dict.fromkeys(OUTCOMES, 0), "requests": 0}
        )
        row[contract["outcome"]] += 1
        row["requests"] += contract.get("requests", 0)
    return list(counts.values())


def target_summary(config: ZdConfig) -> dict[str, Any]:
    """The target as a report shows it: its URL and which credentials were given, all masked."""
    return {
        "url": config.url or "embedded emulator (in-process)",
        "embedded": config.url is None,
        "email": config.email,
        "credentials": {
            option.name: (MASK if config.settings[option.name].value else None)
            for option in OPTIONS
            if option.secret
        },
    }
