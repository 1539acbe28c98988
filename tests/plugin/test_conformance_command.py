"""``zdevents-conformance``: pytest on the packaged suite, with the suite's own configuration
whatever directory it runs in; its own --help and --version; --zd-list-contracts, from the command
and from pytest; and a --zd-contract pattern that selects nothing refused with the closest IDs."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from pytest_zdevents import __version__
from pytest_zdevents.conformance import CONFIG_FILENAME, arguments
from pytest_zdevents.plugin.selection import closest
from pytest_zdevents.spec import load_spec
from pytest_zdevents.spec.catalogue import contracts_dir, load_catalogue
from pytest_zdevents.spec.listing import contract_listing

#: The command as its entry point runs it, with this checkout's package.
COMMAND = [sys.executable, "-m", "pytest_zdevents.conformance"]


def command(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*COMMAND, *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_arguments_pin_the_configuration_rootdir_and_cache(tmp_path: Path) -> None:
    args = arguments(["--zd-contract", "filters.*", "-x"], cwd=tmp_path, environ={})
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


@pytest.mark.parametrize(
    ("argv", "addopts"),
    [(["-p", "no:cacheprovider"], ""), (["-pno:cacheprovider"], ""), ([], "-x -p no:cacheprovider")],
    ids=["flag", "joined", "PYTEST_ADDOPTS"],
)
def test_no_cache_option_without_the_cache_plugin(tmp_path: Path, argv: list[str], addopts: str) -> None:
    """pytest refuses ``-o cache_dir`` when the cache plugin is off (Unknown config option)."""
    args = arguments(argv, cwd=tmp_path, environ={"PYTEST_ADDOPTS": addopts})
    assert not any(arg.startswith("cache_dir=") for arg in args), args
    kept = arguments(["-p", "no:randomly"], cwd=tmp_path, environ={})
    assert f"cache_dir={tmp_path / '.pytest_cache'}" in kept, "another plugin off keeps the cache"


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_is_the_commands_own(tmp_path: Path, flag: str) -> None:
    run = command(tmp_path, "--zd-url", "http://127.0.0.1:9", flag)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].startswith("usage: zdevents-conformance "), lines[:3]
    for option in ("--zd-url", "--zd-email", "--zd-token", "--zd-oauth-token", "--zd-contract"):
        assert f"  {option} " in run.stdout, f"the usage explains {option}"
    assert "--zd-list-contracts" in run.stdout and "Examples:" in run.stdout
    assert lines[-1].strip() == "zdevents-conformance --help-pytest", "it ends pointing to pytest's help"
    assert "file_or_dir" not in run.stdout, "pytest's own help is not printed"
    assert len(lines) <= 50 and max(map(len, lines)) <= 100, "one screen"


def test_help_pytest_is_pytests_help_with_the_suites_options(tmp_path: Path) -> None:
    run = command(tmp_path, "--help-pytest")
    assert run.returncode == 0, run.stderr
    assert "file_or_dir" in run.stdout and "--zd-list-contracts" in run.stdout
    assert "ZDEVENTS_API_TOKEN" in run.stdout, "with each option's environment variable"


def test_version_names_the_command_suite_spec_and_engines(tmp_path: Path) -> None:
    run = command(tmp_path, "--version")
    assert run.returncode == 0, run.stderr
    expected = [
        f"zdevents-conformance {__version__}",
        f"{len(load_catalogue())} contracts",
        f"openapi.yaml {load_spec()['info']['version']}",
        f"pytest {metadata.version('pytest')}",
        f"schemathesis {metadata.version('schemathesis')}",
    ]
    for part in expected:
        assert part in run.stdout, f"{part!r} not in {run.stdout}"
    assert "test session starts" not in run.stdout


@pytest.mark.parametrize("how", ["command", "pytest"])
@pytest.mark.parametrize("form", ["text", "json"])
def test_list_contracts_prints_the_catalogue_and_runs_nothing(
    pytester: pytest.Pytester, how: str, form: str
) -> None:
    flag = "--zd-list-contracts" + ("=json" if form == "json" else "")
    if how == "command":
        run = command(pytester.path, flag)
        code, out = run.returncode, run.stdout
    else:
        result = pytester.runpytest_inprocess(str(contracts_dir()), flag)
        code, out = result.ret, result.stdout.str()
    assert code == 0, out
    assert "test session starts" not in out and "collected" not in out, "nothing is collected"
    catalogue = load_catalogue()
    if form == "json":
        listed = json.loads(out)["contracts"]
        assert [entry["id"] for entry in listed] == list(catalogue), "every contract, in catalogue order"
        for entry in listed:
            contract = catalogue[entry["id"]]
            assert (entry["area"], entry["must"], entry["source"]) == (
                contract.area,
                contract.must,
                contract.source,
            )
    else:
        assert out.strip() == contract_listing("text").strip(), "the command and pytest print the same"
        for contract in catalogue.values():
            assert f"\n  {contract.id}  (" in out, contract.id
        assert f"\n{contract.area} (" in out, "under its area"


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("filtrs.*", ["filters.*"]),
        ("Filters.*", ["filters.*"]),
        ("filters.sorce.matches", ["filters.source.matches"]),
        ("filters.source", ["filters.source.*"]),
        ("zzz", []),
    ],
)
def test_closest_names_the_nearest_ids_or_patterns(pattern: str, expected: list[str]) -> None:
    assert closest(pattern, list(load_catalogue())) == expected


@pytest.mark.slow
def test_a_pattern_that_matches_no_contract_is_a_usage_error(tmp_path: Path) -> None:
    run = command(tmp_path, "--zd-contract", "filters.source.*", "--zd-contract", "filtrs.*")
    assert run.returncode == pytest.ExitCode.USAGE_ERROR, run.stdout[-2000:]
    assert run.stderr.strip() == (
        "ERROR: --zd-contract 'filtrs.*' matches no contract. Did you mean 'filters.*'? "
        "--zd-list-contracts lists every contract ID; a pattern may use * and ?, e.g. 'filters.*'."
    )
    assert "test session starts" not in run.stdout, "refused before anything runs"


@pytest.mark.slow
def test_pytest_arguments_pass_through_and_node_ids_read_contracts(tmp_path: Path) -> None:
    """``-p no:cacheprovider`` runs; run from anywhere, the terminal names tests
    ``contracts/test_*.py::...``, not a path from the working directory to the package."""
    run = command(tmp_path, "-p", "no:cacheprovider", "--zd-contract", "filters.source.matches", "-rA")
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "Unknown config option" not in run.stdout + run.stderr
    lines = run.stdout.splitlines()
    assert any(line.startswith("contracts/test_filters.py .") for line in lines), run.stdout
    passed = [line for line in lines if line.startswith("PASSED ")]
    assert passed and all(line.startswith("PASSED contracts/test_filters.py::") for line in passed), passed
    assert not (tmp_path / ".pytest_cache").exists(), "no cache without the cache plugin"


def test_a_node_id_as_the_run_prints_it_selects_that_test(tmp_path: Path) -> None:
    suite = contracts_dir()
    node = "contracts/test_reads.py::test_walking_one_event_a_page_lists_each_event_once"
    args = arguments([node, "-x"], cwd=tmp_path, environ={})
    assert args[-2:] == [str(suite.parent / node), "-x"], args
    assert str(suite) not in args, "only that test, not the whole suite"
    # A file of the user's own at that path is theirs, and the suite runs as given.
    (tmp_path / "contracts").mkdir()
    (tmp_path / "contracts/test_reads.py").write_text("")
    assert arguments([node], cwd=tmp_path, environ={})[-2:] == [str(suite), node]
