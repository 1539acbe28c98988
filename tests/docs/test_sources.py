"""docs/sources.md, the one list of the sources the project cites: every source has a title and an
address, everything the repository cites is listed, and the plugin reads the same file the reader
does (in a checkout, and in the wheel)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml

from pytest_zdevents.spec.catalogue import load_catalogue
from pytest_zdevents.spec.sources import SOURCES_DOC, cited, links, load_sources, parse

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / SOURCES_DOC

#: Every file whose prose cites sources; a citation anywhere in them must resolve.
CITING = sorted(
    str(path.relative_to(ROOT))
    for path in (
        ROOT / "README.md",
        ROOT / "openapi.yaml",
        ROOT / "contracts/catalogue.yaml",
        *(ROOT / "contracts").glob("*.py"),
        *(ROOT / "docs").glob("*.md"),
    )
)
#: Files a reader of the repository or the wheel meets: none may send them outside it. The
#: same files as those that cite sources.
SELF_CONTAINED = CITING
KINDS = {
    "Zendesk docs",
    "Zendesk docs (historical)",
    "Zendesk sample code",
    "third-party docs",
    "third-party code",
}


def test_every_source_and_seed_is_listed_once_with_title_kind_and_address() -> None:
    sources = load_sources()
    expected = [f"S{n}" for n in range(1, 29)] + [f"seed {n:03d}" for n in range(3)]
    assert list(sources) == expected, "docs/sources.md lists S1..S28, then the seeds, in order"
    for source in sources.values():
        assert source.title and source.kind in KINDS, f"{source.id}: title and one of {sorted(KINDS)}"
        for url in (source.url, *source.also):
            assert url is None or url.startswith("https://"), f"{source.id}: {url} is not https"
        if source.kind.startswith("Zendesk"):
            assert source.url, f"{source.id} is a Zendesk page: it needs its address"
    assert sources["S1"].url == sources["seed 001"].url, "seed 001 is the page of S1"
    assert sources["S4"].url == sources["seed 002"].url, "seed 002 is the page of S4"


def test_the_plugin_reads_the_checkouts_doc() -> None:
    assert load_sources() == parse(DOC.read_text(encoding="utf-8"))


def test_the_wheel_ships_the_doc_where_the_plugin_looks() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    shipped = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert shipped.get(SOURCES_DOC) == f"pytest_zdevents/{SOURCES_DOC}", (
        "the wheel must carry docs/sources.md inside the package, where pytest_zdevents.spec.resources looks"
    )


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("| S1 | Events API reference | Zendesk docs |", "want"),
        ("| S1 | | Zendesk docs | <https://example.com> |", "want"),
        ("| S1 | Events API reference | Zendesk docs | example.com |", "no <https://...> address"),
        ("| S1 | A | Zendesk docs | <https://a.example> |\n| S1 | B | Zendesk docs | none |", "twice"),
    ],
)
def test_a_malformed_row_is_refused(row: str, problem: str) -> None:
    with pytest.raises(ValueError, match=re.escape(problem)):
        parse(row)


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("S1 (Track Event), example 202; S8 'created'", ["S1", "S8"]),
        ("S14/S15 retention; S1 again", ["S14", "S15", "S1"]),
        ("seed 001 (Events API reference); Seed 000's tutorial", ["seed 001", "seed 000"]),
        ("seeds 000 and 002 include it", ["seed 000", "seed 002"]),
        ("seeds 000, 002", ["seed 000", "seed 002"]),
        ("seeds 000-002 and S1..S3", ["seed 000", "seed 001", "seed 002", "S1", "S2", "S3"]),
        ("seed 000/001/002", ["seed 000", "seed 001", "seed 002"]),
        ("--zd-seed 4242, S100, US1, status 202, §3.6", []),
    ],
)
def test_citations_are_found_in_every_form_the_project_writes(text: str, ids: list[str]) -> None:
    assert cited(text) == ids


def test_links_carry_title_and_address() -> None:
    (s1, s8) = links("S1 example response; S8 'a 202 status'")
    assert s1 == {
        "id": "S1",
        "title": "Events API reference",
        "kind": "Zendesk docs",
        "url": "https://developer.zendesk.com/api-reference/ticketing/users/events-api/events-api/",
    }
    assert s8["url"] == "https://developer.zendesk.com/documentation/ticketing/events/tracking-events/"


@pytest.mark.parametrize("path", CITING)
def test_every_citation_is_listed(path: str) -> None:
    missing = sorted(set(cited((ROOT / path).read_text(encoding="utf-8"))) - set(load_sources()))
    assert not missing, f"{path} cites {missing}, which {SOURCES_DOC} does not list"


def test_every_contract_links_a_source_a_reader_can_open() -> None:
    unlinked = [
        contract.id
        for contract in load_catalogue().values()
        if not any(link["url"] for link in links(contract.source))
    ]
    assert not unlinked, f"these contracts cite no source with an address: {unlinked}"


def _cited_sections(text: str) -> set[str]:
    """``reference §4``, ``reference §1.1 E6 and §2.3``, ``reference §3.7, §6.1``, ``§8 item 2``."""
    chains = re.findall(r"reference (§[\d.]+(?:[^§;)\"]{0,12}§[\d.]+)*)", text)
    return {section.rstrip(".") for chain in chains for section in re.findall(r"§[\d.]+", chain)}


def test_every_cited_section_of_the_research_notes_is_described() -> None:
    table = DOC.read_text(encoding="utf-8").split("## Sections of the research notes", 1)[1]
    described = set(re.findall(r"^\| (§[\d.]+) \|", table, re.M))
    for path in CITING:
        sections = _cited_sections((ROOT / path).read_text(encoding="utf-8"))
        assert sections <= described, (
            f"{path} cites {sorted(sections - described)}, which {SOURCES_DOC} does not describe"
        )
    assert _cited_sections("(reference §1.1 E6 and §2.3; reference §3.7, §6.1, §8 item 2)") == {
        "§1.1",
        "§2.3",
        "§3.7",
        "§6.1",
        "§8",
    }


def test_the_operation_table_matches_the_spec() -> None:
    rows = re.findall(
        r"^\| ([EP]\d) \| ([A-Z]+) \| `([^`?]+)[^`]*` \|", DOC.read_text(encoding="utf-8"), re.M
    )
    spec = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
    operations = {
        operation["x-zdevents-id"]: (method.upper(), path)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict) and "x-zdevents-id" in operation
    }
    assert {identifier: (method, path) for identifier, method, path in rows} == operations


@pytest.mark.parametrize("path", SELF_CONTAINED)
def test_nothing_points_outside_the_repository(path: str) -> None:
    text = (ROOT / path).read_text(encoding="utf-8")
    assert "shared/reference" not in text and "/work/" not in text, (
        f"{path} sends the reader to a file outside the repository; cite {SOURCES_DOC} instead"
    )
