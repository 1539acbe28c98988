"""What a run costs a target: the requests a default run sends and, with ``--zd-rate``, how long
the suite takes at that rate.

The figures are measured (``python bench/bench_requests.py``, a default run against a served
emulator) and are an estimate for another target: a contract that waits for a write to show
reads again until it does, and a 429 is retried.
"""

from __future__ import annotations

#: Requests a default run against a URL sends (``bench/bench_requests.py``), and its tests.
DEFAULT_RUN_REQUESTS = 1110
DEFAULT_RUN_TESTS = 227


def expected_requests(tests: int | None) -> int:
    """The requests ``tests`` selected tests should send: the measured average per test of a
    default run; the whole default run when the selection is not known."""
    if tests is None:
        return DEFAULT_RUN_REQUESTS
    return round(tests * DEFAULT_RUN_REQUESTS / DEFAULT_RUN_TESTS)


def rate_line(rate: float, tests: int | None) -> str:
    """The report's line for ``--zd-rate``: the rate, the requests expected and how long they take."""
    requests = expected_requests(tests)
    minutes = requests / rate
    what = "a default run" if tests is None else f"the {tests} selected tests"
    return (
        f"rate: at most {rate:g} requests a minute; {what} should send about {requests} requests "
        f"(estimate: {DEFAULT_RUN_REQUESTS} measured for a default run of {DEFAULT_RUN_TESTS} tests), "
        f"so about {minutes:.1f} minutes"
    )
