"""The fixtures inside pytest runs (embedded target, zd_emulator, xdist), and the helper they
stand on: ``Namespace``. ``zd_eventually`` and ``eventually`` are in test_eventually.py."""

from __future__ import annotations

import json
import re
import threading

import pytest

from pytest_zdevents.runtime.isolation import PROFILE_SOURCE, PROFILE_TYPE, Namespace

TRACKING = """
import json, pathlib
import pytest
from pytest_zdevents.runtime.isolation import identifier_query


def test_track_and_read_back(zd_client, zd_track, zd_eventually, zd_namespace):
    tracked = zd_track(event={"type": "purchased", "properties": {"sku": "A-1"}})
    assert tracked.response.status_code == 202
    assert tracked.response.json()["status"] == "received"
    (identifier,) = tracked.identifiers
    assert identifier["type"] == "email"
    assert identifier["value"].startswith(zd_namespace.prefix + "-")
    assert identifier["value"].endswith("@example.com")

    def profile():
        response = zd_client.get(f"/api/v2/user_profiles/{tracked.profile_id}")
        assert response.status_code == 200, response.text
        return response.json()["profile"]

    body = zd_eventually(profile)
    assert body["id"] == tracked.profile_id
    assert body["identifiers"] == [identifier]
    assert body["user_id"] == tracked.user_id

    def events():
        response = zd_client.get(
            "/api/v2/user_profiles/events", params={"identifier": identifier_query(identifier)}
        )
        assert response.status_code == 200, response.text
        found = response.json()["events"]
        assert found, "the event is not readable yet"
        return found

    (event,) = zd_eventually(events)
    assert (event["type"], event["properties"]) == ("purchased", {"sku": "A-1"})
    pathlib.Path(__file__).with_name("namespace.json").write_text(
        json.dumps({"prefix": zd_namespace.prefix, "run_id": zd_namespace.run_id})
    )


def test_each_track_is_a_new_profile(zd_track):
    first, second = zd_track(), zd_track()
    assert first.profile_id != second.profile_id
    assert first.identifiers != second.identifiers


def test_a_refused_track_is_a_set_up_error_naming_the_promise(zd_track):
    from pytest_zdevents.runtime.tracking import SetupFailed

    with pytest.raises(SetupFailed, match="relied on contract ingestion.track_profile.accepted"):
        zd_track(event={"source": "zendesk"})


def test_the_embedded_target_checks_credentials(zd_client):
    anonymous = zd_client.with_credentials()
    try:
        response = anonymous.get("/api/v2/user_profiles/no-such-profile")
    finally:
        anonymous.close()
    assert response.status_code == 401
    assert zd_client.get("/api/v2/user_profiles/no-such-profile").status_code == 404
"""


@pytest.mark.parametrize("lag", ["0", "0.3"])
def test_tracking_fixtures_against_the_embedded_target(pytester: pytest.Pytester, lag: str) -> None:
    pytester.makepyfile(test_inner_tracking=TRACKING)
    result = pytester.runpytest_inprocess(
        "--zd-emulator-lag", lag, "--zd-eventually-interval", "0.05", "--zd-eventually-timeout", "5"
    )
    result.assert_outcomes(passed=4)
    namespace = json.loads((pytester.path / "namespace.json").read_text())
    assert re.fullmatch(r"[0-9a-f]{8}", namespace["run_id"])
    assert namespace["prefix"] == f"zdc-{namespace['run_id']}-main"
    # The embedded target: nothing to clean up remotely, so no clean-up report.
    assert "pytest-zdevents deleted" not in result.stdout.str()


EMULATOR_APP = """
import httpx


def report_signup(base_url, auth, email):
    \"\"\"The app under test: tells Zendesk that a user signed up.\"\"\"
    response = httpx.post(
        f"{base_url}/api/v2/user_profiles/events",
        auth=auth,
        json={
            "profile": {
                "source": "acme",
                "type": "customer",
                "identifiers": [{"type": "email", "value": email}],
            },
            "event": {"source": "acme", "type": "signed_up", "properties": {"plan": "pro"}},
        },
        timeout=10,
    )
    response.raise_for_status()
    return response.json()


def test_app_reports_signup(zd_emulator):
    assert zd_emulator.url.startswith("http://127.0.0.1:")
    assert zd_emulator.auth == (f"{zd_emulator.email}/token", zd_emulator.token)
    answer = report_signup(zd_emulator.url, zd_emulator.auth, "jane@example.com")
    assert answer["status"] == "received"
    (event,) = zd_emulator.events()
    assert (event["source"], event["type"], event["properties"]) == ("acme", "signed_up", {"plan": "pro"})
    (profile,) = zd_emulator.profiles()
    assert profile["identifiers"] == [{"type": "email", "value": "jane@example.com"}]
    (entry,) = zd_emulator.requests()
    assert (entry["method"], entry["path"], entry["status"]) == ("POST", "/api/v2/user_profiles/events", 202)
    assert zd_emulator.token not in repr(zd_emulator.requests())
    # Leave the emulator dirty and switched: the next test must not see any of it.
    zd_emulator.emulator.configure(quirks=["track_returns_200"], lag=5.0, rate_limit=1)


def test_next_test_starts_empty(zd_emulator):
    assert zd_emulator.events() == []
    assert zd_emulator.profiles() == []
    assert zd_emulator.requests() == []
    settings = zd_emulator.emulator.settings
    assert (settings.quirks, settings.lag, settings.rate_limit) == (frozenset(), 0.0, None)
    report_signup(zd_emulator.url, zd_emulator.auth, "jane@example.com")
    assert len(zd_emulator.events()) == 1


def test_the_emulator_requires_the_credentials(zd_emulator):
    response = httpx.post(
        f"{zd_emulator.url}/api/v2/user_profiles/events",
        auth=(zd_emulator.auth[0], "wrong"),
        json={},
        timeout=10,
    )
    assert response.status_code == 401
    assert zd_emulator.events() == []
"""


