"""Reading the conformance suite: its catalogue, the contract IDs in its code, and its runs."""

from __future__ import annotations

import ast
from collections import defaultdict
from functools import cache
from pathlib import Path
from typing import Any

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
    """Run the suite in-process; each contract ID's outcomes ("passed", "failed", "skipped")."""
    result = pytester.inline_run(str(CONTRACTS), "-p", "no:cacheprovider", "-q", *args)
    outcomes: dict[str, set[str]] = defaultdict(set)
    for report in result.getreports("pytest_runtest_logreport"):
        contract = dict(report.user_properties).get("contract")
        if contract is None:
            continue
        if report.failed or report.skipped or report.when == "call":
            outcomes[contract].add(report.outcome)
    return dict(outcomes)
