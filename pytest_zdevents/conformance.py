"""``zdevents-conformance``: run the conformance suite that ships with the package.

``zdevents-conformance --zd-url URL [pytest arguments]`` is pytest on the packaged ``contracts/``
with the suite's own configuration (``contracts/conformance.ini``), whatever directory it runs in.
The root directory is the one holding ``contracts/``, so node IDs read ``contracts/test_*.py::...``
as in a checkout, and a deviations file works in both. The exit code is pytest's: 0 all passed,
1 a contract failed, 2 interrupted (the request budget), 4 a usage error.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .catalogue import contracts_dir

CONFIG_FILENAME = "conformance.ini"


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


def main(argv: Sequence[str] | None = None) -> None:
    """Replace this process with pytest on the suite. A fresh interpreter, because this one has
    imported pytest_zdevents already, and pytest can only rewrite the asserts of modules it
    imports itself."""
    args = arguments(sys.argv[1:] if argv is None else argv)
    os.execv(sys.executable, [sys.executable, "-m", "pytest", *args])


if __name__ == "__main__":
    main()
