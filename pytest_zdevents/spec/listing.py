"""The contracts of the catalogue as ``--zd-list-contracts`` prints them: as text, grouped by area,
each with its ID, MUST statement and source; or as JSON. ``zdevents-conformance`` and the pytest
plugin print the same thing."""

from __future__ import annotations

import json
import textwrap

from pytest_zdevents.spec.catalogue import Contract, areas, load_catalogue

LIST_FLAG = "--zd-list-contracts"
FORMATS = ("text", "json")
WIDTH = 100


def contract_listing(form: str = "text") -> str:
    """Every contract of the catalogue, in catalogue order, as ``text`` or ``json``."""
    catalogue = load_catalogue()
    if form == "json":
        return json.dumps({"contracts": [_as_dict(c) for c in catalogue.values()]}, indent=2) + "\n"
    if form != "text":
        raise ValueError(f"{LIST_FLAG} takes one of {', '.join(FORMATS)}, not {form!r}.")
    lines = [
        f"{len(catalogue)} contracts in {len(areas())} areas. Run some with --zd-contract ID or a "
        "pattern, e.g. --zd-contract 'filters.*'; "
        f"{LIST_FLAG}=json prints this list as JSON.",
    ]
    for area in areas():
        contracts = [c for c in catalogue.values() if c.area == area]
        lines += ["", f"{area} ({len(contracts)} contract{'s' if len(contracts) != 1 else ''})"]
        for contract in contracts:
            notes = ["writes" if contract.writes else "reads only"]
            notes += [f"needs {', '.join(contract.requires)}"] if contract.requires else []
            lines.append(f"  {contract.id}  ({'; '.join(notes)})")
            lines += _wrapped("", contract.must)
            lines += _wrapped("source: ", contract.source)
    return "\n".join(lines) + "\n"


def _as_dict(contract: Contract) -> dict[str, object]:
    return {
        "id": contract.id,
        "area": contract.area,
        "must": contract.must,
        "source": contract.source,
        "requires": list(contract.requires),
        "writes": contract.writes,
        "file": contract.file,
    }


def _wrapped(label: str, text: str) -> list[str]:
    """``text`` on lines of at most WIDTH, under its contract's ID."""
    return textwrap.wrap(
        " ".join(text.split()), width=WIDTH, initial_indent="      " + label, subsequent_indent="        "
    )
