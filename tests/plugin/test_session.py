"""The running session: one object per pytest run, in its stash, and the current one of the
process for code that runs at import (the schema contract)."""

from __future__ import annotations

import pytest

from pytest_zdevents.runtime.session import Session, current

pytest_plugins = ["pytester"]

INNER = """
from pytest_zdevents.runtime.session import Session, current

def test_inner(pytestconfig):
    assert current() is Session.of(pytestconfig)
    assert current().config.max_examples == 3
"""


def test_an_inner_run_has_its_own_session_and_leaves_the_outer_one_current(
    pytester: pytest.Pytester, pytestconfig: pytest.Config
) -> None:
    outer = current()
    assert outer is Session.of(pytestconfig)
    pytester.makepyfile(test_inner=INNER)
    pytester.runpytest_inprocess("--zd-max-examples", "3", "-p", "no:cacheprovider").assert_outcomes(passed=1)
    assert current() is outer
