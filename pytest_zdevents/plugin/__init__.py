"""The pytest plugin: options, markers, the report header, contract selection and skips,
deviations, redaction of reports, the seed, the budget stop and the clean-up report. Fixtures live
in :mod:`pytest_zdevents.plugin.fixtures`; the logic in modules named for it."""

from __future__ import annotations

import dataclasses
import logging
import random
from collections.abc import Generator
from pathlib import Path

import pytest

from pytest_zdevents.emulator.switches import QUIRKS, VARIATIONS, unknown_names
from pytest_zdevents.plugin.options import add_options, resolve, unknown_environment
from pytest_zdevents.plugin.selection import (
    WRITES_MARKER,
    check_patterns,
    collects_suite,
    contract_id,
    select,
)
from pytest_zdevents.reporting.collector import ConformanceReport
from pytest_zdevents.reporting.model import RunResults
from pytest_zdevents.runtime.capabilities import load_capabilities
from pytest_zdevents.runtime.cleanup import CleanupReport
from pytest_zdevents.runtime.client import RUN, BudgetExhausted, Pace, RequestBudget
from pytest_zdevents.runtime.config import OPTIONS, ZdConfig, flag
from pytest_zdevents.runtime.deviations import load_deviations
from pytest_zdevents.runtime.eventually import waited
from pytest_zdevents.runtime.preflight import preflight
from pytest_zdevents.runtime.rate import rate_line
from pytest_zdevents.runtime.redaction import MIN_FREE_TEXT, ScrubbingFilter, scrub, too_short
from pytest_zdevents.runtime.session import Session
from pytest_zdevents.runtime.tracking import SetupFailed

#: The fixtures and the command's hooks, registered with these hooks.
pytest_plugins = [
    "pytest_zdevents.plugin.fixtures",
    "pytest_zdevents.plugin.emulator",
    "pytest_zdevents.plugin.command",
    "pytest_zdevents.plugin.fidelity",
]

EMULATOR_ONLY = ("emulator_quirk", "emulator_variation", "emulator_lag")
#: The report attribute that carries the requests one phase of a test sent.
REQUESTS = "zdevents_requests"


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


# tryfirst: the seed must be set before hypothesis's own pytest_configure reads it.
@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "contract(id): a conformance contract with a stable ID listed in contracts/catalogue.yaml.",
    )
    config.addinivalue_line(
        "markers",
        f"{WRITES_MARKER}: the contract writes to the target (creates profiles and events); "
        f"{flag('read_only')} skips it.",
    )
    zd = resolve(config)
    _check_usage(zd)
    if collects_suite(config):
        check_patterns(zd)
    session = Session(
        config=zd,
        capabilities=load_capabilities(_path(zd.capabilities)),
        deviations=load_deviations(_path(zd.deviations)),
        seed=_seed(config, zd),
        budget=RequestBudget(zd.request_budget, _pace(config, zd)),
        collect_only=bool(config.option.collectonly),
    )
    session.start(config)
    config.option.hypothesis_seed = str(session.seed)
    if not hasattr(config, "workerinput"):
        config.pluginmanager.register(ConformanceReport(RunResults(session)), "zdevents-report")


# In pytest_sessionstart, not pytest_configure: --help and --markers configure too, and run nothing.
# tryfirst: before the header is printed and before xdist starts its workers.
@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    """Logs written as they come (``--log-cli-level``, ``--log-file``) are masked as reports are.
    Against --zd-url, once a run (not on xdist workers), check that the target answers and takes
    the credentials before any contract runs (:mod:`pytest_zdevents.runtime.preflight`)."""
    config, zd_session = session.config, Session.of(session.config)
    logging_plugin = config.pluginmanager.get_plugin("logging-plugin")
    for name in ("log_cli_handler", "log_file_handler", "caplog_handler", "report_handler"):
        handler = getattr(logging_plugin, name, None)
        if isinstance(handler, logging.Handler):
            handler.addFilter(ScrubbingFilter())
    listing = zd_session.collect_only or config.option.showfixtures or config.option.show_fixtures_per_test
    if zd_session.config.url is not None and not listing and not hasattr(config, "workerinput"):
        preflight(zd_session.config, zd_session.budget)


