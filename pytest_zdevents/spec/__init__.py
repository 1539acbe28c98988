"""Find and load the OpenAPI description of the Zendesk Events and Profiles APIs.

The spec lives at the repository root as ``openapi.yaml``; the wheel ships a copy inside the
package (:mod:`pytest_zdevents.spec.resources`). :func:`load_view` gives either of its two views
(:mod:`pytest_zdevents.spec.view`).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

from pytest_zdevents.spec.resources import bundled
from pytest_zdevents.spec.view import View, documented_view

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


@functools.cache
def optional_operations() -> dict[str, str]:
    """The operations a target may lack, by operationId, each with its capability
    (``x-zdevents-capability``: ``profile_writes``, ``profile_delete``)."""
    return {
        operation["operationId"]: operation["x-zdevents-capability"]
        for path_item in load_spec()["paths"].values()
        for operation in path_item.values()
        if isinstance(operation, dict) and "x-zdevents-capability" in operation
    }


@functools.cache
def load_view(view: View) -> dict[str, Any]:
    """The ``full`` view (the spec as written) or the ``documented`` one. Shared like :func:`load_spec`."""
    if view == "full":
        return load_spec()
    if view == "documented":
        return documented_view(load_spec())
    raise ValueError(f"Unknown spec view {view!r}: choose full or documented.")
