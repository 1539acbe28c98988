"""Two answers to one request, the target's and the emulator's, compared: status, error code,
shape (a field present or missing, a JSON type), the form of the values the server chooses, and
what a read returns (after mapping, and as a set where items are paired by their content).

Values the server chooses (ids, cursors, timestamps) are never a difference in themselves: they
are learnt into the :class:`~pytest_zdevents.runtime.fidelity.mapping.ValueMap`. Their form is
(``format``: 26 upper-case letters and digits here, 24 hex digits there). Error bodies are
compared by shape and code only: their titles, details and ids are free text.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from pytest_zdevents.runtime.fidelity.mapping import ValueMap, instant, shape

#: The keys whose values the server chooses, besides every ``*_id``, ``*_at`` and ``*cursor``.
SERVER_KEYS = frozenset({"id", "next", "prev", "previous"})


def server_chosen(key: str | None) -> bool:
    return key is not None and (key in SERVER_KEYS or key.endswith(("_id", "_at", "cursor")))


@dataclass(frozen=True)
class Difference:
    """One difference: its kind, where in the answer (items of a list as ``[]``), and what each
    side had there, in words."""

    kind: str
    path: str
    target: str
    emulator: str


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    return {str: "string", list: "array", dict: "object"}[type(value)]


def error_codes(body: Any) -> list[str]:
    """The codes an error body names: ``errors[].code`` (the envelope), or Support's ``error``."""
    if not isinstance(body, dict):
        return []
    for key in ("errors", "error"):
        value = body.get(key)
        if isinstance(value, str):
            return [value]
        if isinstance(value, dict):
            return [str(value.get("code") or value.get("title"))]
        if isinstance(value, list):
            return sorted(
                str(item.get("code") or item.get("title")) for item in value if isinstance(item, dict)
            )
    return []


def parse(body: bytes) -> tuple[bool, Any]:
    """(True, the JSON) or (False, None) for an empty or non-JSON body."""
    try:
        return True, json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return False, None


