"""The public sources that contracts, the spec and the docs cite: ``S1`` .. ``S28`` and the seeds
``seed 000`` .. ``seed 002``.

``docs/sources.md`` is the one place where each source's title and address are written: this module
reads its tables at run time (the wheel ships the file inside the package, as it does
``openapi.yaml``). A table row whose first cell is a source ID is a source:

    | S1 | Events API reference | Zendesk docs | <https://...> (also <https://...>) |

The first address is the source's link; a row without one (``none``) is a source nobody can open.
:func:`cited` finds the IDs a text cites, :func:`links` turns them into the links the JSON report
carries, and :func:`citation_spans` tells the HTML matrix where in the text each one stands.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pytest_zdevents.spec.resources import bundled

SOURCES_DOC = "docs/sources.md"

#: A table row of docs/sources.md whose first cell is a source ID.
_ROW = re.compile(r"^\|\s*(S\d+|seed \d{3})\s*\|(.*)\|\s*$")
_URL = re.compile(r"<(https?://[^<>\s]+)>")
#: ``S1``, or a range ``S1..S28`` / ``S9-S11``.
_S_CITATION = re.compile(r"\bS([1-9]\d?)\b(?:\s*(?:\.\.|[-\u2013])\s*S([1-9]\d?)\b)?")
#: ``seed 001``, ``seeds 000 and 002``, ``seeds 000, 002``, ``seeds 000-002``, ``seed 000/001/002``.
_SEED_CITATION = re.compile(r"\b[Ss]eeds? (\d{3}(?:\s*(?:,|and|/|[-\u2013])\s*\d{3})*)\b")
_SEED_NUMBER = re.compile(r"\d{3}|[-\u2013]")


@dataclass(frozen=True)
class Source:
    """One row of docs/sources.md."""

    id: str
    title: str
    #: Zendesk docs, Zendesk sample code, third-party docs, third-party code, ...
    kind: str
    #: The address to open, or None when no public one is known.
    url: str | None
    #: Further addresses of the same source (a mirror, the repository of a page).
    also: tuple[str, ...] = ()

    def link(self) -> dict[str, Any]:
        """The source as a report shows it."""
        return {"id": self.id, "title": self.title, "kind": self.kind, "url": self.url}


def parse(text: str) -> dict[str, Source]:
    """Every source row of a sources document, by ID, in document order. Raises ValueError on a
    row that names a source but does not say what it is, or on an ID given twice."""
    sources: dict[str, Source] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = _ROW.match(line)
        if match is None:
            continue
        identifier, rest = match.groups()
        cells = [cell.strip() for cell in rest.split("|")]
        if len(cells) != 3 or not cells[0] or not cells[1]:
            raise ValueError(f"{SOURCES_DOC} line {number}: want | ID | title | kind | address |: {line}")
        title, kind, where = cells
        urls = _URL.findall(where)
        if not urls and where != "none":
            raise ValueError(f"{SOURCES_DOC} line {number}: {identifier} has no <https://...> address")
        if identifier in sources:
            raise ValueError(f"{SOURCES_DOC} line {number}: {identifier} is listed twice")
        sources[identifier] = Source(identifier, title, kind, urls[0] if urls else None, tuple(urls[1:]))
    return sources


@functools.cache
def load_sources() -> dict[str, Source]:
    """The sources of docs/sources.md (the packaged copy, or the checkout's)."""
    return parse(bundled(SOURCES_DOC).read_text(encoding="utf-8"))


def citation_spans(text: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, id)`` for each citation written in ``text``, in order. A list of seeds gives
    one span per number (the first also covers the word "seed"); the IDs inside a range
    (``S1..S28``, ``seeds 000-002``) are cited but not written, so they have no span."""
    spans: list[tuple[int, int, str]] = []
    for match in _S_CITATION.finditer(text):
        spans.append((match.start(), match.start(1) + len(match.group(1)), f"S{match.group(1)}"))
        if match.group(2):
            spans.append((match.start(2) - 1, match.end(), f"S{match.group(2)}"))
    for match in _SEED_CITATION.finditer(text):
        for index, number in enumerate(re.finditer(r"\d{3}", match.group(1))):
            start = match.start() if index == 0 else match.start(1) + number.start()
            spans.append((start, match.start(1) + number.end(), f"seed {number.group()}"))
    yield from sorted(spans)


def cited(text: str) -> list[str]:
    """The source IDs ``text`` cites, each once, in order of first mention; ranges are expanded."""
    found: list[tuple[int, str]] = []
    for match in _S_CITATION.finditer(text):
        first = int(match.group(1))
        last = int(match.group(2) or first)
        found += [(match.start(), f"S{n}") for n in range(first, max(first, last) + 1)]
    for match in _SEED_CITATION.finditer(text):
        previous: int | None = None
        ranged = False
        for token in _SEED_NUMBER.findall(match.group(1)):
            if token in "-\u2013":  # a hyphen or an en dash
                ranged = True
                continue
            number = int(token)
            numbers = range(previous + 1, number + 1) if ranged and previous is not None else [number]
            found += [(match.start(), f"seed {n:03d}") for n in numbers]
            previous, ranged = number, False
    found.sort(key=lambda item: item[0])
    return list(dict.fromkeys(identifier for _, identifier in found))


def links(text: str) -> list[dict[str, Any]]:
    """The sources ``text`` cites, as ``{"id", "title", "kind", "url"}``; IDs that docs/sources.md
    does not list are left out (a test keeps every citation listed)."""
    sources = load_sources()
    return [sources[identifier].link() for identifier in cited(text) if identifier in sources]
