"""The replay: every recorded exchange sent again, in order, to a fresh embedded emulator with the
target's credentials, its ids, cursors and timestamps mapped as they are handed out, and the two
answers compared. The findings, grouped by operation, kind and place in the answer, each keep
their first example: the request and both answers, every secret masked."""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Iterable
from typing import Any

from pytest_zdevents.credentials import MASK
from pytest_zdevents.emulator import Emulator
from pytest_zdevents.runtime.fidelity.compare import Comparison
from pytest_zdevents.runtime.fidelity.mapping import ValueMap
from pytest_zdevents.runtime.fidelity.recording import Exchange
from pytest_zdevents.runtime.redaction import redact, scrub
from pytest_zdevents.spec import load_spec

#: Request headers the replay does not send again: the emulator's client sets its own.
_NOT_REPLAYED = frozenset({"host", "content-length", "connection"})
#: How much of a body an example keeps.
MAX_BODY = 2000


class ReplayClock:
    """The replay emulator's clock: at each request, the time the target was sent it, running on
    from there; never going back."""

    def __init__(self) -> None:
        self._base: int | None = None
        self._started = 0
        self._last = 0

    def at(self, sent: int) -> None:
        self._base, self._started = sent, time.time_ns()

    def __call__(self) -> int:
        now = time.time_ns() if self._base is None else self._base + time.time_ns() - self._started
        self._last = max(self._last, now)
        return self._last


@functools.cache
def _operations() -> list[tuple[re.Pattern[str], str, dict[str, str]]]:
    found = []
    for template, item in load_spec()["paths"].items():
        pattern = re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(template)) + "$")
        methods = {
            m.upper(): op["operationId"]
            for m, op in item.items()
            if isinstance(op, dict) and "operationId" in op
        }
        found.append((pattern, template, methods))
    return found


def operation(method: str, target: str) -> str:
    """The operationId of openapi.yaml a request is sent to, else the method and path template."""
    path = target.partition("?")[0]
    for pattern, template, methods in _operations():
        if pattern.match(path):
            return methods.get(method) or f"{method} {template}"
    return f"{method} (a path of no operation)"


def replay(
    exchanges: list[Exchange], credentials: dict[str, Any], secrets: Iterable[str]
) -> list[dict[str, Any]]:
    """The findings of replaying ``exchanges`` against a fresh emulator with ``credentials``
    (:class:`Emulator` keyword arguments): one per operation, kind and path, with a count."""
    clock, values = ReplayClock(), ValueMap()
    comparison, secrets = Comparison(values), tuple(secrets)
    groups: dict[tuple[str, str, str], dict[str, Any]] = {}
    emulator = Emulator(clock=clock, **credentials)
    try:
        with emulator.client() as client:
            for index, exchange in enumerate(exchanges):
                path, mark, query = exchange.target.partition("?")
                target = values.text(path) + mark + values.query(query)
                body = _mapped_body(exchange.body, values)
                headers = [(k, v) for k, v in exchange.headers if k.lower() not in _NOT_REPLAYED]
                request = client.build_request(exchange.method, "/", headers=headers, content=body)
                request.url = request.url.copy_with(raw_path=target.encode("ascii"))
                clock.at(exchange.sent)
                answer = client.send(request)
                following = exchanges[index + 1] if index + 1 < len(exchanges) else None
                if exchange.method == "GET" and following is not None and following.same_request(exchange):
                    continue  # a read repeated while waiting for a write: its last answer counts
                differences = comparison.answers(
                    exchange.method, (exchange.status, exchange.answer), (answer.status_code, answer.content)
                )
                name = operation(exchange.method, path)
                for difference in differences:
                    key = (name, difference.kind, difference.path)
                    if key in groups:
                        groups[key]["count"] += 1
                        continue
                    groups[key] = {
                        "operation": name,
                        "kind": difference.kind,
                        "path": difference.path,
                        "target": _mask(difference.target, secrets),
                        "emulator": _mask(difference.emulator, secrets),
                        "count": 1,
                        "example": _example(exchange, target, answer.status_code, answer.content, secrets),
                    }
    finally:
        emulator.close()
    return list(groups.values())


def merge(*findings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Findings of several replays (xdist workers) as one list, counts added."""
    groups: dict[tuple[str, str, str], dict[str, Any]] = {}
    for finding in (f for part in findings for f in part):
        key = (finding["operation"], finding["kind"], finding["path"])
        if key in groups:
            groups[key]["count"] += finding["count"]
        else:
            groups[key] = dict(finding)
    return sorted(groups.values(), key=lambda f: (f["operation"], f["kind"], f["path"]))


def _mapped_body(body: bytes, values: ValueMap) -> bytes:
    try:
        return values.text(body.decode("utf-8")).encode("utf-8")
    except UnicodeDecodeError:
        return body


def _mask(text: str, secrets: tuple[str, ...]) -> str:
    return scrub(redact(text, secrets))


def _text(body: bytes, secrets: tuple[str, ...]) -> str:
    text = body.decode("utf-8", errors="replace")
    text = text if len(text) <= MAX_BODY else text[:MAX_BODY] + " ..."
    return _mask(text, secrets)


def _example(
    exchange: Exchange, replayed: str, status: int, answer: bytes, secrets: tuple[str, ...]
) -> dict[str, Any]:
    headers = {
        name: f"{value.partition(' ')[0]} {MASK}"
        if name.lower() == "authorization"
        else _mask(value, secrets)
        for name, value in exchange.headers
        if name.lower() != "host"
    }
    return {
        "request": {
            "method": exchange.method,
            "target": _mask(exchange.target, secrets),
            "replayed_as": _mask(replayed, secrets),
            "headers": headers,
            "body": _text(exchange.body, secrets),
        },
        "target_answer": {"status": exchange.status, "body": _text(exchange.answer, secrets)},
        "emulator_answer": {"status": status, "body": _text(answer, secrets)},
    }
