"""The package's architecture (ARCHITECTURE.md), held: layers that import only downwards, no
import circle, no module over 400 lines, and contracts that import only the suite's runtime."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "pytest_zdevents"
#: Each layer and the layers it may import, besides itself and the package root's modules.
LAYERS = {
    "spec": set(),
    "emulator": {"spec"},
    "runtime": {"spec", "emulator"},
    "reporting": {"spec", "runtime"},
    "plugin": {"spec", "emulator", "runtime", "reporting"},
}
MAX_LINES = 400


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> set[str]:
    """The pytest_zdevents modules ``path`` imports, wherever in the file (function-level and
    TYPE_CHECKING imports too), relative imports resolved."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            found.add(module)
            # ``from package import module`` imports the module.
            found.update(f"{module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {m for m in found if m == "pytest_zdevents" or m.startswith("pytest_zdevents.")}


def modules() -> dict[str, set[str]]:
    graph = {module_name(p): imported(p) for p in PACKAGE.rglob("*.py")}
    return {name: {t for t in targets if t in graph and t != name} for name, targets in graph.items()}


def layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in LAYERS) else None


def test_each_layer_imports_only_the_layers_below_it() -> None:
    wrong = []
    for name, targets in modules().items():
        own = layer(name)
        if own is None:
            continue
        for target in targets:
            other = layer(target)
            if other is not None and other != own and other not in LAYERS[own]:
                wrong.append(f"{name} imports {target}")
    assert not wrong, wrong


def test_no_import_circle() -> None:
    graph = modules()
    state: dict[str, int] = {}

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for target in sorted(graph[name]):
            # A package's modules may import what its __init__ gathers, and __init__ them.
            if name.startswith(target + ".") or target.startswith(name + "."):
                continue
            assert state.get(target) != 1, " -> ".join([*path[path.index(target) :], target])
            if target not in state:
                visit(target, [*path, target])
        state[name] = 2

    for name in graph:
        if name not in state:
            visit(name, [name])


@pytest.mark.parametrize("folder", ["pytest_zdevents", "contracts"])
def test_no_module_is_over_400_lines(folder: str) -> None:
    long = {
        str(p.relative_to(ROOT)): n
        for p in (ROOT / folder).rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}, f"modules over {MAX_LINES} lines: split them by job"


def test_contracts_import_only_the_suite_runtime() -> None:
    wrong = {
        f"{path.name} imports {target}"
        for path in (ROOT / "contracts").glob("*.py")
        for target in imported(path)
        if not target.startswith("pytest_zdevents.runtime")
    }
    assert not wrong, wrong
