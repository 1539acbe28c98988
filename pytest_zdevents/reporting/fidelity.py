"""The fidelity report of ``--zd-compare-emulator`` (the JSON report's ``fidelity`` key) as
terminal lines and as a section of the HTML page: per operation, each difference between the
target's answers and the emulator's, with an example request and both answers, secrets masked."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from typing import Any

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: What each kind of difference means, for a reader of the report.
KINDS = {
    "status": "the status codes differ",
    "body": "one answer has a JSON body, the other none or another kind",
    "error code": "the error codes differ",
    "extra field": "a field only the target's answer has",
    "missing field": "a field only the emulator's answer has",
    "type": "the JSON types differ",
    "format": "the server-chosen values (ids, cursors, timestamps) have another form",
    "read": "a read returns other values or items (after mapping ids, cursors and timestamps)",
    "value": "a write's answer has other values",
    "order": "the same items in another order",
}


def terminal_lines(summary: Mapping[str, Any]) -> list[str]:
    differences = summary["differences"]
    lines = [
        f"Replayed {summary['exchanges']} exchanges against a fresh emulator: "
        + (f"{len(differences)} differences." if differences else "no differences.")
    ]
    for found in differences:
        where = f" at {found['path']}" if found["path"] else ""
        times = f" ({found['count']} times)" if found["count"] > 1 else ""
        lines.append(
            f"  {found['operation']}: {found['kind']}{where}: target {found['target']}, "
            f"emulator {found['emulator']}{times}"
        )
        request = found["example"]["request"]
        lines.append(f"      e.g. {request['method']} {request['target']}")
    return lines


def section(summary: Mapping[str, Any] | None) -> list[str]:
    """The HTML page's section, or nothing when the run did not compare."""
    if not summary:
        return []
    parts = ['<section id="fidelity">', "<h2>Fidelity: the target against the emulator</h2>"]
    parts.append(f"<p>{_esc(terminal_lines(summary)[0])}</p>")
    if not summary["differences"]:
        return [*parts, "</section>"]
    parts += [
        '<table class="matrix">',
        "<thead><tr><th>operation</th><th>kind</th><th>where</th><th>target</th><th>emulator</th>"
        '<th class="num">times</th></tr></thead>',
        "<tbody>",
    ]
    for found in summary["differences"]:
        cells = [
            found["operation"],
            found["kind"],
            found["path"] or "(the answer)",
            found["target"],
            found["emulator"],
        ]
        row = "".join(f"<td>{_esc(cell)}</td>" for cell in cells)
        meaning = _esc(KINDS.get(found["kind"], ""))
        parts.append(f'<tr title="{meaning}">{row}<td class="num">{found["count"]}</td></tr>')
        example = json.dumps(found["example"], indent=2)
        parts.append(
            f'<tr class="details"><td colspan="6"><details><summary>The first request and both answers'
            f"</summary><pre>{_esc(example)}</pre></details></td></tr>"
        )
    return [*parts, "</tbody>", "</table>", "</section>"]


def _esc(value: Any) -> str:
    return html.escape(_CONTROL.sub("", str(value)), quote=True)
