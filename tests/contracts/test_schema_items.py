"""schemathesis' per-operation items keep their ``[METHOD /path]`` ids.

schemathesis 4.32.5 on pytest 9.2 loses them (every item is then ``test_x``, so ``--lf``,
``--deselect`` and JUnit names break); pyproject pins ``pytest<9.2``. This fails if that happens.
"""

from __future__ import annotations

import pytest
import yaml
from suite import CONTRACTS

from pytest_zdevents.spec import spec_path

pytest_plugins = ["pytester"]

pytestmark = pytest.mark.slow


def test_each_operation_is_its_own_item(pytester: pytest.Pytester) -> None:
    spec = yaml.safe_load(spec_path().read_text())
    expected = {
        f"[{method.upper()} {path}]"
        for path, item in spec["paths"].items()
        for method in item
        if method in {"get", "put", "post", "patch", "delete"}
    }
    result = pytester.runpytest_subprocess(
        str(CONTRACTS / "test_schema.py"), "-p", "no:cacheprovider", "--collect-only", "-q"
    )
    nodeids = [line for line in result.outlines if "::" in line]
    suffixes = {nodeid[nodeid.index("[") :] for nodeid in nodeids if "[" in nodeid}
    assert suffixes == expected
    assert len(expected) == 15
