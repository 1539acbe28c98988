"""``--zd-compare-emulator``: a run against a target (here the emulator with one variation on) is
replayed against a fresh emulator, and the fidelity report lists exactly the differences that
variation makes; against a clean emulator, none. Secrets stay out of every output.

Each variation runs the one contract that exercises it. The contracts are written never to depend
on a choice the docs leave open, and four such choices never reach their requests (no contract
sends a page[size] between 50 and 100 or above 100, filter[type] alone or a date-only end time
whose answer the choice decides): for those the run adds PROBE, a test that sends one such request
each. The mode replays every exchange of a run, not only the contracts'.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from pytest_zdevents.credentials import MASK
from pytest_zdevents.emulator import Emulator
from pytest_zdevents.emulator.switches import VARIATIONS

CONTRACTS = Path(__file__).resolve().parents[2] / "contracts"
READS = ("listProfileEvents", "listProfileEventsByIdentifier", "listUserEvents")
NOT_FOUND = ("getProfile", "getProfileByIdentifier", "listProfileEvents", "listProfileEventsByIdentifier")
ENVELOPE = (
    "error code",
    "extra field",
    "missing field",
)  # {"error": ...} where the emulator has {"errors": [...]}

PROBE = """
from pytest_zdevents.runtime.isolation import identifier_query
from pytest_zdevents.runtime.paths import IDENTIFIER_EVENTS_PATH


def test_choices_no_contract_depends_on(zd):
    identifier = zd.namespace.identifier("email")
    zd.track(identifier)
    query = {"identifier": identifier_query(identifier)}
    created = zd.client.get(IDENTIFIER_EVENTS_PATH, params=query).json()["events"][0]["created_at"]
    for extra in ({"page[size]": "75"}, {"page[size]": "101"}, {"filter[type]": "probe"}):
        zd.client.get(IDENTIFIER_EVENTS_PATH, params={**query, **extra})
    zd.client.get(IDENTIFIER_EVENTS_PATH, params={**query, "filter[end_time]": created[:10]})
