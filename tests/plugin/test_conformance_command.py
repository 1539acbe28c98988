"""``zdevents-conformance``: pytest on the packaged suite, with the suite's own configuration
whatever directory it runs in."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pytest_zdevents.conformance import CONFIG_FILENAME, arguments
from pytest_zdevents.spec.catalogue import contracts_dir


def test_arguments_pin_the_configuration_rootdir_and_cache(tmp_path: Path) -> None:
    args = arguments(["--zd-contract", "filters.*", "-x"], cwd=tmp_path)
    suite = contracts_dir()
    assert args[:2] == ["-c", str(suite / CONFIG_FILENAME)] and (suite / CONFIG_FILENAME).is_file()
    assert args[2:4] == ["--rootdir", str(suite.parent)], "node IDs read contracts/test_*.py::..."
    assert args[4:6] == ["-o", f"cache_dir={tmp_path / '.pytest_cache'}"], (
        "the cache stays where the user runs"
    )
    assert args[6:] == [str(suite), "--zd-contract", "filters.*", "-x"], "the user's arguments come last"


@pytest.mark.slow
def test_a_directory_with_its_own_pytest_settings_does_not_change_the_suite(tmp_path: Path) -> None:
    # A vendor's project whose addopts would break any run that read them.
    (tmp_path / "pytest.ini").write_text("[pytest]\naddopts = --no-such-option\n")
    command = Path(sys.executable).with_name("zdevents-conformance")
    assert command.is_file(), "zdevents-conformance is installed with the package"
    run = subprocess.run(
        [command, "--zd-contract", "filters.source.*", "--zd-report", "report.json", "-q"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    contract = next(
        c
        for c in json.loads((tmp_path / "report.json").read_text())["contracts"]
        if c["id"] == "filters.source.matches"
    )
    assert contract["outcome"] == "passed"
    assert all(t["nodeid"].startswith("contracts/test_filters.py::") for t in contract["tests"]), contract[
        "tests"
    ]
    assert (tmp_path / ".pytest_cache").is_dir(), "the cache is written in the working directory"
