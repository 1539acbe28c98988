"""The catalogue (contracts/catalogue.yaml) and the contracts in code stay in step."""

from __future__ import annotations

import re

from suite import catalogue, entries, marked_tests, quirk_map

from pytest_zdevents.emulator.switches import QUIRKS
from pytest_zdevents.runtime.capabilities import CAPABILITIES
from pytest_zdevents.spec.catalogue import load_catalogue

ID = re.compile(r"[a-z_]+(\.[a-z0-9_]+){2,}")
FIELDS = {"id", "must", "source", "file", "quirks", "requires", "writes"}
SOURCE = re.compile(r"\bS\d+\b|seed 00[0-2]|reference|openapi\.yaml")


def test_every_entry_is_complete() -> None:
    for entry in catalogue()["contracts"]:
        assert set(entry) == FIELDS, f"{entry.get('id')}: fields {sorted(entry)}, expected {sorted(FIELDS)}"
        assert ID.fullmatch(entry["id"]), f"{entry['id']} is not area.subject.promise"
        assert "MUST" in entry["must"], f"{entry['id']}: the statement says no MUST"
        assert SOURCE.search(entry["source"]), f"{entry['id']}: the source cites no seed or reference"


def test_ids_are_unique() -> None:
    ids = [entry["id"] for entry in catalogue()["contracts"]]
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})


def test_catalogue_and_code_list_the_same_contracts() -> None:
    in_code = {contract for contract, *_ in marked_tests()}
    listed = set(entries())
    assert not in_code - listed, f"contracts in code but not in the catalogue: {sorted(in_code - listed)}"
    assert not listed - in_code, f"contracts in the catalogue but not in code: {sorted(listed - in_code)}"


def test_each_contract_lives_in_its_catalogued_file() -> None:
    for contract, path, name, _ in marked_tests():
        assert entries()[contract]["file"] == path, f"{contract} is in {path}::{name}"


def test_docstrings_leave_the_promise_and_its_source_to_the_catalogue() -> None:
    """A contract's MUST and source have one home, the catalogue; the marker names the contract,
    and a docstring may only say how the test checks it."""
    for contract, path, name, docstring in marked_tests():
        if docstring:
            assert "MUST" not in docstring, f"{path}::{name} restates the MUST of {contract}"
            assert not SOURCE.search(docstring), f"{path}::{name} cites a source of {contract}"


def test_every_quirk_is_caught_or_explained() -> None:
    """Each quirk proves at least one contract, or the catalogue says why none covers it."""
    proven = set(quirk_map())
    uncaught = catalogue().get("uncaught_quirks", {})
    assert proven <= set(QUIRKS), f"unknown quirks: {sorted(proven - set(QUIRKS))}"
    assert not proven & set(uncaught), f"both caught and uncaught: {sorted(proven & set(uncaught))}"
    missing = set(QUIRKS) - proven - set(uncaught)
    assert not missing, f"quirks no contract catches and no reason explains: {sorted(missing)}"
    assert all(len(reason.split()) > 5 for reason in uncaught.values())


def test_every_contract_is_proven_by_a_quirk() -> None:
    assert all(entry["quirks"] for entry in catalogue()["contracts"])


def test_requires_names_known_capabilities_and_writes_is_a_boolean() -> None:
    for entry in catalogue()["contracts"]:
        assert set(entry["requires"]) <= set(CAPABILITIES), f"{entry['id']}: requires {entry['requires']}"
        assert isinstance(entry["writes"], bool), f"{entry['id']}: writes must be true or false"


def test_the_plugin_reads_the_same_catalogue() -> None:
    assert list(load_catalogue()) == list(entries())