def test_zd_emulator_for_app_developers(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_inner_app=EMULATOR_APP)
    result = pytester.runpytest_inprocess("-p", "no:randomly")
    result.assert_outcomes(passed=3)


XDIST = """
import json, os, pathlib
import pytest


@pytest.mark.parametrize("n", range(6))
def test_track(zd_track, zd_namespace, n):
    tracked = zd_track()
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    out = pathlib.Path(__file__).with_name(f"values-{worker}-{n}.json")
    out.write_text(json.dumps(
        {"worker": worker, "run_id": zd_namespace.run_id, "values": [i["value"] for i in tracked.identifiers]}
    ))
"""


def run_xdist(pytester: pytest.Pytester) -> tuple[pytest.RunResult, list[dict[str, object]]]:
    pytest.importorskip("xdist", reason="pytest-xdist is not installed")
    pytester.makepyfile(test_inner_parallel=XDIST)
    result = pytester.runpytest_inprocess("-p", "xdist", "-n", "2")
    records = [json.loads(p.read_text()) for p in sorted(pytester.path.glob("values-*.json"))]
    return result, records


@pytest.mark.slow
def test_xdist_run_passes_with_disjoint_values(pytester: pytest.Pytester) -> None:
    result, records = run_xdist(pytester)
    result.assert_outcomes(passed=6)
    assert len(records) == 6
    assert {r["worker"] for r in records} <= {"gw0", "gw1"}
    values = [v for r in records for v in r["values"]]  # type: ignore[attr-defined]
    assert len(values) == len(set(values)) == 6
    for record in records:
        for value in record["values"]:  # type: ignore[attr-defined]
            assert value.startswith(f"zdc-{record['run_id']}-{record['worker']}-")
            assert value.endswith("@example.com")


@pytest.mark.slow
def test_xdist_workers_share_the_run_id(pytester: pytest.Pytester) -> None:
    """``zdc-<run id>-<worker id>-<n>``: one run, one run id, whichever worker made the value."""
    result, records = run_xdist(pytester)
    result.assert_outcomes(passed=6)
    workers = {r["worker"] for r in records}
    if len(workers) < 2:
        pytest.skip("xdist gave every test to one worker this time")
    assert len({r["run_id"] for r in records}) == 1, records


# Namespace


def test_namespace_values_carry_run_and_worker_and_count_up() -> None:
    namespace = Namespace(run_id="abc123", worker="gw3")
    assert namespace.run_id == "abc123"
    assert namespace.prefix == "zdc-abc123-gw3"
    assert [namespace.value(), namespace.value()] == ["zdc-abc123-gw3-1", "zdc-abc123-gw3-2"]
    assert namespace.email() == "zdc-abc123-gw3-3@example.com"


def test_namespace_defaults() -> None:
    first, second = Namespace(), Namespace()
    assert re.fullmatch(r"[0-9a-f]{8}", first.run_id)
    assert first.run_id != second.run_id
    assert first.prefix == f"zdc-{first.run_id}-main"
    assert first.value() != second.value()


def test_namespace_values_are_unique_across_threads() -> None:
    namespace = Namespace(run_id="r", worker="w")
    values: list[str] = []
    lock = threading.Lock()

    def make() -> None:
        mine = [namespace.value() for _ in range(300)]
        with lock:
            values.extend(mine)

    threads = [threading.Thread(target=make) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(values) == len(set(values)) == 2400


def test_namespace_identifiers_and_profiles() -> None:
    namespace = Namespace(run_id="r1", worker="gw0")
    email = namespace.identifier("email")
    assert email["type"] == "email"
    assert email["value"].startswith("zdc-r1-gw0-")
    assert email["value"].endswith("@example.com")
    external = namespace.identifier()
    assert external["type"] == "external_id"
    assert external["value"].startswith("zdc-r1-gw0-")
    assert "@" not in external["value"]

    profile = namespace.profile()
    assert (profile["source"], profile["type"]) == (PROFILE_SOURCE, PROFILE_TYPE)
    ((identifier),) = profile["identifiers"]
    assert identifier["type"] == "email"
    assert identifier["value"].endswith("@example.com")

    given = {"type": "external_id", "value": "mine"}
    assert namespace.profile(given, name="Jane")["identifiers"] == [given]
    assert namespace.profile(given, name="Jane")["name"] == "Jane"
