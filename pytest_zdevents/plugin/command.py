"""What the plugin does for ``zdevents-conformance`` and for ``--zd-list-contracts``.

``--zd-list-contracts`` prints the catalogue's contracts and ends the run before anything is
collected, as ``--markers`` does.

A run with the suite's own configuration (``contracts/conformance.ini``, which
``zdevents-conformance`` passes) prints node IDs as pytest names them, relative to the root
directory: ``contracts/test_auth.py::...``, wherever the package is installed. pytest would print
them relative to the directory the command runs in, ``../venv/lib/.../contracts/...`` from a
virtualenv. The directory the run writes in (cache, JUnit, reports) stays the user's.
"""

from __future__ import annotations

import sys

import pytest

from pytest_zdevents.conformance import CONFIG_FILENAME
from pytest_zdevents.spec.catalogue import contracts_dir
from pytest_zdevents.spec.listing import contract_listing


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> int | None:
    form = config.getoption("zd_list_contracts", None)
    if form is None:
        return None
    sys.stdout.write(contract_listing(form))
    return 0


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    if not suite_configuration(config) or config.invocation_params.dir == config.rootpath:
        return
    # Node IDs are relative to the root directory already; pytest only re-bases them for display.
    config.cwd_relative_nodeid = lambda nodeid: nodeid  # type: ignore[method-assign]
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        # The progress lines (``contracts/test_auth.py ....``) and the skip summary.
        reporter.startpath = config.rootpath


def suite_configuration(config: pytest.Config) -> bool:
    """Whether the run uses the suite's own configuration file, as ``zdevents-conformance`` does."""
    ours = (contracts_dir() / CONFIG_FILENAME).resolve()
    return config.inipath is not None and config.inipath.resolve() == ours
