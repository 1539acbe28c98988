"""A served emulator as a remote target (``--zd-url``): the session clean-up and its report, the
request budget stop, and credentials kept out of the output."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from pytest_zdevents.emulator import Emulator, ServedEmulator
from pytest_zdevents.runtime.cleanup import CleanupReport, Created, delete_created
from pytest_zdevents.runtime.client import RUN, BudgetExhausted, RequestBudget

EMAIL = "e@example.com"
TOKEN = "Tok-remote-7f3a9c"  # distinctive, so that its absence from the output means something


@pytest.fixture
def served() -> Iterator[ServedEmulator]:
    emulator = Emulator(email=EMAIL, token=TOKEN)
    with emulator.serve() as running:
        yield running
    emulator.close()


def remote_args(served: ServedEmulator) -> list[str]:
    return ["--zd-url", served.url, "--zd-email", EMAIL, "--zd-token", TOKEN]


def profiles(served: ServedEmulator) -> list[dict[str, Any]]:
    return served.emulator.export()["profiles"]


def track_directly(served: ServedEmulator, email: str) -> str:
    """A profile someone else made: the run must leave it alone."""
    response = httpx.post(
        f"{served.url}/api/v2/user_profiles/events",
        auth=(f"{EMAIL}/token", TOKEN),
        json={
            "profile": {
                "source": "other",
                "type": "customer",
                "identifiers": [{"type": "email", "value": email}],
            },
            "event": {"source": "other", "type": "seen", "properties": {}},
        },
        timeout=10,
    )
    assert response.status_code == 202, response.text
    return response.json()["profile_id"]


def output(result: pytest.RunResult) -> str:
    return result.stdout.str() + "\n" + result.stderr.str()


TRACKING = """
import pathlib


def record(profile_id):
    with pathlib.Path(__file__).with_name("created.txt").open("a") as out:
        out.write(profile_id + "\\n")


def test_one(zd_track, zd_client):
    tracked = zd_track()
    record(tracked.profile_id)
    assert zd_client.get(f"/api/v2/user_profiles/{tracked.profile_id}").status_code == 200


def test_two(zd_track):
    record(zd_track().profile_id)
"""


def created_ids(pytester: pytest.Pytester) -> list[str]:
    return (pytester.path / "created.txt").read_text().split()


def test_remote_run_deletes_what_it_created(pytester: pytest.Pytester, served: ServedEmulator) -> None:
    foreign = track_directly(served, "someone.else@example.com")
    pytester.makepyfile(test_inner_remote=TRACKING)
    result = pytester.runpytest_inprocess(*remote_args(served))
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines([f"zdevents: target {served.url}"])
    ids = created_ids(pytester)
    assert len(set(ids)) == 2
    result.stdout.fnmatch_lines(["pytest-zdevents deleted 2 of the 2 profiles it created."])
    assert "could not delete" not in result.stdout.str()
    # Only the foreign profile is left, and nothing the run did touched it.
    assert [p["id"] for p in profiles(served)] == [foreign]
    journal = served.emulator.journal.entries()
    deletes = sorted(e["path"] for e in journal if e["method"] == "DELETE")
    assert deletes == sorted(f"/api/v2/user_profiles/{i}" for i in ids)
    assert not any(foreign in e["path"] or foreign in e["query"] for e in journal)
    assert TOKEN not in output(result)


def test_a_profile_already_gone_counts_as_deleted(pytester: pytest.Pytester, served: ServedEmulator) -> None:
    pytester.makepyfile(
        """
        def test_delete_behind_the_plugins_back(zd_track, zd_client):
            tracked = zd_track()
            assert zd_client.delete(f"/api/v2/user_profiles/{tracked.profile_id}").status_code == 204
            assert zd_client.get(f"/api/v2/user_profiles/{tracked.profile_id}").status_code == 404
        """
    )
    result = pytester.runpytest_inprocess(*remote_args(served))
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["pytest-zdevents deleted 1 of the 1 profiles it created."])
    assert "could not delete" not in result.stdout.str()
    # The test's own DELETE removed it: the clean-up sends no second one.
    statuses = [e["status"] for e in served.emulator.journal.entries() if e["method"] == "DELETE"]
    assert statuses == [204]


def test_a_profile_deleted_by_another_route_is_deleted_again(
    pytester: pytest.Pytester, served: ServedEmulator
) -> None:
    """Only a DELETE of the profile's own path counts as done; any other leaves it to the clean-up."""
    pytester.makepyfile(
        """
        def test_delete_of_another_path(zd_track, zd_client):
            zd_track()
            assert zd_client.delete("/api/v2/user_profiles/not-this-one").status_code == 404
        """
    )
    result = pytester.runpytest_inprocess(*remote_args(served))
    result.assert_outcomes(passed=1)
    statuses = [e["status"] for e in served.emulator.journal.entries() if e["method"] == "DELETE"]
    assert statuses == [404, 204]
    assert profiles(served) == []


