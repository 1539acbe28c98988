"""The emulator's layering: a service that knows nothing of HTTP, and switches read only by
enumeration member. (Module sizes and import circles: tests/test_architecture.py.)"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from pytest_zdevents.emulator import QUIRKS, VARIATIONS, EmulatorSettings
from pytest_zdevents.emulator.switches import Quirk, Variation

PACKAGE = Path(__file__).resolve().parents[2] / "pytest_zdevents" / "emulator"
#: The service: domain values in and out, no URL, request, status or wire JSON.
SERVICE = {"service", "backend", "events", "profiles", "users", "seeding", "model", "store"}
HTTP = {"starlette", "httpx", "uvicorn", "app", "responses", "views", "params", "control", "runtime", "host"}


def imports() -> dict[str, set[str]]:
    """Module (dotted, relative to the package) -> the package modules and top-level packages it
    imports, wherever in the module the import is (function-level and TYPE_CHECKING ones too)."""
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        here = list(parts[:-1])
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level:
                base = here[: len(here) - (node.level - 1)] if node.level > 1 else here
                if node.level > len(here) + 1:
                    continue  # above the package: pytest_zdevents itself (its __version__)
                module = [*base, *(node.module.split(".") if node.module else [])]
                targets = [module] if node.module else [[*module, alias.name] for alias in node.names]
                found.update(".".join(target) for target in targets)
            elif isinstance(node, ast.ImportFrom) and node.module:
                found.add(node.module.split(".")[0])
            elif isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
        graph[name] = found
    return graph


def test_the_service_knows_nothing_of_http() -> None:
    for name, targets in imports().items():
        if name.split(".")[0] in SERVICE:
            assert not {t.split(".")[0] for t in targets} & HTTP, name


def test_switches_are_read_by_member_only() -> None:
    settings = EmulatorSettings(quirks=frozenset({"auth_ignored"}), variations=frozenset({"oldest_first"}))
    assert settings.on(Quirk.AUTH_IGNORED) and settings.on(Variation.OLDEST_FIRST)
    assert not settings.on(Quirk.PUT_MERGES)
    with pytest.raises(TypeError):
        settings.on("auth_ignored")  # type: ignore[arg-type]
    with pytest.raises(AttributeError):
        Quirk.AUTH_IGNORD  # type: ignore[attr-defined]  # noqa: B018
    assert {quirk.value: quirk.description for quirk in Quirk} == QUIRKS
    assert {variation.value: variation.description for variation in Variation} == VARIATIONS
