"""The pytest plugin: options, markers, the report header, the budget stop and the clean-up
report. Fixtures live in :mod:`pytest_zdevents.fixtures`; the logic in modules named for it."""

from __future__ import annotations

from collections.abc import Generator

import pytest

from .client import BudgetExhausted, RequestBudget
from .fixtures import (  # noqa: F401 - imported so that pytest finds the fixtures
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
    config.stash[zd_config_key] = zd
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


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    try:
        return (yield)
    except BudgetExhausted as exc:
        pytest.exit(str(exc), returncode=pytest.ExitCode.INTERRUPTED)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    for line in config.stash.get(cleanup_report_key, []):
        terminalreporter.write_line(line)
