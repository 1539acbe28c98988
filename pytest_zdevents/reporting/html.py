"""Render a conformance run report (the JSON-able dict the plugin writes) as one self-contained
HTML page a vendor can publish: a header with the run's facts and verdict, the effective options,
the declared capabilities and, per area, a matrix of contracts with their outcomes.

The page has inline CSS only (no scripts, fonts, images or other resources to load) and is
well-formed XML, so tools can parse it as well as browsers. Every value from the report is
escaped: reports carry server answers and failure text, which may hold markup. The only anchors
lead away from the page: each source a contract cites (``source_links``, see docs/sources.md) and
a deviation's link, and only to http(s) addresses.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from pytest_zdevents.reporting import fidelity
from pytest_zdevents.spec.sources import citation_spans

__all__ = ["render"]

#: Outcome keys in display order, with the label a reader sees.
OUTCOMES: dict[str, str] = {
    "passed": "passed",
    "failed": "failed",
    "error": "error",
    "skipped": "skipped",
    "xfailed": "expected failure",
    "xpassed": "unexpectedly passed",
    "not run": "not run",
}

#: pytest's exit codes (``pytest.ExitCode``), named so a reader need not look them up.
EXIT_STATUSES: dict[int, str] = {
    0: "all tests passed",
    1: "tests failed",
    2: "interrupted",
    3: "internal error",
    4: "usage error",
    5: "no tests collected",
}

# Failure text may hold terminal colour codes and other control characters: the first are
# noise, the second are not allowed in XML (and show as garbage in browsers).
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

_STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 2em auto;
  max-width: 80em; padding: 0 1em; color: #1a1a1a; line-height: 1.4; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.3em; margin-top: 2em; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 0.5em 0 1em; }
th, td { border: 1px solid #d0d0d0; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
code, pre, .id { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace; }
.id { white-space: nowrap; }
pre { background: #f7f7f7; padding: 0.6em; overflow-x: auto; white-space: pre-wrap; margin: 0.4em 0; }
.small, .source { font-size: 0.85em; color: #555; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
.matrix { width: 100%; }
.verdict { font-size: 1.2em; font-weight: bold; padding: 0.4em 0.8em; display: inline-block;
  border-radius: 0.3em; }
.conforms { background: #e3f4e6; color: #14532d; }
.nonconforming { background: #fbe4e4; color: #7f1d1d; }
.badge { display: inline-block; padding: 0.1em 0.5em; border-radius: 0.8em; font-size: 0.85em;
  font-weight: bold; white-space: nowrap; color: #fff; background: #6b7280; }
.outcome-passed { background: #15803d; }
.outcome-failed { background: #dc2626; }
.outcome-error { background: #7f1d1d; }
.outcome-skipped { background: #6b7280; }
.outcome-xfailed { background: #f59e0b; color: #1a1a1a; }
.outcome-xpassed { background: #7e22ce; }
.outcome-not-run { background: #e5e7eb; color: #374151; }
.reason { font-size: 0.85em; color: #444; margin-top: 0.3em; max-width: 20em; }
tr.details td { background: #fcfcfc; }
summary { cursor: pointer; font-weight: bold; }
tr:target td { background: #fff8d6; }
@media print { details { display: block; } tr { page-break-inside: avoid; } }
"""


def render(report: Mapping[str, Any]) -> str:
    """The HTML page for ``report``: a complete document starting with ``<!DOCTYPE html>``."""
    title = f"Zendesk Events API conformance: {_subject(report)}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8" />',
        '<meta name="viewport" content="width=device-width, initial-scale=1" />',
        f"<title>{_esc(title)}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        f"<h1>{_esc(title)}</h1>",
        *_header(report),
        *_options(report.get("options") or {}),
        *_capabilities(report.get("capabilities") or {}),
        *_matrix(report),
        *fidelity.section(report.get("fidelity")),
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def _esc(value: Any) -> str:
    """``value`` as text safe inside an element or a quoted attribute."""
    text = "" if value is None else str(value)
    text = _CONTROL.sub("\N{REPLACEMENT CHARACTER}", _ANSI.sub("", text))
    return html.escape(text, quote=True)


def _subject(report: Mapping[str, Any]) -> str:
    """What was tested: the implementation's name, else the target URL."""
    implementation = report.get("implementation") or {}
    target = report.get("target") or {}
    if implementation.get("name"):
        return str(implementation["name"])
    if target.get("url"):
        return str(target["url"])
    return "embedded emulator" if target.get("embedded") else "unknown target"


def _value(value: Any) -> str:
    """An option or credential value as a reader expects to see it (already masked upstream)."""
    if value is None:
        return "not set"
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple):
        return ", ".join(_value(item) for item in value) or "(none)"
    return json.dumps(value)


