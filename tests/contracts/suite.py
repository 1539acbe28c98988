"""Reading the conformance suite: its catalogue, the contract IDs in its code, and its runs."""

from __future__ import annotations

import ast
import json
import re
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS = ROOT / "contracts"
RUNNER = Path(__file__).resolve().parent / "runner.py"


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


def contract_files(contracts: Iterable[str]) -> list[str]:
    """The files that hold ``contracts``, as the catalogue's ``file`` fields name them: a run given
    them instead of the directory collects no other module (the schema contract's module builds
    its operations while it is imported, seconds of work)."""
    return sorted({str(ROOT / entries()[contract]["file"]) for contract in contracts})


def outcomes_of(junit: Path) -> dict[str, set[str]]:
    """Each contract ID's outcomes ("passed", "failed", "skipped") in a JUnit report, where every
    test carries its contract ID."""
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


def run_contracts(pytester: pytest.Pytester, *args: str) -> dict[str, set[str]]:
    """Run the suite in a subprocess, as a user would; each contract ID's outcomes.

    Not in-process: the inner run would import contracts/test_auth.py under the name of
    tests/emulator/test_auth.py, and drop modules it imported, which a later import duplicates.
    """
    junit = pytester.path / "contracts.xml"
    pytester.runpytest_subprocess(str(CONTRACTS), "-p", "no:cacheprovider", f"--junitxml={junit}", *args)
    return outcomes_of(junit)


@dataclass(frozen=True)
class Run:
    """One run of a batch: its exit code, each contract ID's outcomes, and the batch's output."""

    ret: int
    outcomes: dict[str, set[str]]
    output: str


def run_batch(
    pytester: pytest.Pytester, runs: dict[str, list[str]], *, stop_at_first_failure: bool = False
) -> dict[str, Run]:
    """Run the suite once for each of ``runs`` (name -> pytest arguments: the paths to collect
    first, then options), all in one fresh interpreter (runner.py): the start-up and imports are
    paid once, not once a run. Each run still imports the suite's modules afresh.

    ``stop_at_first_failure``: once a test of a contract fails, the contract's other tests are
    skipped; enough where a run only has to show which contracts fail."""
    plan = []
    for number, args in enumerate(runs.values()):
        junit = pytester.path / f"run-{number}.xml"
        plan.append(
            {
                "junit": str(junit),
                "args": [*args, "-p", "no:cacheprovider", "-q"],
                "stop_at_first_failure": stop_at_first_failure,
            }
        )
    plan_path = pytester.path / "plan.json"
    plan_path.write_text(json.dumps(plan))
    result = pytester.run(sys.executable, str(RUNNER), str(plan_path))
    output = result.stdout.str()
    assert result.ret == 0, (output + result.stderr.str())[-3000:]
    codes = [int(code) for code in Path(f"{plan_path}.codes").read_text().split()]
    # The runner starts each run's output with a line of its own.
    outputs = re.split(r"^=== zdevents batch run \d+ ===$", output, flags=re.MULTILINE)[1:]
    assert len(codes) == len(outputs) == len(plan), (output + result.stderr.str())[-3000:]
    return {
        name: Run(code, outcomes_of(Path(entry["junit"])), text)
        for name, code, entry, text in zip(runs, codes, plan, outputs, strict=True)
    }


#: The credentials of the served emulators the suite is run against by URL.
URL_EMAIL, URL_TOKEN = "e@example.com", "remote-run-token"


def run_against(pytester: pytest.Pytester, emulator: Any, *args: str, paths: list[str] | None = None) -> Any:
    """Run the suite (``paths``, else all of it) in a subprocess against ``emulator`` served on
    loopback, with :data:`URL_EMAIL` and :data:`URL_TOKEN`, which ``emulator`` must accept."""
    with emulator.serve() as served:
        return pytester.runpytest_subprocess(
            *(paths or [str(CONTRACTS)]),
            "-p",
            "no:cacheprovider",
            f"--zd-url={served.url}",
            f"--zd-email={URL_EMAIL}",
            f"--zd-token={URL_TOKEN}",
            *args,
        )
