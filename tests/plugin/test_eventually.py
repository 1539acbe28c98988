"""Waiting for writes to show: ``eventually``, the per-test ``Eventually`` behind ``zd_eventually``,
and a broken server failing fast: once a read of a test has waited the whole timeout, the test's
later reads (every hypothesis example and shrink of it) fail at once, and against a URL
hypothesis does not shrink.

No test here is timed: a wait is counted in reads, and with ``--zd-eventually-timeout 0`` a wait
is exactly one read, so reads count waits.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pytest_zdevents.emulator import Emulator, ServedEmulator
from pytest_zdevents.runtime.eventually import GRACE_SHARE, Eventually, eventually
from pytest_zdevents.runtime.paths import IDENTIFIER_EVENTS_PATH, TRACK_PATH

CONTRACTS_CONFTEST = Path(__file__).resolve().parents[2] / "contracts" / "conftest.py"
EMAIL, TOKEN = "e@example.com", "Tok-eventually-5d1c"


class FakeTime:
    """A monotonic clock that moves only when something sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class Never:
    """A check that never passes and counts its reads."""

    def __init__(self, message: str = "the write is not readable yet") -> None:
        self.message = message
        self.reads = 0
        self.errors: list[AssertionError] = []

    def __call__(self) -> None:
        self.reads += 1
        error = AssertionError(f"{self.message} (read {self.reads})")
        self.errors.append(error)
        raise error


# eventually


def test_eventually_returns_at_once_when_the_check_passes() -> None:
    fake = FakeTime()
    assert eventually(lambda: "value", timeout=5, interval=1, sleep=fake.sleep, clock=fake.clock) == "value"
    assert fake.sleeps == []


def test_eventually_retries_until_the_check_passes() -> None:
    fake = FakeTime()
    calls: list[float] = []

    def check() -> str:
        calls.append(fake.now)
        assert len(calls) >= 3, f"read {len(calls)}"
        return "done"

    result = eventually(check, timeout=5, interval=0.5, sleep=fake.sleep, clock=fake.clock)
    assert result == "done"
    assert fake.sleeps == [0.5, 0.5]
    assert calls == [100.0, 100.5, 101.0]


def test_eventually_raises_the_last_error_once_with_the_waited_time() -> None:
    fake = FakeTime()
    check = Never("read saw nothing")
    with pytest.raises(AssertionError) as caught:
        eventually(check, timeout=1, interval=0.25, sleep=fake.sleep, clock=fake.clock)
    assert check.reads == 5  # at 100, 100.25, 100.5, 100.75 and 101
    assert fake.now == 101.0
    # The last read's own error, not a second one chained to it: its traceback is printed once.
    assert caught.value is check.errors[-1]
    assert caught.value.__cause__ is None
    assert str(caught.value) == "read saw nothing (read 5)"
    (note,) = caught.value.__notes__
    assert "after 1 s and 5 reads" in note
    assert "--zd-eventually-timeout" in note


def test_eventually_with_zero_timeout_reads_once() -> None:
    fake = FakeTime()
    check = Never()
    with pytest.raises(AssertionError) as caught:
        eventually(check, timeout=0, interval=1, sleep=fake.sleep, clock=fake.clock)
    assert check.reads == 1
    assert fake.sleeps == []
    assert "after 0 s and 1 reads" in caught.value.__notes__[0]


def test_eventually_does_not_retry_other_errors() -> None:
    fake = FakeTime()
    calls: list[int] = []

    def check() -> None:
        calls.append(1)
        raise KeyError("profile")

    with pytest.raises(KeyError):
        eventually(check, timeout=10, interval=1, sleep=fake.sleep, clock=fake.clock)
    assert calls == [1]


# Eventually: one per test


def last_frame(error: BaseException) -> tuple[str, int | None]:
    frame = traceback.extract_tb(error.__traceback__)[-1]
    return frame.filename, frame.lineno


def make(fake: FakeTime, timeout: float = 2) -> Eventually:
    return Eventually(timeout=timeout, interval=0.5, sleep=fake.sleep, clock=fake.clock)


