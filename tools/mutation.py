"""Mutation testing of the emulator's behaviour modules against the conformance suite (mutmut 3).

mutmut is configured in pyproject.toml (``[tool.mutmut]``): which modules are mutated, the suite
(``contracts/``) as the tests, a fixed hypothesis seed. mutmut itself runs every mutant or a list
of names; it cannot draw a sample. This script adds that, and the report:

    python tools/mutation.py list                       # generate the mutants, count them by module
    python tools/mutation.py run --size 400 --seed 1    # a seeded, stratified sample; then report
    python tools/mutation.py run NAME [NAME ...]        # exactly these mutants (globs as mutmut's)
    python tools/mutation.py run --all                  # every mutant (hours on one core)
    python tools/mutation.py report [--survivors FILE]  # the last run's ratios and survivors' diffs

The sample is drawn per module (a stratum): each module gets a share of ``--size`` proportional to
its number of mutants, at least ``--min-per-module`` (or all of a smaller module), drawn with
``random.Random(seed).sample`` from the sorted names. The overall ratio is the stratified estimate
(each module's ratio weighted by its share of all mutants) with its standard error, finite
population corrected. The selection of a run (the sample, the names given, or none for all) is written to
``mutants/sample.txt``; ``report`` reports on it.

mutmut runs on one core unless ``--children N`` says more (``--max-children``); on a busy
machine more children slow every mutant, and a slow one may pass for a hang. Its state lives in
``mutants/`` (gitignored): delete that directory after a change to the emulator, the suite or the
configuration.
"""

from __future__ import annotations

import argparse
import contextlib
import fnmatch
import json
import math
import os
import random
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MUTANTS = ROOT / "mutants"
SAMPLE = MUTANTS / "sample.txt"
#: mutmut's exit codes (mutmut.stats.status_by_exit_code), grouped for the kill ratio. A timeout
#: is a kill: the suite noticed the mutant never finished.
KILLED = {1: "killed", 3: "killed", 36: "timeout", 24: "timeout", -24: "timeout", 152: "timeout"}
NOT_RUN = {None: "not checked", 34: "skipped", 37: "caught by type check"}
SURVIVED = {0: "survived", 5: "no tests", 33: "no tests"}


@dataclass
class Module:
    """One stratum: a mutated module, its mutants and the results of those sampled."""

    name: str
    mutants: list[str] = field(default_factory=list)
    results: dict[str, str] = field(default_factory=dict)

    @property
    def killed(self) -> int:
        return sum(1 for status in self.results.values() if status in ("killed", "timeout"))

    @property
    def tested(self) -> int:
        return sum(1 for status in self.results.values() if status not in NOT_RUN.values())

    @property
    def ratio(self) -> float:
        return self.killed / self.tested if self.tested else math.nan

    def standard_error(self) -> float:
        """The binomial standard error of :attr:`ratio`, finite population corrected."""
        n, total = self.tested, len(self.mutants)
        if n == 0:
            return math.nan
        correction = (total - n) / (total - 1) if total > 1 else 0.0
        return math.sqrt(self.ratio * (1 - self.ratio) / n * correction)


def status(exit_code: int | None) -> str:
    for table in (KILLED, NOT_RUN, SURVIVED):
        if exit_code in table:
            return table[exit_code]
    return "suspicious"


def generate() -> None:
    """Let mutmut copy the sources and write the mutants (as ``mutmut run`` starts), without
    running anything. Unchanged files keep their mutants and results."""
    os.chdir(ROOT)
    from mutmut.__main__ import copy_also_copy_files, copy_src_dir, create_mutants

    MUTANTS.mkdir(exist_ok=True)
    with open(os.devnull, "w") as quiet, contextlib.redirect_stdout(quiet):  # a line per file
        copy_src_dir()
        copy_also_copy_files()
        create_mutants(1)


def modules() -> dict[str, Module]:
    """Every mutated module with its mutants and their last recorded statuses, from mutmut's
    ``.meta`` files."""
    found: dict[str, Module] = {}
    for meta in sorted(MUTANTS.rglob("*.py.meta")):
        source = meta.relative_to(MUTANTS).with_suffix("").with_suffix("")
        module = found.setdefault(".".join(source.parts), Module(".".join(source.parts)))
        for name, exit_code in json.loads(meta.read_text("utf-8"))["exit_code_by_key"].items():
            module.mutants.append(name)
            module.results[name] = status(exit_code)
    return found


def draw(found: dict[str, Module], size: int, seed: int, minimum: int) -> list[str]:
    """A stratified random sample of about ``size`` mutants (see the module's docstring)."""
    total = sum(len(module.mutants) for module in found.values())
    rng = random.Random(seed)
    sample: list[str] = []
    for name in sorted(found):
        mutants = sorted(found[name].mutants)
        share = max(minimum, round(size * len(mutants) / total))
        sample.extend(rng.sample(mutants, min(share, len(mutants))))
    return sample


