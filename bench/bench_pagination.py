"""Benchmark: walk one profile's events page by page, newest first, through the cursor.

Loads N events on one profile (a quarter of them sharing one instant, the rest spread around it in
random order), then reads them with ``events_page`` 100 at a time, each page continuing after the
last key of the one before, and checks that every event is seen exactly once and in order.

    python bench/bench_pagination.py [--backend memory|sqlite|both] [--events N] [--limit L]

Timings come from a run without tracemalloc; the peak memory from a second run with it. tracemalloc
counts Python's allocations only (the walk's own bookkeeping included): SQLite's page cache is
not in the figure.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pytest_zdevents.emulator.model import Event, EventQuery
from pytest_zdevents.emulator.store.base import Store
from pytest_zdevents.emulator.store.memory import MemoryStore
from pytest_zdevents.emulator.store.sqlite import SqliteStore

NS = 1_000_000_000
SHARED_NS = 1_700_000_000 * NS


@dataclass
class Figures:
    load_s: float
    walk_s: float
    pages: int
    events: int


def make_events(count: int, seed: int = 1) -> list[Event]:
    """``count`` events on profile p1: a quarter at one instant, the rest at distinct ones."""
    rng = random.Random(seed)
    shared = count // 4
    others = [SHARED_NS + (n - (count - shared) // 2) * NS + n for n in range(count - shared)]
    instants = [SHARED_NS] * shared + [ns if ns != SHARED_NS else ns + 1 for ns in others]
    rng.shuffle(instants)
    return [
        Event(
            id=f"event-{n}",
            profile_id="p1",
            user_id="u1",
            source="bench",
            type="tick",
            description=None,
            properties={"n": n, "label": "x" * 20},
            created_at=f"instant {ns}",
            created_ns=ns,
            received_at="2024-01-01T00:00:00.000000Z",
            visible_ns=0,
        )
        for n, ns in enumerate(instants)
    ]


def open_store(backend: str, directory: str) -> Store:
    if backend == "memory":
        return MemoryStore()
    return SqliteStore(str(Path(directory) / f"bench-{time.monotonic_ns()}.sqlite3"))


def run(backend: str, events: list[Event], limit: int, directory: str) -> Figures:
    store = open_store(backend, directory)
    try:
        started = time.perf_counter()
        with store.atomic():  # one transaction: SQLite syncs once, not once per event
            for event in events:
                store.add_event(event)
        loaded = time.perf_counter()

        query = EventQuery(scope="profile", scope_id="p1", descending=True, limit=limit, visible_at=0)
        seen: set[int] = set()
        last: tuple[int, int] | None = None
        pages = 0
        started_walk = time.perf_counter()
        while True:
            page = store.events_page(query)
            if not page:
                break
            pages += 1
            for event in page:
                if event.seq in seen:
                    raise SystemExit(f"{backend}: event {event.seq} was read twice.")
                if last is not None and event.key >= last:
                    raise SystemExit(f"{backend}: event {event.seq} is out of order.")
                seen.add(event.seq)
                last = event.key
            query = replace(query, after=page[-1].key)
        walked = time.perf_counter()
    finally:
        store.close()
    if len(seen) != len(events):
        raise SystemExit(f"{backend}: read {len(seen)} events of {len(events)}.")
    return Figures(loaded - started, walked - started_walk, pages, len(seen))


def peak_memory(backend: str, events: list[Event], limit: int, directory: str) -> int:
    tracemalloc.start()
    try:
        run(backend, events, limit, directory)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["memory", "sqlite", "both"], default="both")
    parser.add_argument("--events", type=int, default=10_000, help="how many (default 10,000)")
    parser.add_argument("--limit", type=int, default=100, help="page size (default 100)")
    args = parser.parse_args(argv)
    if args.events < 1 or args.limit < 1:
        parser.error("--events and --limit must be at least 1.")

    events = make_events(args.events)
    backends = ["memory", "sqlite"] if args.backend == "both" else [args.backend]
    print(
        f"{args.events:,} events on one profile ({args.events // 4:,} at one instant), "
        f"pages of {args.limit}, newest first"
    )
    header = (
        f"{'backend':<8} {'load s':>8} {'walk s':>8} {'pages':>6} {'ms/page':>8} "
        f"{'events/s':>10} {'peak MiB':>9}"
    )
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory() as directory:
        for backend in backends:
            figures = run(backend, events, args.limit, directory)
            peak = peak_memory(backend, events, args.limit, directory)
            print(
                f"{backend:<8} {figures.load_s:>8.3f} {figures.walk_s:>8.3f} {figures.pages:>6} "
                f"{figures.walk_s * 1000 / figures.pages:>8.3f} "
                f"{figures.events / figures.walk_s:>10,.0f} {peak / 2**20:>9.1f}"
            )
    print("Every event was read exactly once, in order.")


if __name__ == "__main__":
    main()
