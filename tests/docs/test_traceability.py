"""docs/traceability.md and the catalogue stay in step: every statement of the docs is checked by
contracts or has the reason no outside test can check it, and every contract of the catalogue
exists for a statement of the docs.

Each check is a function from the parsed page to a list of problems, so that the checks of the
real page below and the negative checks on doctored pages at the end run the same code.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from pytest_zdevents.spec.catalogue import load_catalogue
from pytest_zdevents.spec.sources import Source, cited, load_sources

ROOT = Path(__file__).resolve().parents[2]
DOC = "docs/traceability.md"

#: ``## Filters (T-FLT)``: a chapter and the prefix of its statements' IDs.
CHAPTER = re.compile(r"^## .*\((T-[A-Z]+)\)$", re.M)
BLOCK = re.compile(r"^```yaml\n(.*?)^```$", re.M | re.S)
ID = re.compile(r"(T-[A-Z]+)-\d{2}")
REQUIRED = ("id", "says", "source")
#: A statement has exactly one of these.
ANSWERS = ("contracts", "reason", "gap")
FIELDS = {*REQUIRED, *ANSWERS, "note"}
#: The fewest words a reason takes to say why no outside test can check a statement.
REASON_WORDS = 8


@dataclass(frozen=True)
class Statement:
    """One statement of the docs, as the page gives it."""

    id: str
    chapter: str
    fields: Mapping[str, Any]

    @property
    def contracts(self) -> list[Any]:
        value = self.fields.get("contracts")
        return value if isinstance(value, list) else []


@dataclass(frozen=True)
class Page:
    statements: list[Statement]
    #: What could not be read as statements, each a sentence saying what to fix.
    unreadable: list[str]


def parse(text: str) -> Page:
    """The statements of every ```yaml block, each under the last chapter heading before it."""
    chapters = [(match.start(), match.group(1)) for match in CHAPTER.finditer(text)]
    statements: list[Statement] = []
    unreadable: list[str] = []
    for number, block in enumerate(BLOCK.finditer(text), 1):
        before = [prefix for start, prefix in chapters if start < block.start()]
        where = f"YAML block {number} of {DOC}"
        if not before:
            unreadable.append(f"{where} comes before any chapter heading ('## Title (T-XXX)'): add one.")
            continue
        try:
            entries = yaml.safe_load(block.group(1))
        except yaml.YAMLError as error:
            unreadable.append(f"{where} is not valid YAML ({error}): fix its quoting or indentation.")
            continue
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            unreadable.append(f"{where} must be a list of statements, each a mapping: rewrite it as one.")
            continue
        statements += [Statement(str(e.get("id")), before[-1], e) for e in entries]
    if not statements and not unreadable:
        unreadable.append(f"{DOC} holds no statements: each chapter lists its own in a ```yaml block.")
    return Page(statements, unreadable)


def check_fields(page: Page) -> list[str]:
    problems = list(page.unreadable)
    for s in page.statements:
        for name in REQUIRED:
            if not isinstance(s.fields.get(name), str) or not s.fields[name].strip():
                problems.append(f"{s.id} has no {name}: every statement needs an id, says and source.")
        unknown = sorted(set(s.fields) - FIELDS)
        if unknown:
            problems.append(
                f"{s.id} has fields {unknown} that the page does not define: use {sorted(FIELDS)}."
            )
        if "contracts" in s.fields and (not s.contracts or not all(isinstance(c, str) for c in s.contracts)):
            problems.append(f"{s.id}'s contracts must be a non-empty list of contract IDs: list them.")
    return problems


def check_ids(page: Page) -> list[str]:
    problems = []
    for s in page.statements:
        match = ID.fullmatch(s.id)
        if match is None:
            problems.append(f"{s.id} is not an ID of the form T-<CHAPTER>-<nn>, such as T-FLT-03: rename it.")
        elif match.group(1) != s.chapter:
            problems.append(
                f"{s.id} stands under the chapter {s.chapter}: move it there, or give it an ID of "
                f"{s.chapter}."
            )
    counts = Counter(s.id for s in page.statements)
    problems += [
        f"{i} appears {n} times: give each statement its own ID." for i, n in counts.items() if n > 1
    ]
    return problems


