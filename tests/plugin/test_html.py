"""The HTML conformance page: a self-contained document with the verdict, every contract with its
MUST and outcome, linkable rows, each cited source a link, and every value from the report
escaped."""

from __future__ import annotations

import copy
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from pytest_zdevents.reporting.html import render

SCRIPT = "<script>alert(1)</script>"

OUTCOME_LABELS = {
    "passed": "passed",
    "failed": "failed",
    "error": "error",
    "skipped": "skipped",
    "xfailed": "expected failure",
    "xpassed": "unexpectedly passed",
    "not run": "not run",
}


def _contract(identifier: str, outcome: str, **extra: Any) -> dict[str, Any]:
    area = identifier.split(".")[0]
    contract: dict[str, Any] = {
        "id": identifier,
        "area": area,
        "must": f"The server MUST honour {identifier}.",
        "source": f"docs/{area}.md#{identifier}",
        "requires": [],
        "writes": False,
        "outcome": outcome,
        "duration": None if outcome == "not run" else 0.25,
        "reason": None,
        "deviation": None,
        "tests": [] if outcome == "not run" else [{"nodeid": f"contracts/test_{area}.py::test_{outcome}"}],
        "reproduction": None,
    }
    contract.update(extra)
    return contract


def sample_report() -> dict[str, Any]:
    """A failing run with one contract per outcome, a script in a MUST and in a reproduction."""
    contracts = [
        _contract("filters.start_time.inclusive", "passed"),
        _contract(
            "filters.end_time.inclusive",
            "failed",
            requires=["profile_writes"],
            writes=True,
            reproduction=f"GET /api/v2/events?end_time=x\n-> 200 {SCRIPT}",
            tests=[
                {
                    "nodeid": "contracts/test_filters.py::test_end_time",
                    "outcome": "failed",
                    "duration": 0.42,
                }
            ],
        ),
        _contract("filters.page_size.max", "error", must=f"Pages MUST hold at most 100 {SCRIPT}"),
        _contract("profiles.put.creates", "skipped", reason="profile writes not declared"),
        _contract(
            "profiles.patch.merges",
            "xfailed",
            deviation={"reason": "known bug ACME-1", "link": "https://bugs.example.com/ACME-1"},
            reason="known bug ACME-1",
        ),
        _contract(
            "profiles.delete.gone",
            "xpassed",
            deviation={"reason": "bogus link", "link": "javascript:alert(2)"},
        ),
        _contract("auth.token.required", "not run"),
    ]
    areas = []
    for name in ("filters", "profiles", "auth"):
        counts = dict.fromkeys(OUTCOME_LABELS, 0)
        for contract in contracts:
            if contract["area"] == name:
                counts[contract["outcome"]] += 1
        areas.append({"area": name, **counts})
    totals = dict.fromkeys(OUTCOME_LABELS, 0)
    for contract in contracts:
        totals[contract["outcome"]] += 1
    return {
        "suite": {
            "name": "pytest-zdevents",
            "version": "0.1.0",
            "spec_version": "1.0.0",
            "spec_view": "documented",
        },
        "implementation": {"name": "Acme Events", "version": "2.3"},
        "target": {
            "url": "http://127.0.0.1:8000",
            "embedded": False,
            "email": "e@example.com",
            "credentials": {"token": "********", "oauth_token": None, "read_only_oauth_token": None},
        },
        "options": {
            "url": {"value": "http://127.0.0.1:8000", "source": "--zd-url"},
            "token": {"value": "********", "source": "ZDEVENTS_API_TOKEN"},
            "timeout": {"value": 30.0, "source": "default"},
            "contract": {"value": ["filters", "profiles"], "source": "zd_contracts"},
            "email": {"value": None, "source": "default"},
        },
        "capabilities": {"file": "caps.yaml", "declared": {"profile_writes": True, "oauth": False}},
        "seed": 12345,
        "started_at": "2026-11-22T18:00:00+00:00",
        "finished_at": "2026-11-22T18:00:12+00:00",
        "duration": 12.3,
        "exit_status": 1,
        "totals": totals,
        "areas": areas,
        "contracts": contracts,
    }


