"""The installable suite, end to end, as a vendor meets it.

The built wheel goes into a fresh virtualenv; with no checkout in sight, ``zdevents-emulator``
serves with a quirk and a canary token, and ``zdevents-conformance`` collects the whole suite and
runs the contracts the quirks break against it. The JSON report, the HTML matrix and the JUnit
file name the failing contracts, the terminal names tests ``contracts/test_*.py::...``, and no
output of the run, from either process, holds the canary.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import venv
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import pytest

from pytest_zdevents.spec.catalogue import load_catalogue

ROOT = Path(__file__).resolve().parents[1]
CANARY = "CANARY-7d41e0"
EMAIL = "vendor@example.com"
# auth_ignored fails contracts that handle credentials; user_id_as_number fails the schema
# contract too, whose failure carries schemathesis' reproduction of the request.
QUIRKS = ("auth_ignored", "user_id_as_number")
FAILING = {c.id for c in load_catalogue().values() if set(QUIRKS) & set(c.quirks) and not c.requires}

pytestmark = pytest.mark.slow


def clean_environment() -> dict[str, str]:
    """The environment without anything that points into this checkout or this virtualenv."""
    drop = ("PYTHONPATH", "VIRTUAL_ENV", "PYTEST_ADDOPTS", "PYTEST_PLUGINS")
    return {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("ZDEVENTS_")}


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin directory of a fresh virtualenv with the built wheel installed."""
    dist, env = tmp_path_factory.mktemp("dist"), tmp_path_factory.mktemp("venv")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(dist), str(ROOT)],
        check=True,
        timeout=600,
    )
    (wheel,) = dist.glob("pytest_zdevents-*.whl")
    venv.create(env, with_pip=True)
    bin_dir = env / "bin"
    subprocess.run(
        [bin_dir / "python", "-m", "pip", "install", "--quiet", str(wheel)], check=True, timeout=900
    )
    return bin_dir


@pytest.fixture(scope="module")
def server(installed: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """``zdevents-emulator --quirk ... --token CANARY`` from the virtualenv; its URL and the
    directory holding its output."""
    logs = tmp_path_factory.mktemp("server")
    command = [
        installed / "zdevents-emulator",
        "--port",
        "0",
        *(word for quirk in QUIRKS for word in ("--quirk", quirk)),
        "--email",
        EMAIL,
        "--token",
        CANARY,
    ]
    with (logs / "stderr").open("w") as stderr:
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=stderr, text=True, env=clean_environment()
        )
        assert process.stdout is not None
        first = process.stdout.readline()
        url = first.rsplit(" ", 1)[-1].strip()
        assert url.startswith("http://127.0.0.1:"), f"the emulator did not start: {first!r}"
        try:
            yield url, logs
        finally:
            process.terminate()
            rest, _ = process.communicate(timeout=30)
            (logs / "stdout").write_text(first + rest)


def test_the_installed_suite_reports_failures_and_no_secret(
    installed: Path, server: tuple[str, Path], tmp_path: Path
) -> None:
    url, logs = server
    where = subprocess.run(
        [installed / "python", "-c", "import pytest_zdevents; print(pytest_zdevents.__file__)"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=clean_environment(),
        check=True,
    ).stdout
    assert str(installed.parent) in where, f"pytest_zdevents must come from the wheel, not {where}"
    command = [
        installed / "zdevents-conformance",
        f"--zd-url={url}",
        f"--zd-email={EMAIL}",
        f"--zd-token={CANARY}",
        "--zd-report=out/report.json",
        "--zd-html=out/matrix.html",
        "--junitxml=out/junit.xml",
        # Every module is collected, so the whole installed suite must import; only the contracts
        # the quirks break run, which is what the reports and the secret scan need.
        *(word for contract in sorted(FAILING) for word in ("--zd-contract", contract)),
        # Everything pytest can print, so that a secret anywhere would show.
        "--showlocals",
        "-rA",
        "--log-level=DEBUG",
    ]
    run = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, env=clean_environment(), timeout=600
    )
    assert run.returncode == 1, f"a quirky target fails the suite: {run.stdout[-3000:]}{run.stderr[-2000:]}"

    report = json.loads((tmp_path / "out/report.json").read_text())
    failed = {c["id"] for c in report["contracts"] if c["outcome"] == "failed"}
    assert failed >= FAILING, f"the JSON report names {sorted(failed)}; {QUIRKS} break {sorted(FAILING)}"
    assert "schema.operations.conform" in FAILING
    matrix = (tmp_path / "out/matrix.html").read_text()
    assert all(f'id="{contract}"' in matrix for contract in FAILING), "the HTML matrix has each contract"
    junit_failed = {
        p.get("value")
        for case in ElementTree.parse(tmp_path / "out/junit.xml").iter("testcase")
        if case.find("failure") is not None
        for p in case.iter("property")
        if p.get("name") == "contract"
    }
    assert junit_failed >= FAILING, f"JUnit failures name {sorted(junit_failed)}"
    for contract in FAILING:
        assert f"FAILED contract {contract}: " in run.stdout
    # The package lives in the virtualenv's site-packages, the run in another directory: the
    # terminal still names tests as in a checkout.
    lines = run.stdout.splitlines()
    outcomes = [line.split(" ", 1)[1] for line in lines if re.match(r"(PASSED|FAILED|ERROR) \S+::", line)]
    progress = [line for line in lines if re.search(r"\[ *\d+%\]$", line)]
    assert outcomes and progress, run.stdout[-3000:]
    named = [text for text in outcomes + progress if not text.startswith("contracts/test_")]
    assert not named, f"node IDs read contracts/test_*.py::..., not {named[:3]}"

    outputs = {"conformance stdout": run.stdout, "conformance stderr": run.stderr}
    for directory in (tmp_path, logs):
        for path in directory.rglob("*"):
            if path.is_file():
                outputs[str(path)] = path.read_text(errors="replace")
    leaked = sorted(name for name, text in outputs.items() if CANARY in text)
    assert not leaked, f"the canary token appears in {leaked}"
    assert len(outputs) >= 7, f"every output was searched: {sorted(outputs)}"
