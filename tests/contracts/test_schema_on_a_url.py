"""The schema contract against a URL: what it generates stays within the catalogue's rules on test
data (the suite's sources and types, never the docs' examples, which may be a tenant's own), and
every profile it creates is deleted at the end of the run."""

from __future__ import annotations

import pytest
from suite import CONTRACTS, URL_EMAIL, URL_TOKEN, run_against

from pytest_zdevents.emulator import Emulator
from pytest_zdevents.runtime.isolation import EVENT_SOURCES, PROFILE_SOURCE

pytest_plugins = ["pytester"]
pytestmark = pytest.mark.slow


def test_generated_writes_use_the_suites_data_and_are_cleaned_up(pytester: pytest.Pytester) -> None:
    emulator = Emulator(email=URL_EMAIL, token=URL_TOKEN, journal_size=10_000)
    result = run_against(pytester, emulator, paths=[str(CONTRACTS / "test_schema.py")])
    assert result.ret == 0, result.stdout.str()[-3000:]
    left = emulator.export()
    assert left["profiles"] == [], f"profiles the run left on the target: {left['profiles']}"
    sources = set()
    for entry in emulator.journal.entries():
        body = entry["body"]
        if entry["method"] == "POST" and entry["status"] == 202 and isinstance(body, dict):
            sources |= {part.get("source") for part in (body.get("event"), body.get("profile")) if part}
    assert sources, "the run tracked no event: nothing was checked"
    assert sources <= {*EVENT_SOURCES, PROFILE_SOURCE, None}, f"sources not the suite's: {sources}"