def check_answered(page: Page) -> list[str]:
    problems = []
    for s in page.statements:
        given = [name for name in ANSWERS if name in s.fields]
        if len(given) > 1:
            problems.append(f"{s.id} has {' and '.join(given)}: keep the one that holds, only one.")
        elif given == ["gap"]:
            problems.append(
                f"{s.id} has a gap and no contract: write the contract that asserts what the gap says "
                f"({str(s.fields['gap']).strip()!r}), list it in contracts/catalogue.yaml and replace the "
                "gap with 'contracts: [its ID]', or give the reason no outside test can check it."
            )
        elif not given:
            problems.append(
                f"{s.id} has neither contracts nor a reason: name the contracts of contracts/catalogue.yaml "
                "that check it, or say why no outside test can."
            )
        elif given == ["reason"] and len(str(s.fields["reason"]).split()) < REASON_WORDS:
            problems.append(
                f"{s.id}'s reason is too short to say why no outside test can check the statement: write "
                "it out in a sentence or two."
            )
    return problems


def check_known_contracts(page: Page, catalogue: Collection[str]) -> list[str]:
    return [
        f"{s.id} names the contract {c}, which contracts/catalogue.yaml does not list: correct the ID, or "
        "add the contract to the catalogue."
        for s in page.statements
        for c in s.contracts
        if c not in catalogue
    ]


def check_every_contract_traced(page: Page, catalogue: Collection[str]) -> list[str]:
    traced = {c for s in page.statements for c in s.contracts}
    return [
        f"The contract {c} traces to no statement of {DOC}: add it to the contracts of the statement it "
        "checks, or add the statement of the docs it exists for."
        for c in catalogue
        if c not in traced
    ]


def check_sources(page: Page, sources: Mapping[str, Source]) -> list[str]:
    problems = []
    for s in page.statements:
        ids = cited(str(s.fields.get("source", "")))
        unknown = [i for i in ids if i not in sources]
        if unknown:
            problems.append(f"{s.id} cites {unknown}, which docs/sources.md does not list: cite a listed ID.")
        if not any(i in sources and sources[i].kind.startswith("Zendesk docs") for i in ids):
            problems.append(
                f"{s.id}'s source cites no Zendesk page (a seed, or an S source that docs/sources.md calls "
                "Zendesk docs): only what Zendesk's docs say belongs here; cite the page that says it."
            )
    return problems


@pytest.fixture(scope="module")
def page() -> Page:
    return parse((ROOT / DOC).read_text(encoding="utf-8"))


def _assert_none(problems: list[str]) -> None:
    assert not problems, f"{len(problems)} problems in {DOC}:\n" + "\n".join(problems)


def test_every_statement_is_read_with_its_fields(page: Page) -> None:
    _assert_none(check_fields(page))


def test_ids_are_unique_and_belong_to_their_chapter(page: Page) -> None:
    _assert_none(check_ids(page))


def test_every_statement_has_contracts_or_a_reason(page: Page) -> None:
    _assert_none(check_answered(page))


def test_every_contract_named_is_in_the_catalogue(page: Page) -> None:
    _assert_none(check_known_contracts(page, load_catalogue()))


def test_every_contract_of_the_catalogue_traces_to_a_statement(page: Page) -> None:
    _assert_none(check_every_contract_traced(page, load_catalogue()))


def test_every_statement_cites_a_zendesk_page(page: Page) -> None:
    _assert_none(check_sources(page, load_sources()))


# --- Each check can fail: doctored pages -----------------------------------------------------

