"""The pytest plugin: options, markers, the report header, the budget stop and the clean-up
report. Fixtures live in :mod:`pytest_zdevents.fixtures`; the logic in modules named for it."""

from __future__ import annotations

import fnmatch
from collections.abc import Generator

import pytest

from .client import BudgetExhausted, RequestBudget
from .emulator.switches import QUIRKS, VARIATIONS, unknown_names
from .fixtures import (  # noqa: F401 - imported so that pytest finds the fixtures
    _session,
    _zd_served_emulator,
    budget_key,
    cleanup_report_key,
    zd_client,
    zd_config,
    zd_config_key,
    zd_created,
    zd_emulator,
    zd_eventually,
    zd_namespace,
    zd_target,
    zd_track,
)
from .options import add_options, resolve, unknown_environment

EMULATOR_ONLY = ("emulator_quirk", "emulator_variation", "emulator_lag")


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "contract(id): a conformance contract with a stable ID listed in contracts/catalogue.yaml.",
    )
    zd = resolve(config)
    if zd.url is not None:
        given = [n for n in EMULATOR_ONLY if zd.settings[n].source != "default"]
        if given:
            flags = ", ".join("--zd-" + n.replace("_", "-") for n in given)
            raise pytest.UsageError(
                f"{flags} apply only to the embedded emulator, and --zd-url names another target. "
                "Drop one or the other."
            )
    for kind, names, known in (
        ("--zd-emulator-quirk", zd.emulator_quirk, QUIRKS),
        ("--zd-emulator-variation", zd.emulator_variation, VARIATIONS),
    ):
        unknown = unknown_names(names, known)
        if unknown:
            raise pytest.UsageError(
                f"{kind}: unknown name {', '.join(unknown)}. Known names: {', '.join(sorted(known))}."
            )
    config.stash[zd_config_key] = zd
    _session["config"] = zd
    config.pluginmanager.register(FailedContracts(), "zdevents-failed-contracts")
    config.stash[budget_key] = RequestBudget(zd.request_budget)


def pytest_report_header(config: pytest.Config) -> list[str]:
    zd = config.stash[zd_config_key]
    target = zd.url or "the embedded emulator (in-process)"
    lines = [f"zdevents: target {target}", *zd.header_lines()]
    unknown = unknown_environment()
    if unknown:
        lines.append(
            f"zdevents: WARNING: unknown environment variables {', '.join(unknown)}; "
            "no option reads them (a typo?)."
        )
    return lines


def contract_id(item: pytest.Item) -> str | None:
    """The ID of the contract ``item`` checks, from its ``contract`` marker."""
    marker = item.get_closest_marker("contract")
    return marker.args[0] if marker and marker.args else None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    patterns = config.stash[zd_config_key].contract
    if not patterns:
        return
    selected, deselected = [], []
    for item in items:
        wanted = any(fnmatch.fnmatchcase(contract_id(item) or "", p) for p in patterns)
        (selected if wanted else deselected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Every report of a contract carries its ID (JUnit shows it as a property)."""
    report = yield
    identifier = contract_id(item)
    if identifier is not None and ("contract", identifier) not in report.user_properties:
        report.user_properties.append(("contract", identifier))
    return report


def _stop_when_budget_spent() -> Generator[None, None, None]:
    try:
        return (yield)
    except BudgetExhausted as exc:
        pytest.exit(str(exc), returncode=pytest.ExitCode.INTERRUPTED)


# Setup and teardown too: session fixtures, clean-up included, send requests there.
@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, None, None]:
    return (yield from _stop_when_budget_spent())


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    return (yield from _stop_when_budget_spent())


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, None, None]:
    return (yield from _stop_when_budget_spent())


class FailedContracts:
    """Collects the IDs of failed contracts (from reports, so xdist workers' count too) and
    names them at the end of the run."""

    def __init__(self) -> None:
        self.ids: set[str] = set()

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        contract = dict(report.user_properties).get("contract")
        if contract is not None and report.failed:
            self.ids.add(contract)

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if self.ids:
            terminalreporter.section("zdevents: failed contracts")
            for contract in sorted(self.ids):
                terminalreporter.write_line(f"FAILED contract {contract}")


def pytest_sessionfinish(session: pytest.Session) -> None:
    """On an xdist worker, hand the clean-up report to the controller, which prints it."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["zdevents_cleanup"] = session.config.stash.get(cleanup_report_key, [])


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: object, error: object) -> None:
    """xdist: a worker finished; keep its clean-up report for the terminal summary."""
    lines = getattr(node, "workeroutput", {}).get("zdevents_cleanup", [])
    config = node.config  # type: ignore[attr-defined]
    config.stash[cleanup_report_key] = [*config.stash.get(cleanup_report_key, []), *lines]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    for line in config.stash.get(cleanup_report_key, []):
        terminalreporter.write_line(line)
