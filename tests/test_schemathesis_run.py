"""The contract and the emulator agree: ``schemathesis run openapi.yaml --url <emulator>`` with
schemathesis' default checks finds no failure, and the same checks do find a deliberate bug."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pytest_zdevents.emulator import Emulator
from pytest_zdevents.spec import spec_path

EMAIL, TOKEN = "e@example.com", "t"

pytestmark = pytest.mark.slow


def schemathesis_run(url: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The schemathesis command, run from an empty directory so no schemathesis.toml applies."""
    command = Path(sys.executable).with_name("schemathesis")
    return subprocess.run(
        [
            str(command),
            "run",
            str(spec_path()),
            "--url",
            url,
            "--auth",
            f"{EMAIL}/token:{TOKEN}",
            "--seed",
            "1",
            "--no-color",
            *args,
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=600,
    )


def test_default_checks_find_no_failure(tmp_path: Path) -> None:
    """schemathesis defaults throughout: every phase (examples, coverage, fuzzing, stateful),
    every default check; 15 examples an operation rather than 100, half a minute rather than two and
    a half, the coverage phase's boundary and invalid cases unchanged."""
    with Emulator(email=EMAIL, token=TOKEN).serve() as served:
        result = schemathesis_run(served.url, tmp_path, "--max-examples", "15")
    assert result.returncode == 0, result.stdout[-5000:]
    assert "No issues found" in result.stdout


@pytest.mark.parametrize(
    ("quirk", "finding"),
    [
        ("track_returns_200", "Undocumented status code"),
        ("user_id_as_number", "Response violates schema"),
    ],
)
def test_default_checks_catch_a_misbehaving_server(tmp_path: Path, quirk: str, finding: str) -> None:
    """The run above can fail: with a quirk on, the same command reports it."""
    with Emulator(email=EMAIL, token=TOKEN, quirks=[quirk]).serve() as served:
        result = schemathesis_run(served.url, tmp_path, "--phases", "examples")
    assert result.returncode == 1, result.stdout[-5000:]
    assert finding in result.stdout
