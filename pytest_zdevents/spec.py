"""Find and load the OpenAPI description of the Zendesk Events and Profiles APIs.

The spec lives at the repository root as ``openapi.yaml``; the wheel ships a copy inside the
package (:mod:`pytest_zdevents.bundled`).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

from .bundled import bundled

SPEC_FILENAME = "openapi.yaml"


def spec_path() -> Path:
    """Return the path of ``openapi.yaml``: the packaged copy if there is one, else the repository's."""
    return bundled(SPEC_FILENAME)


@functools.cache
def load_spec() -> dict[str, Any]:
    """Parse the spec once and return it. The dict is shared between callers: copy it before changing it."""
    path = spec_path()
    with path.open(encoding="utf-8") as stream:
        spec = yaml.safe_load(stream)
    if not isinstance(spec, dict):
        raise ValueError(f"The OpenAPI spec at {path} is not a YAML mapping.")
    return spec