def _seconds(value: Any) -> str:
    return f"{value:.2f}" if isinstance(value, int | float) and not isinstance(value, bool) else ""


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _counts_text(counts: Mapping[str, Any]) -> str:
    """``"8 contracts: 7 passed, 1 failed"``: non-zero counts only, so the line stays short."""
    known = {key: int(counts.get(key) or 0) for key in OUTCOMES}
    total = sum(known.values())
    shown = ", ".join(f"{count} {OUTCOMES[key]}" for key, count in known.items() if count)
    return f"{_plural(total, 'contract')}: {shown}" if shown else _plural(total, "contract")


def _verdict(totals: Mapping[str, Any]) -> tuple[str, str]:
    """The one-line verdict and its CSS class."""
    failed = int(totals.get("failed") or 0) + int(totals.get("error") or 0)
    if failed == 0:
        return "Conforms", "conforms"
    return f"Does not conform ({_plural(failed, 'contract')} failed)", "nonconforming"


def _badge(outcome: Any) -> str:
    key = str(outcome)
    css = "outcome-" + re.sub(r"[^a-z]+", "-", key.lower()) if key in OUTCOMES else "outcome-skipped"
    return f'<span class="badge {css}">{_esc(OUTCOMES.get(key, key))}</span>'


def _is_http(url: Any) -> bool:
    return isinstance(url, str) and url.lower().startswith(("http://", "https://"))


def _link(url: Any) -> str:
    """An anchor for http(s) URLs only: anything else (``javascript:`` and the like) is text."""
    text = str(url)
    if _is_http(text):
        return f'<a href="{_esc(text)}">{_esc(text)}</a>'
    return f"<code>{_esc(text)}</code>"


def _source(contract: Mapping[str, Any]) -> str:
    """The contract's source text with each cited ID an anchor to the page the report links it
    to; an ID the report has no http(s) address for stays text."""
    text = str(contract.get("source") or "")
    links = {
        str(link.get("id")): link
        for link in contract.get("source_links") or []
        if isinstance(link, Mapping) and _is_http(link.get("url"))
    }
    parts, position = [], 0
    for start, end, identifier in citation_spans(text):
        link = links.get(identifier)
        if link is None or start < position:
            continue
        title = f' title="{_esc(link.get("title"))}"' if link.get("title") else ""
        parts += [
            _esc(text[position:start]),
            f'<a href="{_esc(link["url"])}"{title}>{_esc(text[start:end])}</a>',
        ]
        position = end
    parts.append(_esc(text[position:]))
    return "".join(parts)


