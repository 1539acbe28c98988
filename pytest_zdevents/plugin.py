"""The pytest plugin: options, markers, the report header, contract selection and skips,
deviations, redaction of reports, the seed, the budget stop and the clean-up report. Fixtures live
in :mod:`pytest_zdevents.fixtures`; the logic in modules named for it."""

from __future__ import annotations

import random
import re
from collections.abc import Generator
from pathlib import Path

import pytest

from .capabilities import load_capabilities
from .catalogue import load_catalogue
from .client import BudgetExhausted, RequestBudget
from .deviations import Deviations, load_deviations
from .emulator.switches import QUIRKS, VARIATIONS, unknown_names
from .fixtures import (  # noqa: F401 - imported so that pytest finds the fixtures
    _session,
    _zd_served_emulator,
    budget_key,
    cleanup_report_key,
    session_capabilities,
    zd_client,
    zd_config,
    zd_config_key,
    zd_created,
    zd_emulator,
    zd_eventually,
    zd_namespace,
    zd_readable,
    zd_target,
    zd_track,
)
from .options import ZdConfig, add_options, resolve, unknown_environment
from .redaction import scrub
from .report import ConformanceReport, target_summary

EMULATOR_ONLY = ("emulator_quirk", "emulator_variation", "emulator_lag")
deviations_key = pytest.StashKey[Deviations]()
seed_key = pytest.StashKey[int]()
WRITES_MARKER = "zd_writes"


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
        "--zd-read-only skips it.",
    )
    zd = resolve(config)
    _check_usage(zd)
    capabilities = load_capabilities(_path(zd.capabilities))
    deviations = load_deviations(_path(zd.deviations))
    config.stash[zd_config_key] = zd
    config.stash[deviations_key] = deviations
    config.stash[seed_key] = seed = _seed(config, zd)
    config.option.hypothesis_seed = str(seed)
    _session.update(config=zd, capabilities=capabilities)
    config.stash[budget_key] = RequestBudget(zd.request_budget)
    if not hasattr(config, "workerinput"):
        report = ConformanceReport(zd, capabilities, deviations, seed, target_summary(zd))
        config.pluginmanager.register(report, "zdevents-report")


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


def _check_usage(zd: ZdConfig) -> None:
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
    node.workerinput["zdevents_seed"] = node.config.stash[seed_key]  # type: ignore[attr-defined]


def pytest_report_header(config: pytest.Config) -> list[str]:
    zd = config.stash[zd_config_key]
    target = zd.url or "the embedded emulator (in-process)"
    lines = [f"zdevents: target {target}", *zd.header_lines()]
    view = zd.spec_view
    lines.append(
        f"  schema contract: the {view} view of openapi.yaml"
        + (" (the emulator's own choices included)" if view == "full" else " (only what the docs promise)")
    )
    if zd.seed is None:
        seed = config.stash[seed_key]
        lines.append(f"  seed: {seed} (chosen for this run; replay with --zd-seed {seed})")
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


# tryfirst: the zd_writes marker must be there before -m deselects by it.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark what writes, skip what the run rules out (capabilities, --zd-read-only), mark known
    deviations as expected failures, and keep only the contracts --zd-contract selects."""
    zd = config.stash[zd_config_key]
    capabilities = session_capabilities()
    deviations = config.stash[deviations_key]
    catalogue = load_catalogue()
    for item in items:
        contract = contract_id(item)
        entry = catalogue.get(contract or "")
        if entry is None:
            continue
        writes = _writes(item, entry.writes, capabilities.read_only_data is not None)
        if writes:
            item.add_marker(WRITES_MARKER)
            if zd.read_only:
                item.add_marker(
                    pytest.mark.skip(
                        reason="--zd-read-only: this contract writes to the target, so it is skipped."
                    )
                )
        reason = capabilities.missing(entry.requires)
        if reason is not None:
            item.add_marker(pytest.mark.skip(reason=reason))
        deviation = deviations.mark(item, contract, strict=zd.strict)
        if deviation is not None:
            item.user_properties.append(("deviation", deviation.id))
    if not zd.contract:
        return
    selected, deselected = [], []
    for item in items:
        (selected if zd.selects(contract_id(item) or "") else deselected).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


#: A test of one operation (the schema contract's items) that only reads: ``[GET /path]``.
_READ_OPERATION = re.compile(r"\[(GET|HEAD) /[^\]]*\]$")


def _writes(item: pytest.Item, contract_writes: bool, data_named: bool) -> bool:
    """Whether this test writes to the target."""
    if "zd_readable" in getattr(item, "fixturenames", ()):
        # It reads the data the capabilities file names, or tracks its own when none is named.
        return not data_named
    if _READ_OPERATION.search(item.name):
        return False
    return contract_writes


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Every report of a contract carries its ID (JUnit shows it as a property); a failure names
    the seed that replays it; and no report keeps a secret, wherever pytest would print it."""
    report = yield
    identifier = contract_id(item)
    if identifier is not None and ("contract", identifier) not in report.user_properties:
        report.user_properties.append(("contract", identifier))
    if identifier is not None and report.failed:
        seed = item.config.stash[seed_key]
        report.sections.append(
            (
                "zdevents replay",
                f"Replay with --zd-contract {identifier} --zd-seed {seed} and the run's options.",
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


def pytest_sessionfinish(session: pytest.Session) -> None:
    """On an xdist worker, hand the clean-up report and the deviations its collection matched to
    the controller, which reports them."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["zdevents_cleanup"] = session.config.stash.get(cleanup_report_key, [])
        workeroutput["zdevents_matched"] = sorted(session.config.stash[deviations_key].matched)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: object, error: object) -> None:
    """xdist: a worker finished; keep what it hands over for the end of the run."""
    output = getattr(node, "workeroutput", {})
    config = node.config  # type: ignore[attr-defined]
    config.stash[cleanup_report_key] = [
        *config.stash.get(cleanup_report_key, []),
        *output.get("zdevents_cleanup", []),
    ]
    config.stash[deviations_key].matched.update(output.get("zdevents_matched", []))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    for line in config.stash.get(cleanup_report_key, []):
        terminalreporter.write_line(line)
