"""A pytest plugin for the mutation run (tools/mutation.py): selects tests by the node ids mutmut
recorded, schemathesis' among them.

mutmut runs each mutant with the node ids of the tests that reached its function. schemathesis'
items (``contracts/test_schema.py::test_...[GET /api/v2/...]``) cannot be named that way: pytest
finds no item with the suffix and stops with a usage error. This plugin hands pytest each
parametrized node id without its suffix and deselects, after collection, every item that was not
asked for, so that exactly the recorded tests run, in pytest's order.
"""

from __future__ import annotations

import pytest


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    wanted: set[str] = set()
    args: list[str] = []
    for arg in config.args:
        path, sep, name = arg.partition("::")
        if sep and "[" in name:
            wanted.add(arg)
            arg = f"{path}::{name.split('[', 1)[0]}"
        else:
            wanted.add(arg)
        if arg not in args:
            args.append(arg)
    config.args[:] = args
    config.stash[_WANTED] = wanted


_WANTED = pytest.StashKey[set[str]]()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    wanted = config.stash[_WANTED]
    if not any("[" in arg for arg in wanted):
        return
    keep = [item for item in items if _asked(item.nodeid, wanted)]
    dropped = [item for item in items if not _asked(item.nodeid, wanted)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


def _asked(nodeid: str, wanted: set[str]) -> bool:
    """Whether ``nodeid`` was asked for: itself, its function without parameters, or its file."""
    if nodeid in wanted or nodeid.split("[", 1)[0] in wanted:
        return True
    return any(nodeid.startswith((arg.rstrip("/") + "::", arg.rstrip("/") + "/")) for arg in wanted)
