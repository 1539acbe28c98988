"""Benchmark: issue 11's hostile inputs, tried again against ``zdevents-emulator`` in its own process.

Starts ``zdevents-emulator --port 0`` with credentials, sends each hostile input the issue lists, and
prints one row a scenario (requests sent, how many were answered 5xx, what was seen), then the
process's resident memory before and after, and how many tracebacks it wrote to stderr:

    python bench/bench_hostile.py

The targets: no 5xx, no traceback, under 50 MiB of growth, every forged control-plane request
refused. It is not a test: it prints figures.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx

EMAIL, TOKEN = "bench@example.com", "bench-token-0123456789"
AUTH = (f"{EMAIL}/token", TOKEN)
TRACK = "/api/v2/user_profiles/events"
JSON = {"Content-Type": "application/json"}
BODY: dict[str, Any] = {
    "profile": {
        "source": "shop",
        "type": "customer",
        "name": "Jane",
        "identifiers": [{"type": "email", "value": "jane@example.com"}],
        "attributes": {"tier": "gold"},
    },
    "event": {
        "source": "shop",
        "type": "checkout",
        "description": "Order",
        "properties": {"item": {"n": "x"}},
    },
}


def rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        kib = next(line for line in status if line.startswith("VmRSS:")).split()[1]
    return int(kib) / 1024


def strings(body: Any) -> Iterator[Any]:
    """Copies of ``body`` with a lone surrogate added to one string or key each."""
    if isinstance(body, str):
        yield body + "\ud800"
    elif isinstance(body, list):
        for i, item in enumerate(body):
            yield from ([*body[:i], bad, *body[i + 1 :]] for bad in strings(item))
    elif isinstance(body, dict):
        for key, item in body.items():
            yield {**{k: v for k, v in body.items() if k != key}, key + "\ud800": item}
            yield from ({**body, key: bad} for bad in strings(item))


def surrogates(client: httpx.Client) -> list[int]:
    made = client.post(TRACK, json=BODY).json()
    profile = f"/api/v2/user_profiles/{made['profile_id']}"
    reads = [f"{TRACK}?identifier=shop:customer:email:jane@example.com", profile, f"{profile}/events"]
    reads += [f"/api/v2/users/{made['user_id']}/events", "/__zdevents/state", "/__zdevents/requests"]
    statuses = []
    for route in (("POST", TRACK), ("POST", f"{profile}/events"), ("PUT", profile), ("PATCH", profile)):
        for bad in strings(BODY):
            for raw in (
                json.dumps(bad).encode(),
                json.dumps(bad, ensure_ascii=False).encode("utf-8", "surrogatepass"),
            ):
                statuses.append(client.request(*route, content=raw, headers=JSON).status_code)
                statuses += [client.get(path).status_code for path in reads]
    return statuses


def non_finite(client: httpx.Client) -> list[int]:
    statuses = []
    for number in ("NaN", "Infinity", "-Infinity", "1e999"):
        text = json.dumps(BODY).replace('"x"', number)
        statuses.append(client.post(TRACK, content=text.encode(), headers=JSON).status_code)
        statuses.append(client.get("/__zdevents/requests").status_code)
    return statuses


def big_bodies(client: httpx.Client) -> list[int]:
    huge = b'{"x": "' + b"a" * (64 * 1024) + b'"'
    statuses = [client.post(TRACK, content=huge, headers=JSON).status_code for _ in range(1000)]
    started = time.perf_counter()
    journal = client.get("/__zdevents/requests")
    print(f"    journal read: {time.perf_counter() - started:.3f} s, {len(journal.content) / 2**20:.1f} MiB")
    return [*statuses, journal.status_code]


def huge_numbers(client: httpx.Client) -> list[int]:
    return [
        client.get(TRACK, params={"identifier": "a:b:c:d", "page[size]": "9" * 5000}).status_code,
        client.get(TRACK, params={"identifier": "a:b:c:d", "page[after]": "9" * 5000 + ".1"}).status_code,
        client.get(f"/api/v2/users/{'9' * 5000}/events").status_code,
        client.patch("/__zdevents/settings", json={"lag": 1e300}).status_code,
        client.patch("/__zdevents/settings", content=b'{"lag": NaN}', headers=JSON).status_code,
        client.post("/__zdevents/state", content=b"[" * 100_000 + b"]" * 100_000, headers=JSON).status_code,
        client.request("HEAD", "/__zdevents/state", content=b'{"users": []}', headers=JSON).status_code,
    ]


def forged(url: str) -> list[int]:
    """Requests a browser or a rebinding page could make: each must be refused (4xx)."""
    requests = [
        ("POST", "/__zdevents/reset", {"Origin": "http://evil.example", "Content-Type": "text/plain"}, None),
        ("POST", "/__zdevents/state", {"Origin": "http://evil.example", "Content-Type": "text/plain"}, "{}"),
        ("PATCH", "/__zdevents/settings", {"Origin": "null"}, '{"quirks": ["auth_ignored"]}'),
        ("GET", "/__zdevents/state", {"Host": "evil.example"}, None),
        ("GET", "/__zdevents/requests", {"Host": "evil.example"}, None),
        ("POST", "/__zdevents/reset", {"Sec-Fetch-Site": "cross-site"}, None),
        ("PATCH", "/__zdevents/settings", JSON, '{"quirks": ["auth_ignored"]}'),  # no credentials
        ("DELETE", "/__zdevents/requests", {}, None),  # no credentials
        ("POST", "/__zdevents/reset", {"Content-Type": "application/x-www-form-urlencoded"}, "a=b"),
    ]
    with httpx.Client(base_url=url) as bare:
        return [bare.request(m, p, headers=h, content=c).status_code for m, p, h, c in requests]


def main() -> None:
    empty = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest_zdevents.emulator.cli",
            "--port",
            "0",
            "--email",
            EMAIL,
            "--token",
            "",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    print(f"--token '': exit {empty.returncode}: {empty.stderr.strip()}")
    command = [sys.executable, "-m", "pytest_zdevents.emulator.cli", "--port", "0", "--email", EMAIL]
    process = subprocess.Popen(
        [*command, "--token", TOKEN], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and process.stderr is not None
    url = re.search(r"http://\S+", process.stdout.readline())[0]  # type: ignore[index]
    try:
        with httpx.Client(base_url=url, auth=AUTH, timeout=60) as client:
            client.get("/__zdevents/health")
            before = rss_mib(process.pid)
            scenarios: list[tuple[str, Callable[[], list[int]]]] = [
                ("lone surrogate in every string, then every read", lambda: surrogates(client)),
                ("non-finite numbers, then the journal", lambda: non_finite(client)),
                ("1,000 refused 64 KiB bodies, then the journal", lambda: big_bodies(client)),
                ("huge numbers, bad settings, deep import, HEAD", lambda: huge_numbers(client)),
            ]
            for name, scenario in scenarios:
                statuses = scenario()
                errors = sum(status >= 500 for status in statuses)
                print(f"{name:55} {len(statuses):6} requests  {errors} answered 5xx")
            refused = forged(url)
            served = sum(status < 400 for status in refused)
            print(
                f"{'forged control-plane requests':55} {len(refused):6} requests  {served} served: {refused}"
            )
            after = rss_mib(process.pid)
            client.delete("/__zdevents/requests")
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=10)
    print(f"resident memory: {before:.1f} MiB before, {after:.1f} MiB after ({after - before:+.1f} MiB)")
    print(f"tracebacks on stderr: {stderr.count('Traceback')}")


if __name__ == "__main__":
    main()
