"""A bounded fuzz run in negative mode: whatever a client sends, the emulator answers no 5xx, and
whatever it accepted, every later read can send back.

Two generators: schemathesis' negative mode for every operation of ``openapi.yaml`` against the
served emulator (what the schema forbids), and a hypothesis strategy for what a schema-driven fuzzer
never makes (lone surrogates, non-finite and huge numbers, deep nesting, text in other encodings)
put anywhere in a valid body of every write route, in both stores.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests
import schemathesis
from helpers import TRACK, track_body
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from pytest_zdevents.emulator import Emulator
from pytest_zdevents.spec import spec_path

pytestmark = pytest.mark.slow

EMAIL, TOKEN = "fuzz@example.com", "fuzz-token"
OPERATIONS = [result.ok() for result in schemathesis.openapi.from_path(str(spec_path())).get_all_operations()]
FUZZ = settings(
    max_examples=10,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: f"{op.method.upper()} {op.path}")
def test_schemathesis_negative_cases_get_no_server_error(operation: Any) -> None:
    emulator = Emulator(email=EMAIL, token=TOKEN)
    with emulator.serve() as served, requests.Session() as session:
        session.auth = (f"{EMAIL}/token", TOKEN)
        statuses: list[int] = []

        @FUZZ
        @given(case=operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))
        def send(case: Any) -> None:
            response = case.call(base_url=served.url, session=session)
            statuses.append(response.status_code)
            assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.text[:300]}"

        send()
        for path in ("/__zdevents/state", "/__zdevents/requests"):
            assert httpx.get(served.url + path, auth=(f"{EMAIL}/token", TOKEN)).status_code == 200, path
    emulator.close()
    assert any(400 <= status < 500 for status in statuses), "negative mode sent nothing the emulator refused"


LONE_SURROGATES = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
HOSTILE_TEXT = st.text(st.one_of(st.characters(), LONE_SURROGATES), max_size=8)
HOSTILE_LEAVES = st.one_of(
    HOSTILE_TEXT,
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.sampled_from([10**4200, "1e999", "NaN"]),
    st.booleans(),
    st.none(),
)
HOSTILE_JSON = st.recursive(
    HOSTILE_LEAVES,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(HOSTILE_TEXT, inner, max_size=3)),
    max_leaves=8,
)
#: How the body is written: escapes, raw bytes (surrogates as CESU-8), or not UTF-8 at all.
WRITERS = {
    "escaped": lambda text: text.encode("ascii"),
    "raw": lambda text: text.encode("utf-8", "surrogatepass"),
    "utf-16": lambda text: text.encode("utf-16", "surrogatepass"),
}
PLACES = [
    "event.properties",
    "event.description",
    "event.source",
    "profile.identifiers",
    "profile.name",
    "root",
]


def placed(value: Any, place: str, method: str) -> dict[str, Any]:
    """A valid body for ``method`` (a track body, or a profile for PUT and PATCH) with ``value`` at
    ``place``."""
    body = track_body()
    if method != "POST":
        body = {"profile": body["profile"], "event": body["event"]}
    if place == "root":
        return {**body, "extra": value}
    part, _, field = place.partition(".")
    body[part][field] = [{"type": "email", "value": value}] if field == "identifiers" else value
    return body


@pytest.fixture(params=["memory", "sqlite"])
def emulator(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Emulator]:
    db = str(tmp_path / "fuzz.db") if request.param == "sqlite" else None
    made = Emulator(db_path=db)
    yield made
    made.close()


def test_hostile_values_anywhere_in_a_body_get_no_server_error_and_poison_nothing(emulator: Emulator) -> None:
    with emulator.client() as client:
        profile_id = client.post(TRACK, json=track_body()).json()["profile_id"]
        profile = f"/api/v2/user_profiles/{profile_id}"
        routes = [("POST", TRACK), ("POST", f"{profile}/events"), ("PUT", profile), ("PATCH", profile)]

        @settings(FUZZ, max_examples=150)
        @given(
            value=HOSTILE_JSON,
            place=st.sampled_from(PLACES),
            route=st.sampled_from(routes),
            writer=st.sampled_from(sorted(WRITERS)),
        )
        def send(value: Any, place: str, route: tuple[str, str], writer: str) -> None:
            body = placed(value, place, route[0])
            text = json.dumps(body, allow_nan=True, ensure_ascii=writer == "escaped")
            raw = WRITERS[writer](text)
            response = client.request(*route, content=raw, headers={"Content-Type": "application/json"})
            assert response.status_code < 500, response.text[:300]
            for path in (
                "/__zdevents/state",
                "/__zdevents/requests",
                f"/api/v2/user_profiles/{profile_id}/events",
            ):
                read = client.get(path)
                assert read.status_code == 200, (
                    f"after a {response.status_code}, GET {path}: {read.text[:300]}"
                )

        send()
