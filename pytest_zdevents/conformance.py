"""``zdevents-conformance``: run the conformance suite that ships with the package.

``zdevents-conformance --zd-url URL [pytest arguments]`` is pytest on the packaged ``contracts/``
with the suite's own configuration (``contracts/conformance.ini``), whatever directory it runs in.
The root directory is the one holding ``contracts/``, so node IDs read ``contracts/test_*.py::...``
as in a checkout (:mod:`pytest_zdevents.plugin.command` prints them so in the terminal too), one
given as an argument runs that test of the packaged suite, and a deviations file works in both.
The exit code is pytest's: 0 all passed, 1 a contract failed, 2 interrupted (the request budget),
4 a usage error.

Some arguments are answered here and run nothing: ``--help`` (the command's own usage;
``--help-pytest`` gives pytest's), ``--version``, ``--zd-list-contracts[=json]``, and
``--zd-spec-view documented``, which prints the spec the schema contract holds other
implementations to (``full`` prints openapi.yaml as the emulator ships it).
"""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Collection, Mapping, Sequence
from importlib import metadata
from pathlib import Path

import yaml

from pytest_zdevents import __version__
from pytest_zdevents.spec import load_spec, load_view
from pytest_zdevents.spec.catalogue import areas, contracts_dir, load_catalogue
from pytest_zdevents.spec.listing import FORMATS, LIST_FLAG, contract_listing
from pytest_zdevents.spec.view import VIEWS

COMMAND = "zdevents-conformance"
CONFIG_FILENAME = "conformance.ini"
SPEC_VIEW = "--zd-spec-view"
HELP = ("-h", "--help")
HELP_PYTEST = "--help-pytest"
VERSION = ("-V", "--version")
USAGE_ERROR = 4

USAGE = f"""\
usage: {COMMAND} [--zd-url URL] [credentials] [options] [pytest arguments]

Run the Zendesk Events API conformance suite (pytest-zdevents) against an implementation, or
against the embedded emulator when no --zd-url is given. Exit code: 0 conforms, 1 a contract
failed, 2 the run was interrupted, 4 a usage error.

Target and credentials (each also a ZDEVENTS_* environment variable):
  --zd-url URL                base URL of the implementation, scheme included
  --zd-email EMAIL            agent email for Basic authentication ({{email}}/token:{{token}})
  --zd-token TOKEN            API token for Basic authentication (or ZDEVENTS_API_TOKEN)
  --zd-oauth-token TOKEN      OAuth access token, sent as Authorization: Bearer
  --zd-capabilities FILE      YAML file declaring the optional parts the target has

Choosing and reporting:
  {LIST_FLAG}[=json]  print each contract's ID, area, MUST statement and source
  --zd-contract PATTERN       run only the contracts whose ID matches, e.g. 'filters.*'
  --zd-read-only              send no writes: only the contracts that read run
  --zd-deviations FILE        contracts you know you fail, with reasons: they report as xfail
  --zd-report FILE            write the JSON conformance report
  --zd-html FILE              write the HTML conformance matrix
  --junitxml FILE             write JUnit XML (each test case names its contract)
  --zd-seed N                 replay a run's examples (the header prints its seed)
  {SPEC_VIEW} VIEW         print the spec the schema contract uses: documented or full
  --version                   print the versions of this command, the suite and the spec

Examples:
  # The embedded emulator: what a conforming run looks like.
  {COMMAND}
  # Your implementation, with Basic credentials and an OAuth token.
  {COMMAND} --zd-url http://127.0.0.1:8080 --zd-email agent@acme.example \\
      --zd-token "$TOKEN" --zd-oauth-token "$OAUTH_TOKEN" --zd-report out/report.json
  # Only the filter contracts, stopping at the first failure.
  {COMMAND} --zd-url http://127.0.0.1:8080 --zd-oauth-token "$OAUTH_TOKEN" \\
      --zd-contract 'filters.*' -x
  # Every contract ID, as JSON.
  {COMMAND} {LIST_FLAG}=json

Every other argument goes to pytest (-x, -k, -n 4 with pytest-xdist, -p no:cacheprovider, ...).
--help, --version, {LIST_FLAG} and {SPEC_VIEW} print and run nothing.
Every option, with its ini key and environment variable, and pytest's own options:
  {COMMAND} {HELP_PYTEST}
"""


def arguments(
    argv: Sequence[str], cwd: Path | None = None, environ: Mapping[str, str] | None = None
) -> list[str]:
    """pytest's arguments for a run of the packaged suite with the user's ``argv``."""
    suite = contracts_dir()
    cwd = cwd or Path.cwd()
    environ = os.environ if environ is None else environ
    # The cache belongs where the user runs, not in site-packages; without the cache plugin pytest
    # refuses the option (--strict-config: "Unknown config option: cache_dir").
    caching = not cache_disabled([*shlex.split(environ.get("PYTEST_ADDOPTS", "")), *argv])
    # A node ID as the run prints it (contracts/test_x.py::test_y) runs that test, not the suite.
    argv = [in_suite(arg, suite, cwd) or arg for arg in argv]
    tests = [] if any(in_suite(arg, suite, cwd) for arg in argv) else [str(suite)]
    return [
        "-c",
        str(suite / CONFIG_FILENAME),
        "--rootdir",
        str(suite.parent),
        *(["-o", f"cache_dir={cwd / '.pytest_cache'}"] if caching else []),
        *tests,
        *argv,
    ]


