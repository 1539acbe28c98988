"""Waiting for a read to show a write: one helper, used wherever a contract reads what it wrote.

``eventually`` waits once. ``Eventually`` is that helper for one test (the ``zd_eventually``
fixture): a write that did not show within the whole timeout will not show in the next example
either, so once one wait of a test has timed out, every later wait of that test fails at once.

A check may also say how to tell that the write has shown at all (``shown``): once it has, the
answer has to be right within a short grace, not the whole timeout. A server that stores a write
wrongly then fails in seconds, not after the timeout, and one that is merely slow still passes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from types import TracebackType
from typing import TypeVar

T = TypeVar("T")

#: How much of the first timed-out failure a later read's failure repeats.
SUMMARY_LIMIT = 1000
#: The share of the timeout a read may still take to come right once its write has shown (2 s of
#: the default 10), or longer if the write itself took longer to show. A slow target's larger
#: --zd-eventually-timeout lengthens it too.
GRACE_SHARE = 0.2


def eventually(
    check: Callable[[], T],
    *,
    timeout: float,
    interval: float,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    hint: str = "if the target ingests slowly, raise --zd-eventually-timeout",
) -> T:
    """Call ``check`` until it returns without an ``AssertionError``, for up to ``timeout`` seconds.

    Tracking answers 202 and ingestion may be asynchronous, so a read right after a write may not
    show it yet. If it never passes, the last assertion error is raised again, with a note of the
    time waited: one traceback that ends at the failing assertion, not a chain of two.
    """
    __tracebackhide__ = True
    deadline = clock() + timeout
    attempts = 0
    while True:
        attempts += 1
        try:
            return check()
        except AssertionError as error:
            if clock() >= deadline:
                error.add_note(f"(still not so after {timeout:g} s and {attempts} reads; {hint})")
                _waited(error)
                raise
        sleep(interval)


class Eventually:
    """``eventually(check)`` with fixed timeout and interval, for the reads of one test.

    Once a wait has timed out, every later call fails at once, naming that first failure, instead
    of waiting out the timeout again: hypothesis runs a failing property's examples and shrinks
    within one test, and each would otherwise wait the whole timeout. Make one per test.

    The later failures carry the traceback of the first, so hypothesis takes them for the same
    failure (one origin) rather than for a flaky test that fails two ways.
    """

    def __init__(
        self,
        *,
        timeout: float,
        interval: float,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.timeout = timeout
        self.interval = interval
        self._sleep = sleep
        self._clock = clock
        #: The first failure that waited the full timeout, as text, once one has.
        self.timed_out: str | None = None
        self._traceback: TracebackType | None = None

    def __call__(self, check: Callable[[], T], *, shown: Callable[[], object] | None = None) -> T:
        """Wait for ``check``. With ``shown``, wait the whole timeout for ``shown`` (the write is
        visible at all), then give ``check`` (it is right) only the grace: :data:`GRACE_SHARE` of
        the timeout, or as long as the write took to show if that was longer. ``check`` is tried
        once first: when it passes at once (the write has shown and is right), ``shown``'s reads
        are not sent. So a ``check`` must fail while the write is not readable, never pass by
        finding nothing."""
        __tracebackhide__ = True
        if shown is None:
            return self._wait(check)
        if self.timed_out is None:
            try:
                return check()
            except AssertionError:
                pass  # not shown yet, or wrong: wait for the write to show, then give the grace
        started = self._clock()
        self._wait(shown)
        took = self._clock() - started
        grace = min(self.timeout, max(self.timeout * GRACE_SHARE, took))
        return eventually(
            check,
            timeout=grace,
            interval=self.interval,
            sleep=self._sleep,
            clock=self._clock,
            hint=f"the write itself had shown after {took:.1f} s, and the answer stayed wrong after it",
        )

    def _wait(self, check: Callable[[], T]) -> T:
        __tracebackhide__ = True
        if self.timed_out is not None:
            raise _waited(
                AssertionError(
                    f"An earlier read in this test already waited the full {self.timeout:g} s for a "
                    "write to show and timed out, so this read fails at once instead of waiting again "
                    f"(the next test waits afresh). The earlier read failed with: {self.timed_out}"
                )
            ).with_traceback(self._traceback)
        try:
            return eventually(
                check, timeout=self.timeout, interval=self.interval, sleep=self._sleep, clock=self._clock
            )
        except AssertionError as error:  # eventually() lets one out only once the timeout is over
            self.timed_out = _summary(error)
            self._traceback = error.__traceback__
            raise


def _waited(error: AssertionError) -> AssertionError:
    error.zdevents_waited = True  # type: ignore[attr-defined]
    return error


def waited(error: BaseException) -> bool:
    """Whether ``error`` is a check's last failure, let out by a wait that is over: its report
    need show only where the test waited and the check's assertion (the plugin shortens it)."""
    return getattr(error, "zdevents_waited", False)


def _summary(error: AssertionError) -> str:
    """``error``'s message and notes, cut at ``SUMMARY_LIMIT`` characters."""
    text = "\n".join([str(error) or type(error).__name__, *getattr(error, "__notes__", ())])
    return text if len(text) <= SUMMARY_LIMIT else text[: SUMMARY_LIMIT - 3] + "..."
