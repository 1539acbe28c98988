"""The three ways to run the emulator: in-process, a background thread, the command."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from helpers import TRACK, track_body

from pytest_zdevents import __version__
from pytest_zdevents.emulator import QUIRKS, VARIATIONS, Emulator, cli


def test_in_process_client_needs_no_port() -> None:
    """Emulator().client() is an httpx.Client on the ASGI app."""
    emulator = Emulator()
    with emulator.client() as client:
        assert isinstance(client, httpx.Client)
        assert client.post(TRACK, json=track_body()).status_code == 202
        assert client.get("/__zdevents/health").json()["status"] == "ok"


def test_in_process_client_from_several_threads_and_inside_an_event_loop() -> None:
    """Each thread runs the app on a loop of its own; code already inside a running loop (an
    async test calling the sync client) is served too, by a loop on another thread."""
    emulator = Emulator()
    with emulator.client() as client:

        def track(index: int) -> int:
            return client.post(TRACK, json=track_body(f"thread{index}@example.com")).status_code

        with ThreadPoolExecutor(4) as pool:
            assert list(pool.map(track, range(8))) == [202] * 8

        async def inside() -> str:
            return client.get("/__zdevents/health").json()["status"]

        assert asyncio.run(inside()) == "ok"
    assert len(emulator.export()["profiles"]) == 8


def test_background_thread_serves_on_a_free_loopback_port() -> None:
    """Emulator().serve() picks a free port on 127.0.0.1 and stops cleanly."""
    emulator = Emulator(email="e@example.com", token="t")
    with emulator.serve() as served:
        assert served.url.startswith("http://127.0.0.1:")
        assert served.port != 0
        auth = ("e@example.com/token", "t")
        assert httpx.post(served.url + TRACK, json=track_body(), auth=auth).status_code == 202
        assert httpx.get(served.url + "/api/v2/user_profiles/events").status_code == 401
    with pytest.raises(httpx.ConnectError):
        httpx.get(served.url + "/__zdevents/health", timeout=2)


@contextmanager
def command(*args: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """Run ``zdevents-emulator --port 0 ARGS`` and yield it with the URL it printed."""
    process = subprocess.Popen(
        [sys.executable, "-m", "pytest_zdevents.emulator.cli", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert "listening on http://127.0.0.1:" in line, line + process.stderr.read()
        yield process, line.rsplit(" ", 1)[1].strip()
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)


def test_command_prints_the_url_and_serves() -> None:
    """zdevents-emulator --port 0 prints the URL it listens on, with the version."""
    with command("--email", "e@example.com", "--token", "t", "--quirk", "put_merges") as (_, url):
        health = httpx.get(url + "/__zdevents/health").json()
        assert health["version"] == __version__
        assert health["quirks"] == ["put_merges"]
        assert health["auth_required"] is True
        assert httpx.get(url + "/api/v2/users/1/events").status_code == 401


def test_command_with_db_keeps_state_across_restarts(tmp_path: Path) -> None:
    """--db PATH: what was acknowledged survives a restart."""
    db = str(tmp_path / "state.sqlite3")
    with command("--db", db) as (_, url):
        answer = httpx.post(url + TRACK, json=track_body()).json()
    with command("--db", db) as (_, url):
        events = httpx.get(f"{url}/api/v2/user_profiles/{answer['profile_id']}/events").json()["events"]
    assert [event["type"] for event in events] == ["checkout"]


@pytest.mark.slow
def test_command_killed_keeps_acknowledged_writes(tmp_path: Path) -> None:
    """SQLite commits before answering, so even SIGKILL right after a 202 loses nothing."""
    db = str(tmp_path / "state.sqlite3")
    with command("--db", db) as (process, url):
        answers = [httpx.post(url + TRACK, json=track_body(f"u{n}@example.com")) for n in range(20)]
        os.kill(process.pid, signal.SIGKILL)
    assert all(answer.status_code == 202 for answer in answers)
    with command("--db", db) as (_, url):
        state = httpx.get(url + "/__zdevents/state").json()
    assert len(state["events"]) == 20


def command_error(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """What the command prints when ``args`` end it with status 2; fails unless they do, in one
    line."""
    try:
        status = cli.main(["--port", "0", *args])
    except SystemExit as exit:  # argparse's own usage errors
        status = exit.code  # type: ignore[assignment]
    assert status == 2
    error = capsys.readouterr().err.strip()
    assert "Traceback" not in error
    return error.splitlines()[-1]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--quirk", "no_such_quirk"], "Unknown quirk no_such_quirk"),
        (["--email", "e@example.com"], "Give both email and token"),
        (["--lag", "nan"], "lag must be a number of seconds from 0 to 86,400, not nan."),
        (["--email", "e@example.com", "--token", ""], "The API token is empty"),
        (["--port", "99999"], "the port must be a whole number from 0 to 65535, not '99999'"),
        (["--db", "/nonexistent/x.db"], "The database /nonexistent/x.db cannot be opened"),
        (["--host", "no.such.host.invalid"], "no.such.host.invalid is not an address of this machine"),
    ],
)
def test_command_refuses_bad_settings(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    """Bad settings end the command with status 2 and a sentence saying what is wrong."""
    assert message in command_error(capsys, *args)


def test_command_names_the_port_in_use(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        error = command_error(capsys, "--port", str(port))
    assert error == (
        f"zdevents-emulator: Cannot listen on 127.0.0.1:{port}: port {port} is in use (another "
        "zdevents-emulator?). Pick another with --port, or --port 0 for a free one."
    )


def test_command_lists_quirks_and_variations() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pytest_zdevents.emulator.cli", "--list-quirks"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0
    listed = {line.split()[0] for line in result.stdout.splitlines() if line.startswith("  ")}
    assert listed == set(QUIRKS) | set(VARIATIONS)


def test_command_takes_every_variation_at_once() -> None:
    """--variation knows every variation of switches.VARIATIONS, and they combine."""
    args = [arg for name in VARIATIONS for arg in ("--variation", name)]
    with command("--email", "e@example.com", "--token", "t", *args) as (_, url):
        assert httpx.get(url + "/__zdevents/health").json()["variations"] == sorted(VARIATIONS)
        auth = ("e@example.com/token", "t")
        answer = httpx.post(url + TRACK, json=track_body(), auth=auth).json()
        assert len(answer["profile_id"]) == 24 and len(answer["user_id"]) == 14
        events = httpx.get(f"{url}/api/v2/users/{answer['user_id']}/events", auth=auth).json()
        assert events["links"] == [{"next": ""}]
        assert events["meta"] == {"has_more": False, "after_cursor": None}
        assert httpx.get(url + TRACK).json() == {"error": "Couldn't authenticate you"}


def test_an_unclosed_client_does_not_keep_the_interpreter_alive() -> None:
    """Forgetting close() on the in-process client must not hang the test run that forgot it."""
    code = "from pytest_zdevents.emulator import Emulator; Emulator().client().get('/__zdevents/health')"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_served_sockets_disable_nagle() -> None:
    """Without TCP_NODELAY every keep-alive request stalls ~40 ms on a delayed ACK (bench/
    bench_http.py shows the figures); connections accepted on Linux inherit the option."""
    with Emulator().serve() as served:
        assert served.socket.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