"""


def pairs(operations: tuple[str, ...], *kinds: str) -> set[tuple[str, str]]:
    return {(operation, kind) for operation in operations for kind in kinds}


#: Per variation: the contract that exercises it (None: the probe) and the (operation, kind)
#: differences it makes, from what the variation does.
CASES: dict[str, tuple[str | None, set[tuple[str, str]]]] = {
    # Pages walked oldest first: the same events in another order, and other events on each page.
    "oldest_first": ("pagination.page_size.respected", pairs(READS, "order", "read")),
    # The last page's after_cursor is null where the emulator gives a string.
    "last_page_cursor_null": ("pagination.page_size.respected", pairs(READS, "type")),
    # Cursors (meta.after_cursor, and page[after] in links[0].next) of another form.
    "other_cursors": ("pagination.page_size.respected", pairs(READS, "format")),
    # Profile, event and user ids of another form, wherever they are answered.
    "other_ids": ("pagination.page_size.respected", pairs(READS, "format") | {("trackEvent", "format")}),
    # received_at and created_at with nine fractional digits.
    "nanosecond_timestamps": ("pagination.page_size.respected", pairs(READS, "format")),
    # ClientError where the emulator names the error.
    "error_codes_generic": (
        "errors.unknown_profile.not_found",
        pairs((*NOT_FOUND, "trackProfileEvent"), "error code"),
    ),
    # Support's error bodies on /api/v2/users/{user_id}/ routes only.
    "support_errors_on_user_routes": (
        "errors.malformed.no_server_error",
        pairs(("listUserEvents", "trackUserEvent"), *ENVELOPE),
    ),
    # The 401 body {"error": "Couldn't authenticate you"} on every operation the contract calls.
    "unauthorized_generic_body": (
        "auth.credentials.missing_401",
        pairs(("getProfile", "listProfileEvents", "trackEvent", "trackProfileEvent"), *ENVELOPE),
    ),
    # A conflict is 400, not 409.
    "conflicts_as_400": ("identifiers.profile.conflict_refused", {("trackEvent", "status")}),
    # The optional PATCH operations answer 405 (the contract is then skipped, its requests sent).
    "profile_writes_off": (
        "profiles.patch.merges",
        {("patchProfile", "status"), ("patchProfileByIdentifier", "status")},
    ),
    # page[size]=75: 400 above a maximum of 50.
    "page_size_max_50": (None, {("listProfileEventsByIdentifier", "status")}),
    # page[size]=101: 200, served as 100, instead of 400.
    "page_size_clamped": (None, {("listProfileEventsByIdentifier", "status")}),
    # filter[type] without filter[source]: 200 instead of 400.
    "type_without_source_ignored": (None, {("listProfileEventsByIdentifier", "status")}),
    # A date-only end time is the end of the day: the day's event is read where the emulator reads
    # none, so that page has a cursor where the emulator's empty page has null.
    "date_only_end_of_day": (None, pairs(("listProfileEventsByIdentifier",), "read", "type")),
}


def selection(pytester: pytest.Pytester, contract: str | None) -> list[str]:
    """The arguments that run ``contract`` (its file and ID), or the probe."""
    if contract is None:
        return [str(pytester.makepyfile(test_probe=PROBE))]
    return [str(CONTRACTS), "--zd-contract", contract]


def compare(pytester: pytest.Pytester, *args: str) -> dict[str, Any]:
    report = pytester.path / "report.json"
    result = pytester.runpytest_inprocess(
        # importlib: this process may have imported tests/emulator/test_auth.py, whose basename
        # contracts/test_auth.py shares.
        *args, "-p", "no:cacheprovider", "--import-mode=importlib",
        "--zd-seed", "1", "--zd-max-examples", "3", "--zd-compare-emulator", "--zd-report", str(report),
    )  # fmt: skip
    assert result.ret in (0, 1), result.stdout.str()[-3000:]
    return json.loads(report.read_text())


def found(report: dict[str, Any]) -> set[tuple[str, str]]:
    return {(d["operation"], d["kind"]) for d in report["fidelity"]["differences"]}


def test_every_variation_has_a_case() -> None:
    assert set(CASES) == set(VARIATIONS)


@pytest.mark.parametrize("variation", sorted(CASES))
def test_the_report_lists_exactly_the_differences_of_a_variation(
    pytester: pytest.Pytester, variation: str
) -> None:
    contract, expected = CASES[variation]
    report = compare(pytester, *selection(pytester, contract), "--zd-emulator-variation", variation)
    assert report["fidelity"]["exchanges"] > 0
    assert found(report) == expected, json.dumps(report["fidelity"]["differences"], indent=1)[:4000]


def test_against_a_clean_emulator_the_report_lists_none(pytester: pytest.Pytester) -> None:
    contracts = sorted({contract for contract, _ in CASES.values() if contract})
    args = [arg for contract in contracts for arg in ("--zd-contract", contract)]
    report = compare(pytester, str(CONTRACTS), str(pytester.makepyfile(test_probe=PROBE)), *args)
    assert report["totals"]["passed"] >= len(contracts) - 1  # profiles.patch.merges may be skipped
    assert report["fidelity"] == {"exchanges": report["fidelity"]["exchanges"], "differences": []}
    assert report["fidelity"]["exchanges"] > 50


TOKEN = "Fidelity-token-5e1d0c7b"  # distinctive: its absence from every output means something
EMAIL = "fidelity@example.com"


def test_a_served_target_under_xdist_is_reported_with_secrets_masked(pytester: pytest.Pytester) -> None:
    """Over HTTP, with two xdist workers each replaying its own exchanges: the controller's
    report has both workers' differences, in the terminal, the JSON and the HTML, and the
    token in none of them (nor its Basic header value)."""
    emulator = Emulator(email=EMAIL, token=TOKEN, variations=["unauthorized_generic_body"])
    report, page = pytester.path / "report.json", pytester.path / "report.html"
    with emulator.serve() as served:
        result = pytester.runpytest_subprocess(
            str(CONTRACTS), "-p", "no:cacheprovider", "-n", "2",
            "--zd-contract", "auth.credentials.missing_401", "--zd-contract", "auth.basic_token.verified",
            f"--zd-url={served.url}", f"--zd-email={EMAIL}", f"--zd-token={TOKEN}",
            "--zd-compare-emulator", "--zd-report", str(report), "--zd-html", str(page),
        )  # fmt: skip
    emulator.close()
    assert result.ret == 0, result.stdout.str()[-3000:]
    document = json.loads(report.read_text())
    expected = pairs(("getProfile", "listProfileEvents", "trackEvent", "trackProfileEvent"), *ENVELOPE)
    assert found(document) == expected, document["fidelity"]
    text = result.stdout.str()
    assert "zdevents fidelity" in text and "trackEvent: missing field at errors" in text
    html = page.read_text()
    assert 'id="fidelity"' in html and "trackProfileEvent" in html
    basic = base64.b64encode(f"{EMAIL}/token:{TOKEN}".encode()).decode()
    for output in (text + result.stderr.str(), report.read_text(), html):
        assert TOKEN not in output and basic not in output
    headers = [d["example"]["request"]["headers"] for d in document["fidelity"]["differences"]]
    shown = [value for each in headers for name, value in each.items() if name.lower() == "authorization"]
    assert all(value.endswith(MASK) for value in shown), shown
