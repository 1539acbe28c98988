"""``docs/emulator.md`` ("Error codes") and the exception classes of ``errors.py`` list the same
errors: every (status, code) in the table has its class, and every class is in the table."""

from __future__ import annotations

import re
from pathlib import Path

from pytest_zdevents.emulator import errors

DOC = Path(__file__).resolve().parents[2] / "docs" / "emulator.md"


def documented() -> set[tuple[int, str]]:
    """(status, code) for every code in the table's second column."""
    section = DOC.read_text(encoding="utf-8").split("## Error codes", 1)[1].split("\n## ", 1)[0]
    pairs = set()
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and cells[0].isdigit():
            codes = re.findall(r"`([A-Za-z]+)`", cells[1])
            assert codes, line
            pairs.update((int(cells[0]), code) for code in codes)
    return pairs


def error_classes() -> list[type[errors.ApiError]]:
    """Every ApiError subclass that names a code of its own (not the status bases)."""
    found, todo = [], [errors.ApiError]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if "code" in vars(cls):
            found.append(cls)
    return found


def test_every_documented_code_has_its_class_and_every_class_is_documented() -> None:
    classes = {(cls.status, cls.code): cls for cls in error_classes()}
    assert len(classes) == len(error_classes()), "two classes share a status and code"
    table = documented()
    assert sorted(table - classes.keys()) == [], "in docs/emulator.md, but no class in errors.py"
    assert sorted(classes.keys() - table) == [], "a class in errors.py missing from docs/emulator.md"


def test_each_class_is_named_for_its_code() -> None:
    """One class per code, named as moto names them; a code answered with two statuses has a
    second class for the other status."""
    renamed = {errors.StateRecordExists: "InvalidState"}
    for cls in error_classes():
        assert cls.code == renamed.get(cls, cls.__name__), cls