def clean_report() -> dict[str, Any]:
    """The sample with every failure and error turned into a pass."""
    report = copy.deepcopy(sample_report())
    for contract in report["contracts"]:
        if contract["outcome"] in {"failed", "error"}:
            contract["outcome"] = "passed"
            contract["reproduction"] = None
    report["totals"]["passed"] += report["totals"]["failed"] + report["totals"]["error"]
    report["totals"]["failed"] = report["totals"]["error"] = 0
    report["exit_status"] = 0
    return report


@pytest.fixture(scope="module")
def page() -> str:
    return render(sample_report())


def _rows_by_id(page: str) -> dict[str, ET.Element]:
    root = ET.fromstring(page)
    return {row.get("id"): row for row in root.iter("tr") if row.get("id")}


def test_is_a_complete_document(page: str) -> None:
    assert page.startswith("<!DOCTYPE html>"), "the page should start with the HTML5 doctype"
    assert "<title>Zendesk Events API conformance: Acme Events</title>" in page, (
        "the title should name the implementation"
    )
    assert "<style>" in page, "the page should carry its own inline stylesheet"


def test_title_falls_back_to_the_target_url() -> None:
    report = sample_report()
    report["implementation"] = None
    assert "<title>Zendesk Events API conformance: http://127.0.0.1:8000</title>" in render(report), (
        "without an implementation name the title should name the target URL"
    )


def test_every_contract_is_listed_with_its_must_and_outcome(page: str) -> None:
    rows = _rows_by_id(page)
    for contract in sample_report()["contracts"]:
        identifier = contract["id"]
        assert identifier in rows, f"the matrix should have a row with id={identifier!r}"
        text = "".join(rows[identifier].itertext())
        assert identifier in text, f"the row of {identifier} should show the contract ID"
        assert contract["must"] in text, f"the row of {identifier} should show its MUST statement"
        label = OUTCOME_LABELS[contract["outcome"]]
        badges = [
            "".join(span.itertext())
            for span in rows[identifier].iter("span")
            if "badge" in (span.get("class") or "")
        ]
        assert badges == [label], f"the row of {identifier} should show the badge {label!r}, got {badges}"


def test_areas_follow_the_report_order_with_a_summary(page: str) -> None:
    root = ET.fromstring(page)
    sections = [section.get("id") for section in root.iter("section")]
    assert sections == ["area-filters", "area-profiles", "area-auth"], (
        "the matrix should have one section per area, in the report's order"
    )
    assert "3 contracts: 1 passed, 1 failed, 1 error" in page, "the filters area should summarise its counts"


def test_reason_and_reproduction_are_shown(page: str) -> None:
    rows = _rows_by_id(page)
    assert "profile writes not declared" in "".join(rows["profiles.put.creates"].itertext()), (
        "a skipped contract should show its skip reason under the badge"
    )
    root = ET.fromstring(page)
    details = [d for d in root.iter("details") if "test_end_time" in "".join(d.itertext())]
    assert len(details) == 1, "the failed contract should have one Reproduction block listing its tests"
    assert details[0].find("summary").text == "Reproduction", "the block's summary should say Reproduction"
    assert "GET /api/v2/events?end_time=x" in details[0].find("pre").text, (
        "the reproduction should be shown preformatted"
    )


def test_report_values_are_escaped(page: str) -> None:
    assert "<script" not in page, "no <script> from the report should reach the page as markup"
    assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 2, (
        "the script in the MUST and in the reproduction should be shown as escaped text"
    )


def test_no_external_resources(page: str) -> None:
    lowered = page.lower()
    for needle in ("src=", "<link", "@import", "url("):
        assert needle not in lowered, f"the page should be self-contained, but it has {needle!r}"