def pytest_unconfigure(config: pytest.Config) -> None:
    Session.end(config)


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


def _pace(config: pytest.Config, zd: ZdConfig) -> Pace | None:
    """``--zd-rate N``: this process's share of N requests a minute (N/W on each of W xdist workers)."""
    if zd.rate is None:
        return None
    workers = int(getattr(config, "workerinput", {}).get("workercount", 1))
    return Pace(zd.rate / workers)


def _check_usage(zd: ZdConfig) -> None:
    if zd.url is None and zd.rate is not None:
        raise pytest.UsageError(
            f"{flag('rate')} paces the requests sent to a target at {flag('url')}; the embedded "
            "emulator is in-process and has no rate limit to spare. Drop it, or give --zd-url."
        )
    if zd.url is not None:
        given = [n for n in EMULATOR_ONLY if zd.settings[n].source != "default"]
        if given:
            flags = ", ".join(flag(n) for n in given)
            raise pytest.UsageError(
                f"{flags} apply only to the embedded emulator, and --zd-url names another target. "
                "Drop one or the other."
            )
    for kind, names, known in (
        (flag("emulator_quirk"), zd.emulator_quirk, QUIRKS),
        (flag("emulator_variation"), zd.emulator_variation, VARIATIONS),
    ):
        unknown = unknown_names(names, known)
        if unknown:
            raise pytest.UsageError(
                f"{kind}: unknown name {', '.join(unknown)}. Known names: {', '.join(sorted(known))}."
            )


def _seed(config: pytest.Config, zd: ZdConfig) -> int:
    """The run's hypothesis seed: --zd-seed, else the controller's (xdist), else hypothesis's own
    --hypothesis-seed, else a fresh one, printed so that the run can be replayed."""
    if zd.seed is not None:
        return int(zd.seed)
    workerinput = getattr(config, "workerinput", {})
    if "zdevents_seed" in workerinput:
        return int(workerinput["zdevents_seed"])
    given = getattr(config.option, "hypothesis_seed", None)
    if given is not None and str(given).isdigit():
        return int(given)
    return random.SystemRandom().randrange(2**32)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: object) -> None:
    """xdist: every worker runs with the controller's seed."""
    node.workerinput["zdevents_seed"] = Session.of(node.config).seed  # type: ignore[attr-defined]


def pytest_report_header(config: pytest.Config) -> list[str]:
    session = Session.of(config)
    zd = session.config
    target = zd.url or "the embedded emulator (in-process)"
    lines = [f"zdevents: target {target}", *zd.header_lines()]
    view = zd.spec_view
    lines.append(
        f"  schema contract: the {view} view of openapi.yaml"
        + (" (the emulator's own choices included)" if view == "full" else " (only what the docs promise)")
    )
    if zd.rate is not None:
        lines.append(f"  {rate_line(zd.rate, None)}")
    if zd.seed is None:
        seed = session.seed
        lines.append(f"  seed: {seed} (chosen for this run; replay with {flag('seed')} {seed})")
    unknown = unknown_environment()
    if unknown:
        lines.append(
            f"zdevents: WARNING: unknown environment variables {', '.join(unknown)}; "
            "no option reads them (a typo?)."
        )
    return lines + _short_secret_warnings(zd)


def pytest_report_collectionfinish(config: pytest.Config, items: list[pytest.Item]) -> list[str]:
    """With --zd-rate, what the selected tests should take at that rate (not under xdist, whose
    controller collects nothing: there the header's figure for a whole run stands)."""
    rate = Session.of(config).config.rate
    return [f"zdevents: {rate_line(rate, len(items))}"] if rate is not None and items else []


def _short_secret_warnings(zd: ZdConfig) -> list[str]:
    """One line for each secret too short to mask inside longer words (runtime/redaction.py)."""
    lines = []
    for option in OPTIONS:
        value = zd.settings[option.name].value
        if option.secret and isinstance(value, str) and too_short(value):
            size = f"{len(value)} character{'' if len(value) == 1 else 's'}"
            lines.append(
                f"zdevents: WARNING: the {option.flag} is {size} long, too short to mask in free text "
                f"(under {MIN_FREE_TEXT}); it is masked in Authorization headers and as a whole word only. "
                "Give the target a longer one to keep it out of every output."
            )
    return lines


