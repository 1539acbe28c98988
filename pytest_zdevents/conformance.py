"""``zdevents-conformance``: run the conformance suite that ships with the package.

``zdevents-conformance --zd-url URL [pytest arguments]`` is pytest on the packaged ``contracts/``
with the suite's own configuration (``contracts/conformance.ini``), whatever directory it runs in.
The root directory is the one holding ``contracts/``, so node IDs read ``contracts/test_*.py::...``
as in a checkout, and a deviations file works in both. The exit code is pytest's: 0 all passed,
1 a contract failed, 2 interrupted (the request budget), 4 a usage error.

``zdevents-conformance --zd-spec-view documented`` prints the spec the schema contract holds
other implementations to (``full`` prints openapi.yaml as the emulator ships it) and runs nothing.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

import yaml

from pytest_zdevents.spec import load_view
from pytest_zdevents.spec.catalogue import contracts_dir
from pytest_zdevents.spec.view import VIEWS

CONFIG_FILENAME = "conformance.ini"
SPEC_VIEW = "--zd-spec-view"
USAGE_ERROR = 4


def arguments(argv: Sequence[str], cwd: Path | None = None) -> list[str]:
    """pytest's arguments for a run of the packaged suite with the user's ``argv``."""
    suite = contracts_dir()
    cache = (cwd or Path.cwd()) / ".pytest_cache"
    return [
        "-c",
        str(suite / CONFIG_FILENAME),
        "--rootdir",
        str(suite.parent),
        # The cache belongs where the user runs, not in site-packages.
        "-o",
        f"cache_dir={cache}",
        str(suite),
        *argv,
    ]


def spec_view_requested(argv: Sequence[str]) -> str | None:
    """The view named by ``--zd-spec-view VIEW`` or ``--zd-spec-view=VIEW`` in ``argv``, or None."""
    for index, arg in enumerate(argv):
        if arg == SPEC_VIEW:
            return argv[index + 1] if index + 1 < len(argv) else ""
        if arg.startswith(SPEC_VIEW + "="):
            return arg.split("=", 1)[1]
    return None


def dump_view(view: str) -> str:
    """The view as YAML, multi-line descriptions kept as blocks."""

    class Dumper(yaml.SafeDumper):
        pass

    def text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        style = "|" if "\n" in value else None
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)

    Dumper.add_representer(str, text)
    return yaml.dump(load_view(view), Dumper=Dumper, sort_keys=False, allow_unicode=True, width=110)  # type: ignore[arg-type]


def main(argv: Sequence[str] | None = None) -> None:
    """Replace this process with pytest on the suite. A fresh interpreter, because this one has
    imported pytest_zdevents already, and pytest can only rewrite the asserts of modules it
    imports itself."""
    argv = sys.argv[1:] if argv is None else argv
    view = spec_view_requested(argv)
    if view is not None:
        if view not in VIEWS:
            sys.stderr.write(
                f"zdevents-conformance: {SPEC_VIEW} takes one of {', '.join(VIEWS)}, not {view!r}. "
                f"For example: zdevents-conformance {SPEC_VIEW} documented > documented.yaml\n"
            )
            sys.exit(USAGE_ERROR)
        sys.stdout.write(dump_view(view))
        sys.exit(0)
    os.execv(sys.executable, [sys.executable, "-m", "pytest", *arguments(argv)])


if __name__ == "__main__":
    main()
