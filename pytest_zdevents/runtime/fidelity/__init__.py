"""``--zd-compare-emulator``: where the target and this kit's emulator differ, learnt in one run.

Every exchange of the run is recorded (:mod:`.recording`, through the client's
``RequestBudget.recorder``); at the end of the run (of each xdist worker) they are replayed in
order against a fresh embedded emulator with the target's credentials, ids, cursors and
timestamps mapped (:mod:`.mapping`), and the answers compared (:mod:`.compare`, :mod:`.replay`).
docs/suite.md says what is and is not reported, and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from pytest_zdevents.runtime.fidelity.recording import Recorder
from pytest_zdevents.runtime.fidelity.replay import merge, replay
from pytest_zdevents.runtime.target import Target

__all__ = ["Fidelity", "Recorder", "merge", "replay"]


@dataclass
class Fidelity:
    """The mode's state in one process: what it recorded, the target's credentials (for the
    replay emulator), and the findings: this process's, or the whole run's on the xdist controller."""

    recorder: Recorder = field(default_factory=Recorder)
    credentials: dict[str, Any] = field(default_factory=dict, repr=False)
    secrets: tuple[str, ...] = field(default=(), repr=False)
    findings: list[dict[str, Any]] = field(default_factory=list)
    #: How many exchanges were replayed (every process's, on the controller).
    exchanges: int = 0

    def learn(self, target: Target) -> None:
        """Take ``target``'s credentials for the replay's emulator, and its secrets to mask."""
        self.credentials = {
            "email": target.email,
            "token": target.token,
            "oauth_tokens": [t for t in (target.oauth_token,) if t],
            "read_only_oauth_tokens": [t for t in (target.read_only_oauth_token,) if t],
        }
        self.secrets = target.secrets

    def finish(self) -> None:
        """Replay what this process recorded."""
        exchanges = self.recorder.exchanges
        self.findings = merge(self.findings, replay(exchanges, self.credentials, self.secrets))
        self.exchanges += len(exchanges)

    def summary(self) -> dict[str, Any]:
        """The report's ``fidelity`` key."""
        return {"exchanges": self.exchanges, "differences": self.findings}

    @staticmethod
    def of(config: pytest.Config) -> Fidelity | None:
        return config.stash.get(_KEY, None)

    def start(self, config: pytest.Config) -> None:
        config.stash[_KEY] = self


_KEY = pytest.StashKey[Fidelity]()
