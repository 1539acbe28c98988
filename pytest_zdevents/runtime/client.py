"""The one HTTP client behind every fixture and contract.

It adds the credentials, the timeout, retries of 429 honouring ``Retry-After`` (a 429 is the
target protecting itself, never a conformance failure), the per-process request budget, and a
log line per request in which no credential appears.
"""

from __future__ import annotations

import contextlib
import email.utils
import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import httpx

from pytest_zdevents.runtime.redaction import redact

logger = logging.getLogger("pytest_zdevents.runtime.client")

MAX_RETRIES = 5
MAX_WAIT = 60.0


class BudgetExhausted(Exception):
    """The run has sent as many requests as ``--zd-request-budget`` allows."""


class ReadOnlyViolation(Exception):
    """A test tried to write while the run is read-only (``--zd-read-only``)."""


#: What a read-only run may not send: the methods with which this API writes. (schemathesis also
#: tries OPTIONS, TRACE and QUERY on every path; they write nothing.)
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: The owner of requests sent outside any test: the pre-flight, session set-up, the clean-up.
RUN = "run"


class RequestBudget:
    """A count of requests shared by every client of one test process, kept per owner as well:
    the test running now (the plugin names it in :meth:`owner`), or :data:`RUN` outside any test
    (the pre-flight, the clean-up), so that the report says what each contract cost. With a
    ``pace`` (``--zd-rate``) every request waits its turn first."""

    def __init__(self, limit: int, pace: Pace | None = None) -> None:
        self.limit = limit
        self.used = 0
        self.pace = pace
        self._owner = RUN
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()
        #: Called with every answer but a 429 and the time its request was sent (ns since the
        #: epoch), when set: ``--zd-compare-emulator`` records the run's exchanges (runtime/fidelity/).
        self.recorder: Callable[[httpx.Response, int], None] | None = None

    def spend(self) -> None:
        with self._lock:
            if self.used >= self.limit:
                raise BudgetExhausted(
                    f"The request budget of {self.limit} requests is spent, so the run stops here. "
                    "Raise --zd-request-budget, or select fewer contracts with -k or -m."
                )
            self.used += 1
            self._counts[self._owner] = self._counts.get(self._owner, 0) + 1
        if self.pace is not None:
            self.pace.wait()

    @contextlib.contextmanager
    def owner(self, name: str) -> Iterator[None]:
        """Count the requests sent inside the block for ``name`` (a test's node ID, or :data:`RUN`)."""
        with self._lock:
            before, self._owner = self._owner, name
        try:
            yield
        finally:
            with self._lock:
                self._owner = before

    def take(self, name: str) -> int:
        """The requests counted for ``name`` since the last take, and start again from zero."""
        with self._lock:
            return self._counts.pop(name, 0)

    def count(self, name: str) -> int:
        with self._lock:
            return self._counts.get(name, 0)


class Pace:
    """At most ``per_minute`` requests a minute: each request starts no sooner than 60/N seconds
    after the one before it (fixed spacing, so no burst either). One per process, shared by every
    client through the :class:`RequestBudget`; under xdist each of W workers is given N/W."""

    def __init__(
        self,
        per_minute: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.per_minute = per_minute
        self.spacing = 60.0 / per_minute
        self._clock = clock
        self._sleep = sleep
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        with self._lock:
            now = self._clock()
            start = max(now, self._next)
            self._next = start + self.spacing
        if start > now:
            self._sleep(start - now)


def retry_after(response: httpx.Response, now: Callable[[], float] = time.time) -> float:
    """Seconds a 429 asks to wait: ``Retry-After`` in seconds or as an HTTP date (RFC 9110);
    one second when absent or unreadable; never more than :data:`MAX_WAIT`."""
    value = response.headers.get("retry-after", "").strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = email.utils.parsedate_to_datetime(value).timestamp() - now()
        except (TypeError, ValueError):
            seconds = 1.0
    return min(max(seconds, 0.0), MAX_WAIT)


class ZdClient:
    """An httpx client for one target and one set of credentials.

    ``auth`` is an httpx auth (``httpx.BasicAuth``) or None; ``headers`` may carry a Bearer
    ``Authorization``. ``transport`` makes the transport (each client owns and closes its own;
    None means the network). ``secrets`` are masked in everything this client logs. A
    ``read_only`` client refuses to send :data:`WRITE_METHODS`.
    """

    def __init__(
        self,
        base_url: str,
        *,
        budget: RequestBudget,
        read_only: bool = False,
        timeout: float = 30.0,
        auth: httpx.Auth | None = None,
        headers: dict[str, str] | None = None,
        transport: Callable[[], httpx.BaseTransport] | None = None,
        secrets: Iterable[str | None] = (),
        sleep: Callable[[float], None] = time.sleep,
        deleted: set[str] | None = None,
    ) -> None:
        self.base_url = base_url
        self.budget = budget
        self.read_only = read_only
        self.timeout = timeout
        self.secrets = tuple(s for s in secrets if s)
        self._auth = auth
        self._headers = dict(headers or {})
        self._transport = transport
        self._sleep = sleep
        self._http = httpx.Client(
            base_url=base_url,
            timeout=timeout,
            auth=auth,
            headers=self._headers,
            transport=transport() if transport else None,
        )
        #: The paths this client and those made from it DELETEd with success: clean-up skips them.
        self.deleted: set[str] = deleted if deleted is not None else set()
        #: Every 429 this client received (and waited out), for contracts about the 429 itself.
        self.throttled: list[httpx.Response] = []

    def request(self, method: str, url: str, *, retry: bool = True, **kwargs: Any) -> httpx.Response:
        """Send a request, waiting out 429s up to :data:`MAX_RETRIES` times (none when ``retry``
        is false: for contracts about the 429 itself)."""
        if self.read_only and method.upper() in WRITE_METHODS:
            raise ReadOnlyViolation(
                f"This run is read-only (--zd-read-only), so {method} {url} was not sent. A contract "
                "that writes must say writes: true in contracts/catalogue.yaml, which skips it here."
            )
        for attempt in range(MAX_RETRIES + 1 if retry else 1):
            self.budget.spend()
            sent = time.time_ns()
            response = self._http.request(method, url, **kwargs)
            shown = redact(str(response.request.url), self.secrets)
            logger.debug("%s %s -> %s", method, shown, response.status_code)
            if response.status_code != 429:
                if self.budget.recorder is not None:
                    self.budget.recorder(response, sent)
                if method.upper() == "DELETE" and response.status_code in (200, 204):
                    self.deleted.add(response.request.url.path)
                return response
            if not retry or attempt == MAX_RETRIES:
                self.throttled.append(response)
                return response
            self.throttled.append(response)
            wait = retry_after(response)
            logger.info("429 from %s %s; retrying in %.1f s", method, shown, wait)
            self._sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def put(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("PUT", url, **kwargs)

    def patch(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("PATCH", url, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("DELETE", url, **kwargs)

    def with_credentials(
        self, *, auth: httpx.Auth | None = None, headers: dict[str, str] | None = None
    ) -> ZdClient:
        """A client on the same target and budget with other credentials (none when both are
        None): for authentication contracts."""
        return ZdClient(
            self.base_url,
            budget=self.budget,
            read_only=self.read_only,
            timeout=self.timeout,
            auth=auth,
            headers=headers,
            transport=self._transport,
            secrets=self.secrets,
            sleep=self._sleep,
            deleted=self.deleted,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> ZdClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
