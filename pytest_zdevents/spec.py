"""Find and load the OpenAPI description of the Zendesk Events and Profiles APIs.

The spec lives at the repository root as ``openapi.yaml``. The wheel ships a copy inside the package
(``pytest_zdevents/openapi.yaml``, through hatch's ``force-include``), so an installed package looks
there first and a checkout or editable install falls back to the repository root.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

SPEC_FILENAME = "openapi.yaml"

_PACKAGE_DIR = Path(__file__).resolve().parent


def _candidates() -> tuple[Path, ...]:
    """Where the spec may be, in the order they are tried."""
    return (_PACKAGE_DIR / SPEC_FILENAME, _PACKAGE_DIR.parent / SPEC_FILENAME)


def spec_path() -> Path:
    """Return the path of ``openapi.yaml``: the packaged copy if there is one, else the repository's."""
    candidates = _candidates()
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    tried = ", ".join(str(candidate) for candidate in candidates)
    raise FileNotFoundError(
        f"The OpenAPI spec {SPEC_FILENAME} was found neither in the installed package nor at the "
        f"repository root (tried {tried}); reinstall pytest-zdevents or run from a full checkout."
    )


@functools.cache
def load_spec() -> dict[str, Any]:
    """Parse the spec once and return it. The dict is shared between callers: copy it before changing it."""
    path = spec_path()
    with path.open(encoding="utf-8") as stream:
        spec = yaml.safe_load(stream)
    if not isinstance(spec, dict):
        raise ValueError(f"The OpenAPI spec at {path} is not a YAML mapping.")
    return spec
