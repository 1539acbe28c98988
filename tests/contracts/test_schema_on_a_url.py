"""The schema contract against a URL: what it generates stays within the catalogue's rules on test
data (the suite's sources and types, never the docs' examples, which may be a tenant's own), and
every profile it creates is deleted at the end of the run."""

from __future__ import annotations

import pytest
from suite import CONTRACTS

from pytest_zdevents.emulator import Emulator
from pytest_zdevents.runtime.isolation import EVENT_SOURCES, PROFILE_SOURCE

pytest_plugins = ["pytester"]
pytestmark = pytest.mark.slow

EMAIL, TOKEN = "e@example.com", "schema-url-token"


def test_generated_writes_use_the_suites_data_and_are_cleaned_up(pytester: pytest.Pytester) -> None:
    emulator = Emulator(email=EMAIL, token=TOKEN, journal_size=10_000)
    with emulator.serve() as served:
        result = pytester.runpytest_subprocess(
            str(CONTRACTS / "test_schema.py"),
            "-p",
            "no:cacheprovider",
            f"--zd-url={served.url}",
            f"--zd-email={EMAIL}",
            f"--zd-token={TOKEN}",
        )
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