class RotateCredentials:
    """A plugin object for the inner run: a fixture that changes the emulator's token, so the
    session's clean-up is refused."""

    def __init__(self, served: ServedEmulator) -> None:
        self.served = served

    @pytest.fixture
    def rotate_token(self) -> Any:
        return lambda: self.served.emulator.configure(token="rotated-elsewhere")


def test_failed_deletes_are_named_in_the_summary(pytester: pytest.Pytester, served: ServedEmulator) -> None:
    pytester.makepyfile(
        """
        import pathlib

        def test_track_then_lose_access(zd_track, rotate_token):
            tracked = zd_track()
            pathlib.Path(__file__).with_name("created.txt").write_text(tracked.profile_id)
            rotate_token()
        """
    )
    result = pytester.runpytest_inprocess(*remote_args(served), plugins=[RotateCredentials(served)])
    result.assert_outcomes(passed=1)
    (profile_id,) = created_ids(pytester)
    result.stdout.fnmatch_lines(
        [
            "pytest-zdevents deleted 0 of the 1 profiles it created.",
            f"It could not delete these; delete them by hand: {profile_id} (HTTP 401)",
        ]
    )
    assert [p["id"] for p in profiles(served)] == [profile_id]


class FakeResponse:
    def __init__(self, status_code: int) -> None:
        self.status_code = status_code


class FakeClient:
    """Answers DELETE per profile id: a status, or an exception to raise."""

    def __init__(self, answers: dict[str, int | Exception]) -> None:
        self.answers = answers
        self.sent: list[str] = []
        self.budget = RequestBudget(100)

    def delete(self, url: str) -> FakeResponse:
        self.budget.spend()
        self.sent.append(url)
        answer = self.answers[url.rsplit("/", 1)[1]]
        if isinstance(answer, Exception):
            raise answer
        return FakeResponse(answer)


def test_delete_created_reports_each_failure() -> None:
    created = Created()
    for profile_id in ("p-ok", "p-gone", "p-raises", "p-500", "p-budget"):
        created.add(profile_id)
    client = FakeClient(
        {
            "p-ok": 204,
            "p-gone": 404,
            "p-raises": httpx.ConnectError("connection refused"),
            "p-500": 500,
            "p-budget": BudgetExhausted("budget spent"),
        }
    )
    lines = delete_created(client, created).lines()  # type: ignore[arg-type]
    assert client.sent == [
        f"/api/v2/user_profiles/{i}" for i in ("p-ok", "p-gone", "p-raises", "p-500", "p-budget")
    ]
    assert lines == [
        "pytest-zdevents deleted 2 of the 5 profiles it created.",
        "It could not delete these; delete them by hand: p-raises (ConnectError: connection refused), "
        "p-500 (HTTP 500), p-budget (BudgetExhausted: budget spent)",
    ]


def test_delete_created_with_nothing_created() -> None:
    client = FakeClient({})
    assert delete_created(client, Created()).lines() == [  # type: ignore[arg-type]
        "pytest-zdevents deleted 0 of the 0 profiles it created."
    ]
    assert client.sent == []


def test_delete_created_all_fine() -> None:
    created = Created()
    created.add("a")
    created.add("b")
    created.add("a")
    created.discard("b")
    client = FakeClient({"a": 204})
    assert delete_created(client, created).lines() == [  # type: ignore[arg-type]
        "pytest-zdevents deleted 1 of the 1 profiles it created."
    ]
    # Its requests count for the run, not for the test whose teardown it happens in.
    assert client.budget.count(RUN) == 1