def run_mutmut(names: Sequence[str], children: int = 1) -> int:
    """``mutmut run`` on ``children`` cores, for ``names`` (all mutants when empty). Stats, the clean run and
    the forced-fail check come first, as mutmut always does."""
    stats = MUTANTS / "mutmut-stats.json"
    if stats.exists() and not json.loads(stats.read_text("utf-8"))["tests_by_mangled_function_name"]:
        # Left so by a mutmut command that loads the stats without generating the mutants first
        # (print-time-estimates): every mutant would count as one no test reaches.
        stats.unlink()
    command = [str(Path(sys.executable).with_name("mutmut")), "run", "--max-children", str(children), *names]
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    return subprocess.run(command, cwd=ROOT, env=env, check=False).returncode


def diff(name: str) -> str:
    """What ``mutmut show NAME`` prints, without starting a process per mutant."""
    os.chdir(ROOT)
    from mutmut.mutation.diff_apply import find_mutant, get_diff_for_mutant

    return get_diff_for_mutant(name, path=find_mutant(name).path)


def report(found: dict[str, Module], selection: Sequence[str] | None, survivors: Path | None) -> None:
    """Kill ratio by module and overall (stratified over the modules with results), then every
    survivor with its diff."""
    for module in found.values():
        if selection:
            module.results = {k: v for k, v in module.results.items() if selected(k, selection)}
    total = sum(len(module.mutants) for module in found.values() if module.tested)
    rows, estimate, variance, left = [], 0.0, 0.0, {}
    for name in sorted(found):
        module = found[name]
        if not module.tested:
            continue
        weight = len(module.mutants) / total
        estimate += weight * module.ratio
        variance += weight**2 * module.standard_error() ** 2
        error = 100 * module.standard_error()
        rows.append(
            f"{name:<42} {len(module.mutants):>5} {module.tested:>7} {module.killed:>6} "
            f"{module.tested - module.killed:>8} {100 * module.ratio:>6.1f} ± {error:.1f}"
        )
        left.update({k: v for k, v in module.results.items() if v in (*SURVIVED.values(), "suspicious")})
    tested = sum(module.tested for module in found.values())
    killed = sum(module.killed for module in found.values())
    print(f"{'module':<42} {'total':>5} {'tested':>7} {'killed':>6} {'survived':>8}  ratio % ± SE")
    print("\n".join(rows))
    print(
        f"{'all (stratified estimate)':<42} {total:>5} {tested:>7} {killed:>6} {tested - killed:>8} "
        f"{100 * estimate:>6.1f} ± {100 * math.sqrt(variance):.1f}"
    )
    pending = sum(1 for m in found.values() for v in m.results.values() if v == "not checked")
    if pending:
        print(f"{pending} selected mutants have no result yet: the run did not reach them.")
    texts = [f"# {name}: {state}\n{diff(name)}" for name, state in sorted(left.items())]
    print(f"\n{len(left)} survivors:\n")
    print("\n".join(texts))
    if survivors is not None:
        survivors.write_text("\n".join(texts), encoding="utf-8")
        print(f"The survivors and their diffs are in {survivors}.")


def selected(name: str, selection: Sequence[str]) -> bool:
    """Whether ``name`` is one of the selection's names or matches one of its globs, as mutmut
    matches them."""
    return any(name == pattern or fnmatch.fnmatch(name, pattern) for pattern in selection)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("list", help="generate the mutants and count them by module")
    run = commands.add_parser("run", help="run a sample, given names or all, then report")
    run.add_argument("names", nargs="*", help="mutant names or globs (mutmut's); default: a sample")
    run.add_argument("--all", action="store_true", help="run every mutant")
    run.add_argument("--size", type=int, default=400, help="mutants in the sample (default 400)")
    run.add_argument("--seed", type=int, default=1, help="seed of the sample (default 1)")
    run.add_argument("--min-per-module", type=int, default=15, help="least sampled per module (15)")
    run.add_argument("--children", type=int, default=1, help="mutants run at once, one core each (1)")
    for command in (run, commands.add_parser("report", help="report the last run")):
        command.add_argument("--survivors", type=Path, help="also write the survivors' diffs here")
    args = parser.parse_args(argv)

    generate()
    found = modules()
    if args.command == "list":
        for name in sorted(found):
            print(f"{len(found[name].mutants):>5} {name}")
        print(f"{sum(len(m.mutants) for m in found.values()):>5} in all")
        return 0
    if args.command == "run":
        if args.all:
            names: list[str] = []
        elif args.names:
            names = list(args.names)
        else:
            names = draw(found, args.size, args.seed, args.min_per_module)
        # The selection of the last run, for report: names, globs, or nothing for all.
        SAMPLE.write_text("".join(f"{name}\n" for name in names), encoding="utf-8")
        code = run_mutmut(names, args.children)
        if code:
            return code
        found = modules()
    selection = SAMPLE.read_text("utf-8").split() if SAMPLE.exists() else []
    report(found, selection, args.survivors)
    return 0


if __name__ == "__main__":
    sys.exit(main())