SAMPLE = """\
# A page

## Filters (T-FLT)

```yaml
- id: T-FLT-01
  says: "filter[source]: Include events of the specified source"
  source: seed 001, Get Zendesk User Events
  contracts: [filters.source.matches]
- id: T-FLT-02
  says: The filter[source] parameter must be included
  source: seed 001, Get Zendesk User Events
  reason: A requirement on the client whose breach the docs give no answer to.
```

## Limits (T-LIM)

```yaml
- id: T-LIM-01
  says: "Profiles (account): 30,000,000"
  source: S14 (reference §6.1)
  reason: An account-wide limit that would take thirty million profiles to reach.
```
"""
SAMPLE_CATALOGUE = ["filters.source.matches"]

Check = Callable[[Page], list[str]]
CHECKS: dict[str, Check] = {
    "fields": check_fields,
    "ids": check_ids,
    "answered": check_answered,
    "known": lambda page: check_known_contracts(page, SAMPLE_CATALOGUE),
    "traced": lambda page: check_every_contract_traced(page, SAMPLE_CATALOGUE),
    "sources": lambda page: check_sources(page, load_sources()),
}


def test_the_sample_passes_every_check() -> None:
    page = parse(SAMPLE)
    assert len(page.statements) == 3
    for name, check in CHECKS.items():
        assert check(page) == [], f"the check {name} fails the undoctored sample"


@pytest.mark.parametrize(
    ("check", "old", "new", "problem"),
    [
        ("answered", "  contracts: [filters.source.matches]\n", "  gap: Refuses the rest.\n", "has a gap"),
        ("answered", "  contracts: [filters.source.matches]\n", "", "neither contracts nor a reason"),
        ("answered", "  reason: An account-wide", "  gap: x\n  reason: An account-wide", "keep the one"),
        ("answered", "  reason: A requirement on the client whose breach", "  reason: Silent", "too short"),
        ("known", "[filters.source.matches]", "[filters.source.matchez]", "does not list"),
        ("traced", "[filters.source.matches]", "[filters.source.matches_not]", "traces to no statement"),
        ("ids", "id: T-FLT-02", "id: T-FLT-01", "appears 2 times"),
        ("ids", "id: T-LIM-01", "id: T-FLT-03", "stands under the chapter T-LIM"),
        ("ids", "id: T-FLT-02", "id: FLT-2", "not an ID of the form"),
        ("fields", "  source: S14 (reference §6.1)\n", "", "has no source"),
        ("fields", "  says: The filter[source]", "  said: The filter[source]", "has no says"),
        ("fields", "  reason: An account-wide", "  why: x\n  reason: An account-wide", "does not define"),
        ("fields", "[filters.source.matches]", "[]", "non-empty list"),
        ("fields", "- id: T-LIM-01\n", "- id: T-LIM-01\n  - stray\n", "not valid YAML"),
        ("fields", "## Filters (T-FLT)\n", "## Filters\n", "before any chapter heading"),
        ("sources", "source: S14 (reference §6.1)", "source: S17 (reference §6.1)", "cites no Zendesk page"),
        ("sources", "source: S14 (reference §6.1)", "source: S14 and S99", "does not list"),
    ],
)
def test_a_doctored_page_fails_its_check(check: str, old: str, new: str, problem: str) -> None:
    assert old in SAMPLE, f"the doctoring {old!r} no longer finds its place in the sample"
    problems = CHECKS[check](parse(SAMPLE.replace(old, new, 1)))
    assert any(problem in p for p in problems), f"the {check} check missed it: {problems}"


def test_a_contract_renamed_in_the_real_page_is_both_unknown_and_untraced() -> None:
    """On the real page: renaming every mention of one contract makes both catalogue checks fail."""
    text = (ROOT / DOC).read_text(encoding="utf-8")
    assert "filters.type.matches" in text
    page = parse(text.replace("filters.type.matches", "filters.type.matches_renamed"))
    catalogue = load_catalogue()
    assert any("filters.type.matches_renamed" in p for p in check_known_contracts(page, catalogue))
    assert any("filters.type.matches " in p for p in check_every_contract_traced(page, catalogue))
