"""Reading the conformance suite: its catalogue, the contract IDs in its code, and its runs."""

from __future__ import annotations

import ast
from collections import defaultdict
from functools import cache
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS = ROOT / "contracts"


@cache
def catalogue() -> dict[str, Any]:
    return yaml.safe_load((CONTRACTS / "catalogue.yaml").read_text())


def entries() -> dict[str, dict[str, Any]]:
    return {entry["id"]: entry for entry in catalogue()["contracts"]}


def quirk_map() -> dict[str, list[str]]:
    """Quirk -> the contracts it must make fail."""
    proven: dict[str, list[str]] = defaultdict(list)
    for entry in catalogue()["contracts"]:
        for quirk in entry["quirks"]:
            proven[quirk].append(entry["id"])
    return dict(proven)


def marked_tests() -> list[tuple[str, str, str, str | None]]:
    """(contract id, file, test name, docstring) for every @pytest.mark.contract in contracts/."""
    found = []
    for path in sorted(CONTRACTS.glob("test_*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for decorator in node.decorator_list:
                if (
                    isinstance(decorator, ast.Call)
                    and ast.unparse(decorator.func) == "pytest.mark.contract"
                    and decorator.args
                    and isinstance(decorator.args[0], ast.Constant)
                ):
                    relative = str(path.relative_to(ROOT))
                    found.append((decorator.args[0].value, relative, node.name, ast.get_docstring(node)))
    return found


def run_contracts(pytester: pytest.Pytester, *args: str) -> dict[str, set[str]]:
    """Run the suite in a subprocess, as a user would; each contract ID's outcomes ("passed",
    "failed", "skipped"), read from the JUnit report, where every test carries its contract ID.

    Not in-process: the inner run would import contracts/test_auth.py under the name of
    tests/emulator/test_auth.py, and drop modules it imported, which a later import duplicates.
    """
    junit = pytester.path / "contracts.xml"
    pytester.runpytest_subprocess(str(CONTRACTS), "-p", "no:cacheprovider", f"--junitxml={junit}", *args)
    outcomes: dict[str, set[str]] = defaultdict(set)
    for case in ElementTree.parse(junit).iter("testcase"):
        properties = {p.get("name"): p.get("value") for p in case.iter("property")}
        if "contract" not in properties:
            continue
        if case.find("failure") is not None or case.find("error") is not None:
            outcome = "failed"
        elif case.find("skipped") is not None:
            outcome = "skipped"
        else:
            outcome = "passed"
        outcomes[properties["contract"]].add(outcome)
    return dict(outcomes)
