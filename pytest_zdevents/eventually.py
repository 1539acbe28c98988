"""Waiting for a read to show a write: one helper, used wherever a contract reads what it wrote."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def eventually(
    check: Callable[[], T],
    *,
    timeout: float,
    interval: float,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> T:
    """Call ``check`` until it returns without an ``AssertionError``, for up to ``timeout`` seconds.

    Tracking answers 202 and ingestion may be asynchronous, so a read right after a write may not
    show it yet. The last assertion error is raised, with the time waited, if it never passes.
    """
    deadline = clock() + timeout
    attempts = 0
    while True:
        attempts += 1
        try:
            return check()
        except AssertionError as error:
            if clock() >= deadline:
                raise AssertionError(
                    f"{error}\n(still not so after {timeout:g} s and {attempts} reads; if the target "
                    "ingests slowly, raise --zd-eventually-timeout)"
                ) from error
        sleep(interval)