def test_after_one_timeout_every_later_wait_fails_at_once_naming_it() -> None:
    fake = FakeTime()
    waits = make(fake)
    first = Never("2 of 2 tracked events not readable yet from /events")
    with pytest.raises(AssertionError) as original:
        waits(first)
    assert first.reads == 5
    waited_until = fake.now

    for _ in range(3):  # later examples and shrinks of the same test
        later = Never("another read")
        with pytest.raises(AssertionError) as caught:
            waits(later)
        assert later.reads == 0, "a read after a timeout must not read again"
        assert fake.now == waited_until, "a read after a timeout must not wait again"
        message = str(caught.value)
        assert message.startswith(
            "An earlier read in this test already waited the full 2 s for a write to show and timed "
            "out, so this read fails at once instead of waiting again"
        )
        assert (
            "The earlier read failed with: 2 of 2 tracked events not readable yet from /events (read 5)"
        ) in message
        assert "after 2 s and 5 reads" in message
        assert caught.value.__cause__ is None and caught.value.__context__ is None
        # It ends where the first failure was raised, so hypothesis sees one failure, not a flaky
        # test that fails two ways (its origin is the type and the last frame).
        assert last_frame(caught.value) == last_frame(original.value)


def test_a_new_test_waits_afresh() -> None:
    fake = FakeTime()
    with pytest.raises(AssertionError):
        make(fake)(Never())
    check = Never()
    with pytest.raises(AssertionError, match="not readable yet"):
        make(fake)(check)
    assert check.reads == 5


def test_waits_that_pass_or_fail_otherwise_leave_later_waits_alone() -> None:
    fake = FakeTime()
    waits = make(fake)
    reads: list[int] = []

    def slow() -> str:
        reads.append(1)
        assert len(reads) >= 3, "not yet"
        return "shown"

    assert waits(slow) == "shown"
    with pytest.raises(KeyError):
        waits(lambda: {}["missing"])
    check = Never()
    with pytest.raises(AssertionError, match="not readable yet"):
        waits(check)
    assert check.reads == 5
    assert waits.timed_out is not None


# Eventually with shown=: the whole timeout for the write to show, a grace for the answer


def test_once_the_write_has_shown_a_wrong_answer_fails_after_the_grace_not_the_timeout() -> None:
    fake = FakeTime()
    waits = make(fake, timeout=10)
    wrong = Never("stored as sent, not lowercased")
    with pytest.raises(AssertionError, match="not lowercased") as caught:
        waits(wrong, shown=lambda: None)
    assert fake.now - 100.0 == pytest.approx(10 * GRACE_SHARE), "the grace, not the 10 s timeout"
    assert wrong.reads == 1 + int(10 * GRACE_SHARE / 0.5) + 1, "one try first, then the grace's"
    assert "the write itself had shown after 0.0 s" in "\n".join(caught.value.__notes__)
    assert waits.timed_out is None, "a wrong answer is not a timeout: later waits still wait"


def test_the_grace_is_as_long_as_the_write_took_to_show() -> None:
    fake = FakeTime()
    waits = make(fake, timeout=10)
    reads: list[float] = []

    def slow_to_show() -> None:
        reads.append(fake.now)
        assert fake.now >= 104.0, "not shown yet"

    def right_a_little_later() -> str:
        assert fake.now >= 107.0, "not right yet"
        return "right"

    assert waits(right_a_little_later, shown=slow_to_show) == "right", "4 s to show, so 4 s of grace"
    assert 10 * GRACE_SHARE < 4, "only if the share is shorter than the 4 s does this prove anything"
    with pytest.raises(AssertionError, match="not shown yet"):
        waits(Never("not right"), shown=Never("not shown yet"))
    assert waits.timed_out is not None, "the write never showing is a timeout"


def test_a_check_right_at_once_sends_no_read_of_whether_the_write_has_shown() -> None:
    fake = FakeTime()
    waits = make(fake, timeout=10)
    shown = Never("not shown yet")
    assert waits(lambda: "right", shown=shown) == "right"
    assert shown.reads == 0 and fake.now == 100.0, "a check that passes first time costs one read"