class Comparison:
    """Compares the answers to the requests of one replay, learning values as it goes."""

    def __init__(self, values: ValueMap) -> None:
        self.values = values

    def answers(
        self, method: str, target: tuple[int, bytes], emulator: tuple[int, bytes]
    ) -> list[Difference]:
        (t_status, t_body), (e_status, e_body) = target, emulator
        if t_status != e_status:
            return [Difference("status", "", str(t_status), str(e_status))]
        (t_json, t_value), (e_json, e_value) = parse(t_body), parse(e_body)
        if t_json != e_json or (not t_json and bool(t_body) != bool(e_body)):
            return [Difference("body", "", _kind_of_body(t_json, t_body), _kind_of_body(e_json, e_body))]
        found: list[Difference] = []
        if t_status >= 400:
            t_codes, e_codes = error_codes(t_value), error_codes(e_value)
            if t_codes != e_codes:
                found.append(Difference("error code", "", ", ".join(t_codes), ", ".join(e_codes)))
            self._compare(t_value, e_value, "", None, found, values=None)
        elif t_json:
            self._compare(t_value, e_value, "", None, found, values="read" if method == "GET" else "value")
        return found

    def _compare(
        self, t: Any, e: Any, path: str, key: str | None, found: list[Difference], values: str | None
    ) -> None:
        """Compare ``t`` and ``e`` at ``path``; ``values`` is the kind a value difference is
        reported as ("read", "value"), or None to compare shapes only (error bodies)."""
        t_type, e_type = json_type(t), json_type(e)
        if t_type != e_type:
            found.append(Difference("type", path, t_type, e_type))
        elif isinstance(t, dict):
            for name in t.keys() - e.keys():
                found.append(Difference("extra field", _join(path, name), "present", "absent"))
            for name in e.keys() - t.keys():
                found.append(Difference("missing field", _join(path, name), "absent", "present"))
            for name in t.keys() & e.keys():
                self._compare(t[name], e[name], _join(path, name), name, found, values)
        elif isinstance(t, list):
            self._items(t, e, path, key, found, values)
        elif values is None:
            return
        elif isinstance(t, str) and (
            server_chosen(key) or (instant(t) is not None and instant(e) is not None)
        ):
            self._server_value(t, e, path, found, values)
        elif t != e:
            found.append(Difference(values, path, _short(t), _short(e)))

    def _server_value(self, t: str, e: str, path: str, found: list[Difference], kind: str) -> None:
        if t.startswith(("http://", "https://")) and e.startswith(("http://", "https://")):
            t_url, e_url = urlsplit(t), urlsplit(e)
            t_query, e_query = dict(parse_qsl(t_url.query)), dict(parse_qsl(e_url.query))
            if self.values.text(t_url.path) != e_url.path or t_query.keys() != e_query.keys():
                found.append(Difference(kind, path, _short(t), _short(e)))
            for name in t_query.keys() & e_query.keys():
                self._server_value(t_query[name], e_query[name], f"{path}?{name}", found, kind)
            return
        if not self.values.learn(t, e):
            found.append(Difference(kind, path, _short(t), _short(e)))
        elif shape(t) != shape(e):
            found.append(Difference("format", path, shape(t), shape(e)))

    def _items(
        self,
        t: list[Any],
        e: list[Any],
        path: str,
        key: str | None,
        found: list[Difference],
        values: str | None,
    ) -> None:
        path = f"{path}[]"
        if values is None:  # error bodies: item by item
            for t_item, e_item in zip(t, e, strict=False):
                self._compare(t_item, e_item, path, key, found, None)
            return
        pairs, t_left, e_left = self._pair(t, e)
        if t_left or e_left:
            found.append(
                Difference(
                    values,
                    path,
                    f"{len(t_left)} of {len(t)} items unmatched",
                    f"{len(e_left)} of {len(e)} items unmatched",
                )
            )
        order = [j for _i, j in sorted(pairs)]
        if order != sorted(order):
            found.append(Difference("order", path, "one order", "another order"))
        for i, j in pairs:
            self._compare(t[i], e[j], path, key, found, values)

    def _pair(self, t: list[Any], e: list[Any]) -> tuple[list[tuple[int, int]], list[int], list[int]]:
        """Items paired by their content without the values the server chooses; among items of
        the same content, by their times (the emulator's clock follows the target's), then order."""
        buckets: dict[str, list[int]] = defaultdict(list)
        for j, item in enumerate(e):
            buckets[_signature(item)].append(j)
        t_buckets: dict[str, list[int]] = defaultdict(list)
        for i, item in enumerate(t):
            t_buckets[_signature(item)].append(i)
        pairs, t_left = [], []
        for signature, t_indices in t_buckets.items():
            e_indices = sorted(buckets.pop(signature, []), key=lambda j: _times(e[j]))
            t_indices.sort(key=lambda i: _times(t[i]))
            pairs += zip(t_indices, e_indices, strict=False)
            t_left += t_indices[len(e_indices) :]
            buckets[signature] = e_indices[len(t_indices) :]
        e_left = [j for rest in buckets.values() for j in rest]
        return pairs, t_left, e_left


def _signature(item: Any) -> str:
    def strip(value: Any, key: str | None = None) -> Any:
        if isinstance(value, dict):
            return {k: strip(v, k) for k, v in value.items() if not server_chosen(k)}
        if isinstance(value, list):
            return sorted(json.dumps(strip(v, key), sort_keys=True) for v in value)
        return "<time>" if instant(value) is not None else value

    return json.dumps(strip(item), sort_keys=True)


def _times(item: Any) -> tuple[int, ...]:
    if not isinstance(item, dict):
        return ()
    return tuple(ns for _k, v in sorted(item.items()) if (ns := instant(v)) is not None)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _short(value: Any) -> str:
    text = json.dumps(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _kind_of_body(is_json: bool, body: bytes) -> str:
    return "JSON" if is_json else ("empty" if not body else "not JSON")
