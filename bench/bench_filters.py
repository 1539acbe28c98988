"""Benchmark: selective filtered reads at any profile size, and the memory store's load rate.

For each store and each size (1,000, 100,000 and 1,000,000 events on one profile, ten of them of
a rare source and type), reads the ten through the API in-process (``GET
/api/v2/user_profiles/{id}/events?filter[source]=rare``, and with ``filter[type]`` too) and prints
the median time of a read beside the same read at 1,000 events. The target: within 1.5x at a
million, in both stores. Then prints the memory store's load rate (events a second) at each size,
which a linear load keeps flat.

    python bench/bench_filters.py [--sizes 1000 100000 1000000] [--reads 50]

Events are written straight into the store (the API would take minutes to send a million); the
reads go through the whole API. It is not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from pytest_zdevents.emulator import Emulator
from pytest_zdevents.emulator.model import Event, Profile

NOW_NS = 1_700_000_000 * 10**9
RARE = 10


def load(emulator: Emulator, size: int) -> tuple[str, float]:
    """A profile with ``size`` events, every ``size // RARE``-th of the rare source; its id and
    the seconds the store took to add them."""
    store = emulator.service._backend.store  # a bench may reach in: a million events by API is minutes
    profile = Profile(
        id="01BENCH0000000000000000000",
        source="bench",
        type="customer",
        name="Bench",
        user_id="1",
        identifiers=[],
        attributes={},
        created_at="2023-11-14T22:13:20Z",
        updated_at="2023-11-14T22:13:20Z",
    )
    store.save_profile(profile)
    step = size // RARE
    started = time.perf_counter()
    with store.atomic():
        for n in range(size):
            rare = n % step == step // 2
            created_ns = NOW_NS + n * 1000
            store.add_event(
                Event(
                    id=f"e{n}",
                    profile_id=profile.id,
                    user_id="1",
                    source="rare" if rare else "common",
                    type="found" if rare else "viewed",
                    description=None,
                    properties={},
                    created_at="2023-11-14T22:13:20Z",
                    created_ns=created_ns,
                    received_at="2023-11-14T22:13:20Z",
                    visible_ns=created_ns,
                )
            )
    return profile.id, time.perf_counter() - started


def read_time(emulator: Emulator, profile_id: str, params: dict[str, str], reads: int) -> float:
    with emulator.client() as client:
        path = f"/api/v2/user_profiles/{profile_id}/events"
        times = []
        for _ in range(reads):
            started = time.perf_counter()
            page = client.get(path, params=params).json()
            times.append(time.perf_counter() - started)
            assert len(page["events"]) == RARE, page
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100_000, 1_000_000])
    parser.add_argument("--reads", type=int, default=50)
    args = parser.parse_args()
    filters = {
        "source": {"filter[source]": "rare"},
        "source+type": {"filter[source]": "rare", "filter[type]": "found"},
    }
    print(f"{'store':7} {'events':>10} {'load/s':>10} " + " ".join(f"{name + ' ms':>16}" for name in filters))
    for backend in ("memory", "sqlite"):
        base: dict[str, float] = {}
        for size in args.sizes:
            with tempfile.TemporaryDirectory() as tmp:
                emulator = Emulator(db_path=str(Path(tmp) / "bench.db") if backend == "sqlite" else None)
                profile_id, seconds = load(emulator, size)
                cells = []
                for name, params in filters.items():
                    took = read_time(emulator, profile_id, params, args.reads)
                    base.setdefault(name, took)
                    cells.append(f"{took * 1000:8.2f} ({took / base[name]:4.2f}x)")
                emulator.close()
            print(f"{backend:7} {size:10,} {size / seconds:10,.0f} " + " ".join(f"{c:>16}" for c in cells))


if __name__ == "__main__":
    main()