def test_a_long_first_failure_is_cut() -> None:
    waits = make(FakeTime(), timeout=0)
    with pytest.raises(AssertionError):
        waits(Never("x" * 5000))
    with pytest.raises(AssertionError) as caught:
        waits(Never())
    assert len(str(caught.value)) < 1500
    assert str(caught.value).endswith("...")


# zd_eventually inside pytest runs

PER_TEST = """
import pytest

READS = []


def check():
    READS.append(1)
    assert False, "still missing"


@pytest.mark.parametrize("n", [1, 2])
def test_waits_once(zd_eventually, n):
    before = len(READS)
    with pytest.raises(AssertionError, match="still missing") as caught:
        zd_eventually(check)
    assert "after 0.2 s" in caught.value.__notes__[0]
    assert 2 <= len(READS) - before <= 5
    before = len(READS)
    with pytest.raises(AssertionError, match="already waited the full 0.2 s") as caught:
        zd_eventually(check)
    assert "The earlier read failed with: still missing" in str(caught.value)
    assert len(READS) == before
"""


def test_zd_eventually_uses_the_run_options_and_is_one_per_test(pytester: pytest.Pytester) -> None:
    """The second test's first wait reads again: the state is the test's, not the session's."""
    pytester.makepyfile(test_per_test=PER_TEST)
    result = pytester.runpytest_inprocess(
        "--zd-eventually-timeout", "0.2", "--zd-eventually-interval", "0.05"
    )
    result.assert_outcomes(passed=2)


FAILING_READ = """
def test_read(zd_eventually):
    def visible():
        missing = ["zdc-mark-1"]
        assert not missing, f"1 of 1 tracked events not readable yet: {missing}"

    zd_eventually(visible)
"""


def test_a_timed_out_read_prints_its_assertion_once(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_failing_read=FAILING_READ)
    result = pytester.runpytest_inprocess("--zd-eventually-timeout", "0")
    result.assert_outcomes(failed=1)
    text = result.stdout.str()
    assert "direct cause" not in text
    assert text.count("E   AssertionError: 1 of 1 tracked events not readable yet") == 1, text
    # Count traceback lines only: on CI (the CI variable set) pytest's short summary repeats the
    # whole message, elsewhere it cuts the message to one line.
    assert text.count("E   assert not ['zdc-mark-1']") == 1, text
    assert "still not so after 0 s and 1 reads" in text
    assert "def eventually(" not in text, "eventually's own frames are hidden"
    # One short traceback: the test's line that waited, the check's assertion, its message.
    block = text[text.index("_ test_read _") : text.index("short test summary")]
    assert "def test_read" not in block and "    zd_eventually(visible)" in block, block
    assert len(block.splitlines()) <= 12, block
    again = pytester.runpytest_inprocess("--zd-eventually-timeout", "0", "--tb=long")
    assert "def test_read(zd_eventually):" in again.stdout.str(), "an explicit --tb is kept"


# A broken server: a write never shows, and the run fails fast

#: A contract-style property: track an event under an identifier with a colon in its value, read
#: it back by an identifier query. Under the quirk identifier_value_split the query is cut at the
#: colon, so the read never shows the write. Each example and each read is logged.
HIDDEN_WRITE = """
from pathlib import Path

from hypothesis import example, given, strategies as st

from pytest_zdevents.runtime.paths import IDENTIFIER_EVENTS_PATH, TRACK_PATH
from pytest_zdevents.runtime.isolation import EVENT_SOURCES, EVENT_TYPES, identifier_query

LOG = Path(__file__).with_name("log.txt")


def log(what):
    with LOG.open("a") as f:
        f.write(what + "\\n")


@given(suffix=st.text(alphabet="abc", max_size=6))
{examples}
def test_reads_what_it_wrote(zd_client, zd_namespace, zd_created, zd_eventually, suffix):
    log("example")
    identifier = {{"type": "zdc_key", "value": f"{{zd_namespace.value()}}:{{suffix}}"}}
    event = {{"source": EVENT_SOURCES[0], "type": EVENT_TYPES[0], "properties": {{}}}}
    body = {{"profile": zd_namespace.profile(identifier), "event": event}}
    response = zd_client.post(TRACK_PATH, json=body)
    assert response.status_code == 202, response.text
    zd_created.add(response.json()["profile_id"])
    query = identifier_query(identifier)

    def visible():
        log("read")
        response = zd_client.get(IDENTIFIER_EVENTS_PATH, params={{"identifier": query}})
        assert response.status_code == 200 and response.json().get("events"), (
            f"the event tracked for {{query}} is not readable yet"
        )

    zd_eventually(visible)
"""

