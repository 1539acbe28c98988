"""Benchmark: the emulator's API throughput, in-process and over loopback, per backend.

Tracks N events (E5) for a handful of profiles, then reads one profile's events page by page
(E3, 100 a page), and prints requests a second for each. Nothing is asserted: the figures are
for comparing changes on the same machine.

    python bench/bench_http.py [--events N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pytest_zdevents.emulator import Emulator

TRACK = "/api/v2/user_profiles/events"


def body(n: int) -> dict[str, object]:
    return {
        "profile": {
            "source": "bench",
            "type": "customer",
            "identifiers": [{"type": "email", "value": f"user{n % 5}@example.com"}],
        },
        "event": {"source": "bench", "type": "viewed", "properties": {"n": str(n), "page": {"id": "p"}}},
    }


def clients(db_path: str | None) -> Iterator[tuple[str, httpx.Client]]:
    """The same emulator, first in-process, then served on a loopback port."""
    emulator = Emulator(db_path=db_path)
    with emulator.client() as client:
        yield "in-process", client
    emulator.reset()
    with emulator.serve() as served, httpx.Client(base_url=served.url) as client:
        yield "loopback", client
    emulator.close()


def measure(client: httpx.Client, events: int) -> tuple[float, float, int]:
    """Tracks a second, event reads a second, pages read."""
    started = time.perf_counter()
    for n in range(events):
        response = client.post(TRACK, json=body(n))
        assert response.status_code == 202, response.text
        profile_id = response.json()["profile_id"]
    tracked = time.perf_counter() - started
    started, pages, after = time.perf_counter(), 0, None
    while True:
        params = {"page[size]": "100", **({"page[after]": after} if after else {})}
        page = client.get(f"/api/v2/user_profiles/{profile_id}/events", params=params).json()
        pages += 1
        if not page["meta"]["has_more"]:
            break
        after = page["meta"]["after_cursor"]
    read = time.perf_counter() - started
    return events / tracked, pages / read, pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    args = parser.parse_args()
    print(f"{args.events:,} tracked events over 5 profiles, then one profile read 100 a page")
    print(f"{'backend':8} {'transport':11} {'tracks/s':>9} {'pages/s':>9} {'pages':>6}")
    for backend in ("memory", "sqlite"):
        with tempfile.TemporaryDirectory() as tmp:
            db_path = str(Path(tmp) / "bench.sqlite3") if backend == "sqlite" else None
            for transport, client in clients(db_path):
                tracks, pages_per_s, pages = measure(client, args.events)
                print(f"{backend:8} {transport:11} {tracks:9,.0f} {pages_per_s:9,.0f} {pages:6}")


if __name__ == "__main__":
    main()