# tryfirst: the zd_writes marker must be there before -m deselects by it.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    select(config, Session.of(config), items)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Every report of a contract carries its ID (JUnit shows it as a property); a failure names
    the seed that replays it; and no report keeps a secret, wherever pytest would print it."""
    report = yield
    if report.failed and call.excinfo is not None and call.excinfo.errisinstance(SetupFailed):
        # Data the test needed could not be made: an error of its set-up, not its contract failing.
        report.when = "setup"
        # On the item too: JUnit writes a test's properties from its teardown report.
        for properties in (item.user_properties, report.user_properties):
            properties.append(("relied_on", call.excinfo.value.relied_on))
    # A check that stayed wrong: the test's line that waited and the check's assertion with its
    # message (the last observation), not the source of both functions in full.
    short = item.config.getoption("tbstyle", "auto") == "auto" and isinstance(item, pytest.Function)
    if report.failed and call.excinfo is not None and waited(call.excinfo.value) and short:
        report.longrepr = item._repr_failure_py(call.excinfo, style="short")  # type: ignore[union-attr]
    # The requests this phase sent: an attribute, which xdist hands to the controller's report
    # as it does every plain value of a report (not a user property: JUnit would show teardown's).
    setattr(report, REQUESTS, Session.of(item.config).budget.take(item.nodeid))
    identifier = contract_id(item)
    if identifier is not None and ("contract", identifier) not in report.user_properties:
        report.user_properties.append(("contract", identifier))
    if identifier is not None and report.failed:
        seed = Session.of(item.config).seed
        report.sections.append(
            (
                "zdevents replay",
                f"Replay with {flag('contract')} {identifier} {flag('seed')} {seed} and the run's options.",
            )
        )
    _scrub(report)
    return report


def _scrub(report: pytest.TestReport) -> None:
    if report.longrepr is not None and not isinstance(report.longrepr, tuple):
        text = report.longreprtext
        if scrub(text) != text:
            report.longrepr = scrub(text)
    report.sections = [(name, scrub(content)) for name, content in report.sections]


def _stop_when_budget_spent(item: pytest.Item) -> Generator[None, None, None]:
    """Run a phase of ``item``, its requests counted for it, and stop the run when the budget is spent."""
    try:
        with Session.of(item.config).budget.owner(item.nodeid):
            return (yield)
    except BudgetExhausted as exc:
        pytest.exit(str(exc), returncode=pytest.ExitCode.INTERRUPTED)


# Setup and teardown too: fixtures send requests there (the clean-up counts for the run: cleanup.py).
@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, None, None]:
    return (yield from _stop_when_budget_spent(item))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    return (yield from _stop_when_budget_spent(item))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, None, None]:
    return (yield from _stop_when_budget_spent(item))


def pytest_sessionfinish(session: pytest.Session) -> None:
    """On an xdist worker, hand the clean-up report, the deviations its collection matched and the
    requests it sent outside any test to the controller, which reports them."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        zd_session = Session.of(session.config)
        workeroutput["zdevents_cleanup"] = dataclasses.asdict(zd_session.cleanup)
        workeroutput["zdevents_matched"] = sorted(zd_session.deviations.matched)
        workeroutput["zdevents_run_requests"] = zd_session.budget.count(RUN)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: object, error: object) -> None:
    """xdist: a worker finished; keep what it hands over for the end of the run."""
    output = getattr(node, "workeroutput", {})
    session = Session.of(node.config)  # type: ignore[attr-defined]
    if "zdevents_cleanup" in output:
        session.cleanup.merge(CleanupReport(**output["zdevents_cleanup"]))
    session.deviations.matched.update(output.get("zdevents_matched", []))
    session.worker_run_requests += output.get("zdevents_run_requests", 0)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    for line in Session.of(config).cleanup.lines():
        terminalreporter.write_line(line)