FAST = ("-p", "no:cacheprovider", "--zd-eventually-timeout", "0", "--zd-max-examples", "20")


def hidden_write(pytester: pytest.Pytester, explicit: int = 0) -> None:
    """The property, under the suite's own hypothesis profile (contracts/conftest.py)."""
    examples = "\n".join(f'@example(suffix="{"abc"[i % 3] * (i + 1)}")' for i in range(explicit))
    pytester.makeconftest(CONTRACTS_CONFTEST.read_text())
    pytester.makepyfile(test_hidden_write=HIDDEN_WRITE.format(examples=examples))


def logged(pytester: pytest.Pytester) -> dict[str, int]:
    lines = (pytester.path / "log.txt").read_text().split()
    return {what: lines.count(what) for what in ("example", "read")}


@pytest.fixture
def served() -> Iterator[ServedEmulator]:
    emulator = Emulator(email=EMAIL, token=TOKEN, quirks=["identifier_value_split"])
    with emulator.serve() as running:
        yield running
    emulator.close()


def against(served: ServedEmulator, pytester: pytest.Pytester) -> pytest.RunResult:
    served.emulator.journal.clear()
    return pytester.runpytest_subprocess(
        *FAST, f"--zd-url={served.url}", f"--zd-email={EMAIL}", f"--zd-token={TOKEN}"
    )


def journal_counts(served: ServedEmulator) -> dict[str, int]:
    """Examples (tracking requests) and reads (identifier queries) the server received."""
    entries: list[dict[str, Any]] = served.emulator.journal.entries()
    return {
        "example": sum(e["method"] == "POST" and e["path"] == TRACK_PATH for e in entries),
        "read": sum(e["method"] == "GET" and e["path"] == IDENTIFIER_EVENTS_PATH for e in entries),
    }


@pytest.mark.slow
def test_against_a_url_a_failing_property_waits_once_and_is_not_shrunk(
    pytester: pytest.Pytester, served: ServedEmulator
) -> None:
    """The first generated example fails; hypothesis replays it once to report it and does not
    shrink it; the replay fails at once."""
    hidden_write(pytester)
    result = against(served, pytester)
    assert result.ret == 1, result.stdout.str()[-3000:]
    counts = journal_counts(served)
    assert counts == logged(pytester)
    assert counts == {"example": 2, "read": 1}, result.stdout.str()[-3000:]
    result.stdout.fnmatch_lines(["*An earlier read in this test already waited the full 0 s*"])
    assert TOKEN not in result.stdout.str()


@pytest.mark.slow
def test_against_a_url_many_failing_examples_wait_once(
    pytester: pytest.Pytester, served: ServedEmulator
) -> None:
    """Six explicit examples, as the suite's properties have: each runs, one waits."""
    hidden_write(pytester, explicit=6)
    result = against(served, pytester)
    assert result.ret == 1, result.stdout.str()[-3000:]
    assert journal_counts(served) == {"example": 6, "read": 1}, result.stdout.str()[-3000:]
    result.stdout.fnmatch_lines(["*the event tracked for * is not readable yet*"])


@pytest.mark.slow
def test_against_the_embedded_emulator_shrinking_stays_on_and_waits_once(pytester: pytest.Pytester) -> None:
    hidden_write(pytester)
    result = pytester.runpytest_subprocess(*FAST, "--zd-emulator-quirk", "identifier_value_split")
    assert result.ret == 1, result.stdout.str()[-3000:]
    counts = logged(pytester)
    assert counts["read"] == 1, counts
    assert counts["example"] > 10, f"hypothesis must go on past the first failure and shrink: {counts}"
    result.stdout.fnmatch_lines(["*An earlier read in this test already waited the full 0 s*"])