def _table(headers: Iterable[str], rows: Iterable[Iterable[str]], css: str = "") -> list[str]:
    """A table whose cells are already HTML (escaped by the caller)."""
    head = "".join(f"<th>{_esc(header)}</th>" for header in headers)
    body = ["<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows]
    opening = f'<table class="{css}">' if css else "<table>"
    return [opening, f"<thead><tr>{head}</tr></thead>", "<tbody>", *body, "</tbody>", "</table>"]


def _header(report: Mapping[str, Any]) -> list[str]:
    suite = report.get("suite") or {}
    implementation = report.get("implementation")
    target = report.get("target") or {}
    totals = report.get("totals") or {}
    verdict, verdict_class = _verdict(totals)

    facts: list[tuple[str, str]] = [
        (
            "Suite",
            f"{_esc(suite.get('name'))} {_esc(suite.get('version'))}"
            f" (specification {_esc(suite.get('spec_version'))}"
            + (f", {_esc(suite['spec_view'])} view" if suite.get("spec_view") else "")
            + ")",
        ),
    ]
    if implementation:
        name = " ".join(
            str(part) for part in (implementation.get("name"), implementation.get("version")) if part
        )
        facts.append(("Implementation", _esc(name or "unnamed")))
    facts.append(("Target", _esc(target.get("url") or "not set")))
    if target.get("embedded"):
        facts.append(("Embedded emulator", "yes"))
    if target.get("email"):
        facts.append(("Email", _esc(target["email"])))
    for name, value in (target.get("credentials") or {}).items():
        facts.append((f"Credential {name}", f"<code>{_esc(_value(value))}</code>"))
    exit_status = report.get("exit_status")
    meaning = EXIT_STATUSES.get(exit_status) if isinstance(exit_status, int) else None
    facts += [
        ("Started", _esc(report.get("started_at") or "unknown")),
        ("Finished", _esc(report.get("finished_at") or "unknown")),
        ("Duration", f"{_esc(_seconds(report.get('duration')) or 'unknown')} s"),
        ("Exit status", _esc(exit_status) + (f" ({_esc(meaning)})" if meaning else "")),
        ("Seed", _esc(report.get("seed"))),
    ]

    rows = [f"<tr><th>{_esc(label)}</th><td>{value}</td></tr>" for label, value in facts]
    return [
        f'<p class="verdict {verdict_class}">{_esc(verdict)}</p>',
        '<table class="facts">',
        "<tbody>",
        *rows,
        "</tbody>",
        "</table>",
        "<h2>Totals</h2>",
        *_table(
            [*OUTCOMES.values(), "total"],
            [
                [
                    *(f'<span class="num">{_esc(totals.get(key, 0))}</span>' for key in OUTCOMES),
                    f'<span class="num">{sum(int(totals.get(key) or 0) for key in OUTCOMES)}</span>',
                ]
            ],
            css="totals",
        ),
    ]


def _options(options: Mapping[str, Any]) -> list[str]:
    rows = []
    for name, option in options.items():
        option = option if isinstance(option, Mapping) else {"value": option, "source": None}
        rows.append(
            [
                f"<code>{_esc(name)}</code>",
                f"<code>{_esc(_value(option.get('value')))}</code>",
                _esc(option.get("source") or ""),
            ]
        )
    if not rows:
        return ["<h2>Options</h2>", "<p>No options recorded.</p>"]
    return ["<h2>Options</h2>", *_table(["option", "value", "source"], rows, css="options")]


def _capabilities(capabilities: Mapping[str, Any]) -> list[str]:
    parts = ["<h2>Capabilities</h2>"]
    if capabilities.get("file"):
        parts.append(f"<p>Declared in <code>{_esc(capabilities['file'])}</code>.</p>")
    declared = capabilities.get("declared")
    if isinstance(declared, Mapping):
        rows = [[f"<code>{_esc(name)}</code>", "yes" if value else "no"] for name, value in declared.items()]
        parts += _table(["capability", "declared"], rows, css="capabilities")
    else:
        parts.append("<p>No capabilities declared.</p>")
    return parts


def _matrix(report: Mapping[str, Any]) -> list[str]:
    contracts: list[Mapping[str, Any]] = list(report.get("contracts") or [])
    by_area: dict[str, list[Mapping[str, Any]]] = {}
    for contract in contracts:
        by_area.setdefault(str(contract.get("area")), []).append(contract)

    # The report's order first; an area only the contracts name still gets a section (and
    # counts of its own), so no contract drops off the page.
    areas: list[Mapping[str, Any]] = list(report.get("areas") or [])
    listed = {str(area.get("area")) for area in areas}
    for name, members in by_area.items():
        if name not in listed:
            counts: dict[str, Any] = dict.fromkeys(OUTCOMES, 0)
            for contract in members:
                outcome = str(contract.get("outcome"))
                counts[outcome] = counts.get(outcome, 0) + 1
            areas.append({"area": name, **counts})

    parts = ["<h2>Contracts by area</h2>"]
    overview = [
        [f'<a href="#area-{_esc(area.get("area"))}">{_esc(area.get("area"))}</a>', _esc(_counts_text(area))]
        for area in areas
    ]
    parts += _table(["area", "outcomes"], overview, css="areas")
    for area in areas:
        name = str(area.get("area"))
        parts += [
            f'<section id="area-{_esc(name)}">',
            f"<h2>{_esc(name)}</h2>",
            f'<p class="summary">{_esc(_counts_text(area))}</p>',
            '<table class="matrix">',
            "<thead><tr><th>contract</th><th>MUST</th><th>source</th><th>outcome</th>"
            '<th class="num">seconds</th></tr></thead>',
            "<tbody>",
        ]
        for contract in by_area.get(name, []):
            parts += _contract_rows(contract)
        parts += ["</tbody>", "</table>", "</section>"]
    return parts


def _contract_rows(contract: Mapping[str, Any]) -> list[str]:
    """The contract's row and, for a failure with a reproduction, a full-width row below it."""
    identifier = contract.get("id")
    deviation = contract.get("deviation") or {}
    reason = contract.get("reason") or deviation.get("reason")
    outcome_cell = _badge(contract.get("outcome"))
    if reason or deviation.get("link"):
        note = _esc(reason or "")
        if deviation.get("link"):
            note += (" " if note else "") + _link(deviation["link"])
        outcome_cell += f'<div class="reason">{note}</div>'
    id_cell = f'<span class="id">{_esc(identifier)}</span>'
    requires = contract.get("requires") or []
    if requires:
        id_cell += f'<div class="small">requires {_esc(", ".join(str(r) for r in requires))}</div>'

    rows = [
        f'<tr id="{_esc(identifier)}">'
        f"<td>{id_cell}</td>"
        f"<td>{_esc(contract.get('must'))}</td>"
        f'<td class="source">{_source(contract)}</td>'
        f"<td>{outcome_cell}</td>"
        f'<td class="num">{_esc(_seconds(contract.get("duration")))}</td>'
        "</tr>"
    ]
    reproduction = contract.get("reproduction")
    if reproduction:
        tests = "".join(
            f"<li><code>{_esc(test.get('nodeid'))}</code> {_badge(test.get('outcome'))}</li>"
            for test in contract.get("tests") or []
        )
        rows.append(
            '<tr class="details"><td colspan="5"><details><summary>Reproduction</summary>'
            f"<pre>{_esc(reproduction)}</pre>"
            + (f'<ul class="tests">{tests}</ul>' if tests else "")
            + "</details></td></tr>"
        )
    return rows