def test_the_workers_clean_up_reports_make_one_line_for_the_run() -> None:
    run = CleanupReport()
    assert run.lines() == [], "no clean-up ran (the embedded emulator): no line"
    run.merge(CleanupReport(ran=True, created=3, failures=["p1 (HTTP 500)"]))
    run.merge(CleanupReport(ran=True, created=2))
    assert run.lines() == [
        "pytest-zdevents deleted 4 of the 5 profiles it created.",
        "It could not delete these; delete them by hand: p1 (HTTP 500)",
    ]


def test_under_xdist_the_clean_up_line_is_printed_once_with_the_total(
    pytester: pytest.Pytester, served: ServedEmulator
) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.parametrize("n", range(4))
        def test_track(zd_track, n):
            zd_track()
        """
    )
    result = pytester.runpytest_subprocess(*remote_args(served), "-n", "2", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=4)
    lines = [line for line in result.outlines if "profiles it created" in line]
    assert lines == ["pytest-zdevents deleted 4 of the 4 profiles it created."]


BUDGET_IN_TESTS = """
import pytest


@pytest.mark.parametrize("n", range(5))
def test_request(zd_client, n):
    assert zd_client.get("/api/v2/user_profiles/nobody").status_code == 404
"""

BUDGET_IN_FIXTURE = """
import pytest


@pytest.fixture
def looked_up(zd_client):
    return zd_client.get("/api/v2/user_profiles/nobody").status_code


@pytest.mark.parametrize("n", range(5))
def test_request(looked_up, n):
    assert looked_up == 404
"""


@pytest.mark.parametrize("source", [BUDGET_IN_TESTS, BUDGET_IN_FIXTURE], ids=["in-tests", "in-a-fixture"])
def test_request_budget_stops_the_run_cleanly(pytester: pytest.Pytester, source: str) -> None:
    pytester.makepyfile(test_inner_budget=source)
    result = pytester.runpytest_inprocess("--zd-request-budget", "3")
    text = output(result)
    assert "The request budget of 3 requests is spent" in text
    assert "--zd-request-budget" in text
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.assert_outcomes(passed=3)
    assert "Traceback" not in text
    assert "BudgetExhausted" not in text


def test_request_budget_against_a_remote_target(pytester: pytest.Pytester, served: ServedEmulator) -> None:
    pytester.makepyfile(test_inner_budget=BUDGET_IN_TESTS)
    result = pytester.runpytest_inprocess("--zd-request-budget", "3", *remote_args(served))
    assert result.ret == pytest.ExitCode.INTERRUPTED
    # The pre-flight (runtime/preflight.py) is the first request of the budget.
    result.assert_outcomes(passed=2)
    assert "The request budget of 3 requests is spent" in output(result)
    assert "Traceback" not in output(result)
    api = [e for e in served.emulator.journal.entries() if e["path"].startswith("/api/")]
    assert len(api) == 3, "no request may be sent past the budget"


def test_a_failing_test_does_not_print_the_token(pytester: pytest.Pytester, served: ServedEmulator) -> None:
    """A contract that fails shows its arguments in the traceback; the credentials must not be
    among what it shows."""
    pytester.makepyfile(
        """
        def test_fails(zd_target, zd_client):
            assert zd_client.get("/api/v2/user_profiles/nobody").status_code == 200
        """
    )
    result = pytester.runpytest_inprocess(*remote_args(served))
    result.assert_outcomes(failed=1)
    assert TOKEN not in output(result)


def test_xdist_remote_run_cleans_up_and_reports(pytester: pytest.Pytester, served: ServedEmulator) -> None:
    pytest.importorskip("xdist", reason="pytest-xdist is not installed")
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.parametrize("n", range(4))
        def test_track(zd_track, n):
            zd_track()
        """
    )
    result = pytester.runpytest_inprocess("-p", "xdist", "-n", "2", *remote_args(served))
    result.assert_outcomes(passed=4)
    assert profiles(served) == [], "every worker deletes what it created"
    lines = [line for line in result.stdout.lines if line.startswith("pytest-zdevents deleted")]
    assert lines, "the clean-up report must reach the terminal under xdist too:\n" + result.stdout.str()
    counts = [re.match(r"pytest-zdevents deleted (\d+) of the (\d+) ", line) for line in lines]
    assert all(counts), lines
    assert sum(int(m[1]) for m in counts if m) == sum(int(m[2]) for m in counts if m) == 4
