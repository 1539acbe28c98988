"""``--zd-compare-emulator``'s hooks: record every exchange of the run, learn the target's
credentials, replay at the end of each process (each xdist worker replays its own exchanges: its
contracts wrote and read their own data, in its own order) and hand the findings to the
controller, which merges them for the report (:mod:`pytest_zdevents.runtime.fidelity`)."""

from __future__ import annotations

import pytest

from pytest_zdevents.runtime.fidelity import Fidelity, merge
from pytest_zdevents.runtime.session import Session
from pytest_zdevents.runtime.target import Target

#: What a worker hands to the controller.
OUTPUT = "zdevents_fidelity"


def pytest_configure(config: pytest.Config) -> None:
    """After the plugin's own (tryfirst) configure, which makes the session."""
    zd = Session.of(config).config
    if not zd.compare_emulator:
        return
    fidelity = Fidelity()
    if zd.url is not None:
        fidelity.learn(
            Target(zd.url, zd.email, zd.token, zd.oauth_token, read_only_oauth_token=zd.read_only_oauth_token)
        )
    fidelity.start(config)
    Session.of(config).budget.recorder = fidelity.recorder


@pytest.fixture(scope="session", autouse=True)
def _zd_compare_emulator(request: pytest.FixtureRequest) -> None:
    """With --zd-compare-emulator: the target's credentials (the embedded emulator's are made for
    the run), which the replay's emulator takes."""
    fidelity = Fidelity.of(request.config)
    if fidelity is not None:
        fidelity.learn(request.getfixturevalue("zd_target"))


def pytest_sessionfinish(session: pytest.Session) -> None:
    fidelity = Fidelity.of(session.config)
    if fidelity is None:
        return
    fidelity.finish()
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput[OUTPUT] = fidelity.summary()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: object, error: object) -> None:
    fidelity = Fidelity.of(node.config)  # type: ignore[attr-defined]
    output = getattr(node, "workeroutput", {}).get(OUTPUT)
    if fidelity is not None and output is not None:
        fidelity.findings = merge(fidelity.findings, output["differences"])
        fidelity.exchanges += output["exchanges"]