def in_suite(arg: str, suite: Path, cwd: Path) -> str | None:
    """``arg`` as an absolute path into the suite when it names one of its files or tests as
    ``contracts/...`` (or already absolutely), and no file of the working directory; else None."""
    path = arg.split("::", 1)[0]
    if arg.startswith("-"):
        return None
    if path.startswith(str(suite)):
        return arg if Path(path).exists() else None
    if path.startswith(suite.name + "/") and not (cwd / path).exists() and (suite.parent / path).exists():
        return str(suite.parent / arg)
    return None


def cache_disabled(args: Sequence[str]) -> bool:
    """Whether ``args`` turn pytest's cache plugin off: ``-p no:cacheprovider`` or ``-pno:cacheprovider``."""
    plugins = [args[i + 1] for i, arg in enumerate(args[:-1]) if arg == "-p"]
    plugins += [arg[2:] for arg in args if arg.startswith("-p") and len(arg) > 2 and arg != "-p"]
    return any(name.lstrip("=") == "no:cacheprovider" for name in plugins)


def requested(argv: Sequence[str], flag: str) -> str | None:
    """The value of ``flag VALUE`` or ``flag=VALUE`` in ``argv`` ("" when it ends ``argv``), or None."""
    for index, arg in enumerate(argv):
        if arg == flag:
            return argv[index + 1] if index + 1 < len(argv) else ""
        if arg.startswith(flag + "="):
            return arg.split("=", 1)[1]
    return None


def spec_view_requested(argv: Sequence[str]) -> str | None:
    """The view named by ``--zd-spec-view VIEW`` or ``--zd-spec-view=VIEW`` in ``argv``, or None."""
    return requested(argv, SPEC_VIEW)


def list_requested(argv: Sequence[str]) -> str | None:
    """The format ``--zd-list-contracts`` asks for (``text`` bare, or ``=json``), or None."""
    for index, arg in enumerate(argv):
        if arg == LIST_FLAG:
            following = argv[index + 1] if index + 1 < len(argv) else ""
            return following if following in FORMATS else "text"
        if arg.startswith(LIST_FLAG + "="):
            return arg.split("=", 1)[1]
    return None


def versions() -> str:
    """What ``--version`` prints: the command's, the suite's, the spec's and the engines' versions."""
    info = load_spec().get("info", {})

    def installed(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "not installed"

    return (
        f"{COMMAND} {__version__} (pytest-zdevents)\n"
        f"suite: {len(load_catalogue())} contracts in {len(areas())} areas, at {contracts_dir()}\n"
        f"spec: openapi.yaml {info.get('version', '(no version)')}, {info.get('title', '')}\n"
        f"pytest {installed('pytest')}, schemathesis {installed('schemathesis')}, "
        f"hypothesis {installed('hypothesis')}, Python {sys.version.split()[0]}\n"
    )


def dump_view(view: str) -> str:
    """The view as YAML, multi-line descriptions kept as blocks."""

    class Dumper(yaml.SafeDumper):
        pass

    def text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, text)
    return yaml.dump(load_view(view), Dumper=Dumper, sort_keys=False, allow_unicode=True, width=110)  # type: ignore[arg-type]


def _one_of(flag: str, value: str, choices: Collection[str], example: str) -> None:
    """End the command with a usage error unless ``value`` is one of ``choices``."""
    if value not in choices:
        sys.stderr.write(
            f"{COMMAND}: {flag} takes one of {', '.join(choices)}, not {value!r}. "
            f"For example: {COMMAND} {example}\n"
        )
        sys.exit(USAGE_ERROR)


def main(argv: Sequence[str] | None = None) -> None:
    """Replace this process with pytest on the suite. A fresh interpreter, because this one has
    imported pytest_zdevents already, and pytest can only rewrite the asserts of modules it
    imports itself."""
    argv = sys.argv[1:] if argv is None else argv
    if any(arg in HELP for arg in argv):
        sys.stdout.write(USAGE)
        sys.exit(0)
    if any(arg in VERSION for arg in argv):
        sys.stdout.write(versions())
        sys.exit(0)
    if HELP_PYTEST in argv:
        argv = ["--help" if arg == HELP_PYTEST else arg for arg in argv]
    form = list_requested(argv)
    if form is not None:
        _one_of(LIST_FLAG, form, FORMATS, f"{LIST_FLAG}=json > contracts.json")
        sys.stdout.write(contract_listing(form))
        sys.exit(0)
    view = spec_view_requested(argv)
    if view is not None:
        _one_of(SPEC_VIEW, view, VIEWS, f"{SPEC_VIEW} documented > documented.yaml")
        sys.stdout.write(dump_view(view))
        sys.exit(0)
    os.execv(sys.executable, [sys.executable, "-m", "pytest", *arguments(argv)])


if __name__ == "__main__":
    main()
