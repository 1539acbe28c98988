"""Reproducibility: a run prints its hypothesis seed, failures name it, and ``--zd-seed`` replays
the same examples. Subprocess runs: hypothesis keeps the forced seed in a module global."""

from __future__ import annotations

import pytest

DRAWS = """
from hypothesis import given, settings, strategies as st


# derandomize=False: hypothesis's CI profile derandomizes, which would make every seed draw alike.
@settings(max_examples=5, database=None, derandomize=False)
@given(st.integers())
def test_draws(x):
    with open("draws.txt", "a") as f:
        f.write(f"{x}\\n")
"""

FAILS = """
import pytest
from hypothesis import given, settings, strategies as st


@pytest.mark.contract("properties.values.round_trip")
@settings(max_examples=5, database=None)
@given(st.integers())
def test_fails(x):
    assert False
"""


def draws(pytester: pytest.Pytester, *args: str) -> tuple[list[str], pytest.RunResult]:
    path = pytester.path / "draws.txt"
    path.unlink(missing_ok=True)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", *args)
    assert result.ret == 0, result.stdout.str()
    return path.read_text().split(), result


@pytest.mark.slow
def test_the_same_seed_replays_the_same_examples(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_draws=DRAWS)
    first, result = draws(pytester, "--zd-seed=7")
    again, _ = draws(pytester, "--zd-seed=7")
    other, _ = draws(pytester, "--zd-seed=8")
    assert first == again, "--zd-seed 7 twice must draw the same examples"
    assert first != other, "another seed must draw other examples"
    result.stdout.fnmatch_lines(["*seed: 7 (from --zd-seed)*"])


@pytest.mark.slow
def test_xdist_workers_use_the_controllers_seed(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_draws=DRAWS)
    alone, _ = draws(pytester, "--zd-seed=7")
    distributed, _ = draws(pytester, "--zd-seed=7", "-n", "2")
    assert distributed == alone, "a worker must draw what a single process draws with the same seed"
    chosen, result = draws(pytester, "-n", "2")
    line = next(line for line in result.outlines if "replay with --zd-seed" in line)
    seed = line.split("--zd-seed ")[1].rstrip(")")
    replayed, _ = draws(pytester, f"--zd-seed={seed}")
    assert replayed == chosen, "the seed the controller chose and printed is the one workers used"


@pytest.mark.slow
def test_a_failing_contract_names_its_seed(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_fails=FAILS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--zd-seed=99")
    assert result.ret == 1
    result.stdout.fnmatch_lines(
        [
            "*zdevents replay*",
            "Replay with --zd-contract properties.values.round_trip --zd-seed 99 and the run's options.",
        ]
    )
