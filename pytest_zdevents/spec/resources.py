"""Files that the wheel ships inside the package and a checkout keeps at the repository root.

hatch's ``force-include`` copies ``openapi.yaml`` and ``contracts/`` into ``pytest_zdevents/`` in
the wheel; an editable install or a checkout has them one directory up. Both are looked for, the
package first.
"""

from __future__ import annotations

from pathlib import Path

# This module lives in pytest_zdevents/spec/; the bundled files sit beside the package root.
_PACKAGE_DIR = Path(__file__).resolve().parents[1]


def bundled(name: str) -> Path:
    """The path of the bundled file or directory ``name``: the packaged copy if there is one,
    else the repository's. Raises FileNotFoundError, saying what to do, when neither exists."""
    candidates = (_PACKAGE_DIR / name, _PACKAGE_DIR.parent / name)
    for candidate in candidates:
        if candidate.exists():
            return candidate
    tried = ", ".join(str(candidate) for candidate in candidates)
    raise FileNotFoundError(
        f"{name} was found neither in the installed package nor at the repository root "
        f"(tried {tried}); reinstall pytest-zdevents or run from a full checkout."
    )
