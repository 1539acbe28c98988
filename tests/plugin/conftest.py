"""Shared set-up for the plugin's tests: pytester, and no ``ZDEVENTS_*`` variable leaking in."""

from __future__ import annotations

import os

import pytest


def pytest_configure(config: pytest.Config) -> None:
    """Enable pytester. ``pytest_plugins = ["pytester"]`` would do the same, but pytest refuses
    it in a conftest below the rootdir when the whole ``tests/`` tree is collected."""
    if not config.pluginmanager.has_plugin("pytester"):
        config.pluginmanager.import_plugin("pytester")


@pytest.fixture(autouse=True)
def _clean_zdevents_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs see only the ``ZDEVENTS_*`` variables a test sets itself."""
    for name in list(os.environ):
        if name.startswith("ZDEVENTS_"):
            monkeypatch.delenv(name)