def test_deviation_link_is_an_anchor_only_for_http(page: str) -> None:
    hrefs = [anchor.get("href") for anchor in ET.fromstring(page).iter("a")]
    assert "https://bugs.example.com/ACME-1" in hrefs, "an https deviation link should be an anchor"
    assert not any(href.startswith("javascript:") for href in hrefs), (
        "a non-http deviation link should not be an anchor"
    )
    assert "javascript:alert(2)" in page, "a non-http deviation link should still be shown as text"


S1_URL = "https://developer.zendesk.com/api-reference/ticketing/users/events-api/events-api/"


def test_cited_sources_are_links_and_everything_else_is_text() -> None:
    report = sample_report()
    contract = report["contracts"][0]
    contract["source"] = "S1 (Get Events) 'inclusive' <b>bold</b>; seed 001 & S3; S99"
    contract["source_links"] = [
        {"id": "S1", "title": 'Events API "reference"', "kind": "Zendesk docs", "url": S1_URL + "?a=1&b=2"},
        {"id": "seed 001", "title": "Seed", "kind": "Zendesk docs", "url": "javascript:alert(3)"},
        {"id": "S3", "title": "Filtering events", "kind": "Zendesk docs", "url": None},
    ]
    page = render(report)
    row = _rows_by_id(page)[contract["id"]]
    (cell,) = [td for td in row.iter("td") if td.get("class") == "source"]
    anchors = [(a.get("href"), a.text, a.get("title")) for a in cell.iter("a")]
    assert anchors == [(S1_URL + "?a=1&b=2", "S1", 'Events API "reference"')], (
        "only S1 has an http(s) address: it alone is an anchor, with its title; the address is escaped"
    )
    assert "".join(cell.itertext()) == contract["source"], "the cell reads as the source was written"
    assert "<b>" not in page and "javascript:alert(3)" not in page, (
        "markup in the source is text, and a non-http address is not rendered at all"
    )


def test_a_source_without_links_is_plain_text(page: str) -> None:
    row = _rows_by_id(page)["filters.start_time.inclusive"]
    (cell,) = [td for td in row.iter("td") if td.get("class") == "source"]
    assert list(cell.iter("a")) == [] and cell.text == "docs/filters.md#filters.start_time.inclusive"


def test_verdict_for_a_failing_run(page: str) -> None:
    assert "Does not conform (2 contracts failed)" in page, (
        "a run with a failure and an error should say it does not conform, counting both"
    )
    assert ">Conforms<" not in page, "a failing run should not claim to conform"


def test_verdict_for_a_clean_run() -> None:
    page = render(clean_report())
    assert ">Conforms<" in page, "a run without failures or errors should say Conforms"
    assert "Does not conform" not in page, "a clean run should not say it does not conform"


def test_header_options_and_capabilities(page: str) -> None:
    for text in (
        "pytest-zdevents 0.1.0 (specification 1.0.0, documented view)",
        "Acme Events 2.3",
        "http://127.0.0.1:8000",
        "2026-11-22T18:00:00+00:00",
        "12.30 s",
        "--zd-url",
        "ZDEVENTS_API_TOKEN",
        "filters, profiles",
        "caps.yaml",
    ):
        assert text in page, f"the header, options or capabilities should show {text!r}"
    capabilities = next(t for t in ET.fromstring(page).iter("table") if t.get("class") == "capabilities")
    cells = ["".join(td.itertext()) for td in capabilities.iter("td")]
    assert cells == ["profile_writes", "yes", "oauth", "no"], "declared capabilities should read yes/no"


def test_control_characters_keep_the_page_well_formed() -> None:
    report = sample_report()
    report["contracts"][1]["reproduction"] = "\x1b[31mred\x1b[0m and a bell \x07"
    page = render(report)
    ET.fromstring(page)  # raises if a control character slipped through
    assert "red and a bell" in page, "colour codes should be stripped from the reproduction"
