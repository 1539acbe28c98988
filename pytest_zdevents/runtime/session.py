"""The running session: its options, the target's capabilities, the expected deviations, the seed,
the request budget and the clean-up report, in one object the plugin keeps in the pytest stash.

Code that runs while a module is imported (schemathesis builds its test items then, before any
fixture exists) reaches it through :func:`current`.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

import pytest

from pytest_zdevents.runtime.capabilities import Capabilities
from pytest_zdevents.runtime.cleanup import CleanupReport
from pytest_zdevents.runtime.client import RUN, RequestBudget
from pytest_zdevents.runtime.config import ZdConfig
from pytest_zdevents.runtime.deviations import Deviations
from pytest_zdevents.spec import load_view


@dataclass
class Session:
    config: ZdConfig
    capabilities: Capabilities
    deviations: Deviations
    #: The hypothesis seed of the run, printed so that it can be replayed.
    seed: int
    #: Shared by every client of this process: the run stops cleanly when it is spent.
    budget: RequestBudget
    #: ``--collect-only``: no test runs, so nothing need be built for one.
    collect_only: bool = False
    #: What clean-up deleted, and what it could not: this process's, or the whole run's on the
    #: xdist controller.
    cleanup: CleanupReport = field(default_factory=CleanupReport)
    #: What tests of this run and process share instead of making again: timelines tracked once
    #: (:meth:`~pytest_zdevents.runtime.kit.Kit.shared_timeline`), by key.
    shared: dict[Hashable, Any] = field(default_factory=dict)
    #: On the xdist controller: the requests its workers sent outside any test (the clean-up).
    worker_run_requests: int = 0

    def run_requests(self) -> int:
        """Requests sent outside any test: this process's (pre-flight, clean-up) and its workers'."""
        return self.budget.count(RUN) + self.worker_run_requests

    def spec(self) -> dict[str, Any]:
        """The view of ``openapi.yaml`` the schema contract holds this run's target to."""
        return load_view(self.config.spec_view)

    @classmethod
    def of(cls, config: pytest.Config) -> Session:
        return config.stash[_KEY]

    def start(self, config: pytest.Config) -> None:
        """Keep this session in ``config``'s stash, and as the current one of this process."""
        config.stash[_KEY] = self
        _running.append(self)

    @staticmethod
    def end(config: pytest.Config) -> None:
        """The session of ``config`` is over: the one it interrupted (pytester runs pytest
        inside pytest) is the current one again."""
        session = config.stash.get(_KEY, None)
        _running[:] = [running for running in _running if running is not session]


_KEY = pytest.StashKey[Session]()
#: The sessions of this process, innermost last.
_running: list[Session] = []


def current() -> Session:
    """The session of the pytest run this process is in."""
    if not _running:
        raise RuntimeError(
            "No pytest-zdevents session is running: the contracts run under pytest with the "
            "pytest-zdevents plugin (run `pytest contracts`)."
        )
    return _running[-1]
