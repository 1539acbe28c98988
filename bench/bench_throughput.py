"""Benchmark: the emulator's throughput beside a bare Starlette endpoint on the same uvicorn.

Two servers, each in a process of its own on a free loopback port, on one uvicorn configuration
(the default loop and HTTP parser, which are uvloop and httptools when installed; access log off):

- the emulator (``Emulator(email=..., token=...)``, memory store), every request authenticated;
- a bare Starlette app: ``POST /api/v2/user_profiles/events`` reads the JSON body and answers a 202
  JSON of the track's shape; ``GET /api/v2/user_profiles/{id}/events`` answers the bytes of the
  emulator's page of 100 events (E3), fetched from it once over the same loopback.

A load generator (processes of their own, raw sockets, keep-alive, prebuilt request bytes, one
request in flight per connection, 16 connections) drives each server in turn: a warm-up, then a
measured window, alternating bare and emulator for ``--rounds`` rounds; each figure is the median
of its rounds. Prints requests a second, the emulator/bare ratio (the targets: POST >= 0.6, page
read >= 0.8), the CPU share of the generator and of the server over the measured windows, and the
server's CPU time per answer (bare/emulator: the ratio on a machine with nothing else running).

    python bench/bench_throughput.py [--seconds 3] [--warmup 1] [--rounds 3] [--connections 16]

It is not a test: it prints figures. On a machine of two cores the generator competes with the
server for CPU, as wrk would; the ratios are the figures to read, the rates vary with the machine.
"""

from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing
import os
import re
import selectors
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TRACK = "/api/v2/user_profiles/events"
EMAIL, TOKEN = "bench@example.com", "bench-token-0123456789"
#: Events on the profile the page read reads: more than a page, so the page has a next link.
PAGE_EVENTS = 150
SEED_PROFILE = {"source": "bench", "type": "customer", "identifiers": [{"type": "email", "value": "p@x.io"}]}
TRACK_BODY = json.dumps(
    {
        "profile": {**SEED_PROFILE, "identifiers": [{"type": "email", "value": "t@x.io"}]},
        "event": {"source": "bench", "type": "viewed", "properties": {"page": {"id": "p1"}, "n": "1"}},
    }
).encode()

# Servers


def _serve(kind: str, page_file: str | None) -> None:
    """Serve ``kind`` (``emulator`` or ``bare``) on a free loopback port; print the port and, for
    the emulator, the id of the profile whose page is read, as a line of JSON on stdout."""
    import uvicorn

    from pytest_zdevents.emulator.runtime import bind

    info: dict[str, object] = {}
    if kind == "emulator":
        app, info["profile_id"] = _emulator_app()
    else:
        app = _bare_app(Path(page_file).read_bytes() if page_file else b"{}")
    sock = bind("127.0.0.1", 0)
    info["port"] = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    config.load()
    info["loop"], info["http"] = _stack(config)
    print(json.dumps(info), flush=True)
    server.run(sockets=[sock])


def _stack(config: object) -> tuple[str, str]:
    """The event loop and the HTTP protocol uvicorn runs: with ``auto`` (the default), uvloop and
    httptools when they are installed, else asyncio and h11."""
    import importlib.util

    loop = getattr(config, "loop", "auto")
    if loop == "auto":
        loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    http = getattr(config, "http_protocol_class", None)
    return str(loop), getattr(http, "__name__", str(http))


def _emulator_app() -> tuple[object, str]:
    """The emulator with the profile whose page is read, and :data:`FRESH_PROFILES` copies of it
    (imported, each under ids of its own) for the fresh reads."""
    from pytest_zdevents.emulator import Emulator

    emulator = Emulator(email=EMAIL, token=TOKEN)
    with emulator.client(auth=(f"{EMAIL}/token", TOKEN)) as client:
        for n in range(PAGE_EVENTS):
            event = {"source": "bench", "type": "viewed", "properties": {"n": str(n), "page": {"id": "p"}}}
            answer = client.post(TRACK, json={"profile": SEED_PROFILE, "event": event})
            assert answer.status_code == 202, answer.text
    profile_id = answer.json()["profile_id"]
    state = emulator.export()
    copies: dict[str, list[dict[str, object]]] = {"profiles": [], "events": []}
    for n in range(FRESH_PROFILES):
        copy_id = fresh_profile_id(profile_id, n)
        identifiers = [{"type": "email", "value": f"fresh-{n}@x.io"}]
        copies["profiles"] += [{**p, "id": copy_id, "identifiers": identifiers} for p in state["profiles"]]
        copies["events"] += [
            {**e, "id": f"{e['id'][:-4]}{n:04X}", "profile_id": copy_id} for e in state["events"]
        ]
    emulator.import_({"version": state["version"], "users": [], **copies})
    return emulator.app, profile_id


#: Copies of the read profile, read in turn by the fresh reads: more than the emulator keeps
#: answers for (PAGES_KEPT), so that none is answered from a kept one.
FRESH_PROFILES = 512


def fresh_profile_id(profile_id: str, n: int) -> str:
    return f"{profile_id[:-4]}{n:04X}"


def _bare_app(page: bytes) -> object:
    """The ceiling: Starlette routing, one JSON body read, one JSON answer; nothing else."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    async def track(request: Request) -> Response:
        await request.json()
        body = {"profile_id": "01JBENCH00000000000000000A", "status": "received", "user_id": "1"}
        return JSONResponse(body, status_code=202)

    async def events(request: Request) -> Response:
        return Response(page, media_type="application/json")

    return Starlette(
        routes=[
            Route(TRACK, track, methods=["POST"]),
            Route("/api/v2/user_profiles/{profile_id}/events", events, methods=["GET"]),
        ]
    )


class Server:
    """One server process."""

    def __init__(self, kind: str, page_file: str | None = None) -> None:
        command = [sys.executable, __file__, "--serve", kind]
        command += ["--page-file", page_file] if page_file else []
        self.process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        line = self.process.stdout.readline() if self.process.stdout else ""
        if not line:
            raise RuntimeError(f"the {kind} server did not start")
        self.info = json.loads(line)
        self.port: int = self.info["port"]

    def cpu_seconds(self) -> float:
        """User and system CPU seconds the process has used (Linux /proc)."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


# Load generator

_LENGTH = re.compile(rb"(?i)\r\ncontent-length: *([0-9]+)")


def _drive(
    port: int, requests: list[bytes], connections: int, warmup: float, seconds: float, out: object
) -> None:
    """Keep one request in flight on each of ``connections`` keep-alive connections, taking
    ``requests`` in turn; after ``warmup`` seconds, count the answers for ``seconds``. Sends
    (answers, non-2xx answers, CPU seconds this process used while counting) to ``out``."""
    selector = selectors.DefaultSelector()
    buffers: dict[socket.socket, bytearray] = {}
    turn = itertools.cycle(requests)
    request = next(turn)
    for _ in range(connections):
        sock = socket.create_connection(("127.0.0.1", port))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.setblocking(False)
        selector.register(sock, selectors.EVENT_READ)
        buffers[sock] = bytearray()
        sock.send(request)
    started = time.perf_counter()
    counting_from, until = started + warmup, started + warmup + seconds
    done = failed = 0
    counting = False
    cpu_start = 0.0
    while True:
        now = time.perf_counter()
        if not counting and now >= counting_from:
            counting, done, failed = True, 0, 0
            cpu_start = sum(os.times()[:2])
        if now >= until:
            break
        for key, _ in selector.select(timeout=0.1):
            sock = key.fileobj
            buffer = buffers[sock]
            chunk = sock.recv(262144)
            if not chunk:
                raise RuntimeError("the server closed a connection")
            buffer += chunk
            while True:
                head_end = buffer.find(b"\r\n\r\n")
                if head_end < 0:
                    break
                length = _LENGTH.search(buffer, 0, head_end + 2)
                end = head_end + 4 + (int(length[1]) if length else 0)
                if len(buffer) < end:
                    break
                done += 1
                if buffer[9:10] != b"2":
                    failed += 1
                del buffer[:end]
                sock.send(next(turn) if len(requests) > 1 else request)
    out.send((done, failed, sum(os.times()[:2]) - cpu_start))
    for sock in buffers:
        sock.close()


def measure(server: Server, request: list[bytes], args: argparse.Namespace) -> tuple[float, float, float]:
    """Requests a second, the generator's CPU share and the server's, over the measured window."""
    procs = max(1, min(args.processes, args.connections))
    per = [args.connections // procs + (i < args.connections % procs) for i in range(procs)]
    pipes, workers = [], []
    for count in per:
        receiver, sender = multiprocessing.Pipe(duplex=False)
        worker = multiprocessing.Process(
            target=_drive, args=(server.port, request, count, args.warmup, args.seconds, sender)
        )
        worker.start()
        pipes.append(receiver)
        workers.append(worker)
    time.sleep(args.warmup)
    server_cpu = server.cpu_seconds()
    time.sleep(args.seconds)
    server_cpu = server.cpu_seconds() - server_cpu
    results = [pipe.recv() for pipe in pipes]
    for worker in workers:
        worker.join()
    done = sum(r[0] for r in results)
    failed = sum(r[1] for r in results)
    if failed:
        raise RuntimeError(f"{failed} of {done} answers were not 2xx")
    return done / args.seconds, sum(r[2] for r in results) / args.seconds, server_cpu / args.seconds


def requests_for(port: int, profile_id: str) -> tuple[bytes, bytes, list[bytes]]:
    """The POST (E5), the page read (E3) and fresh page reads, as bytes on the wire, with
    credentials. The fresh reads take the copies of the profile in turn, so that each is a first
    page read from the store and written out, as the kept one was before it was kept."""
    import base64

    auth = base64.b64encode(f"{EMAIL}/token:{TOKEN}".encode()).decode()
    head = f"Host: 127.0.0.1:{port}\r\nAuthorization: Basic {auth}\r\nUser-Agent: bench\r\n"
    post = (
        f"POST {TRACK} HTTP/1.1\r\n{head}Content-Type: application/json\r\n"
        f"Content-Length: {len(TRACK_BODY)}\r\n\r\n"
    ).encode() + TRACK_BODY
    path = f"/api/v2/user_profiles/{profile_id}/events"
    get = f"GET {path} HTTP/1.1\r\n{head}\r\n".encode()
    fresh = [
        f"GET /api/v2/user_profiles/{fresh_profile_id(profile_id, n)}/events HTTP/1.1\r\n{head}\r\n".encode()
        for n in range(FRESH_PROFILES)
    ]
    return post, get, fresh


def fetch(port: int, request: bytes) -> bytes:
    """The body of the answer to ``request``."""
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(request)
        answer = b""
        while b"\r\n\r\n" not in answer:
            answer += sock.recv(65536)
        head, _, body = answer.partition(b"\r\n\r\n")
        length = _LENGTH.search(head + b"\r\n")
        assert length is not None and head.startswith(b"HTTP/1.1 200"), head
        while len(body) < int(length[1]):
            body += sock.recv(65536)
    return body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="measured seconds per round")
    parser.add_argument("--warmup", type=float, default=1.0, help="warm-up seconds before each round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--processes", type=int, default=2, help="generator processes")
    parser.add_argument("--only", choices=["post", "get"], help="measure only this request")
    parser.add_argument("--serve", choices=["emulator", "bare"], help=argparse.SUPPRESS)
    parser.add_argument("--page-file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        _serve(args.serve, args.page_file)
        return
    emulator = Server("emulator")
    page_file = Path(os.environ.get("TMPDIR", "/tmp")) / f"bench-page-{os.getpid()}.json"
    try:
        post, get, fresh = requests_for(emulator.port, emulator.info["profile_id"])
        page = fetch(emulator.port, get)
        page_file.write_bytes(page)
        bare = Server("bare", str(page_file))
        try:
            assert fetch(bare.port, requests_for(bare.port, emulator.info["profile_id"])[1]) == page
            report(emulator, bare, (post, get, fresh), page, args)
        finally:
            bare.stop()
    finally:
        emulator.stop()
        page_file.unlink(missing_ok=True)


def report(
    emulator: Server,
    bare: Server,
    emulator_requests: tuple[bytes, bytes, list[bytes]],
    page: bytes,
    args: argparse.Namespace,
) -> None:
    info = emulator.info
    print(
        f"uvicorn, loop {info['loop']}, http {info['http']}, access log off; {args.connections} connections "
        f"from {args.processes} generator processes; {args.rounds} rounds of {args.warmup:g} s warm-up "
        f"+ {args.seconds:g} s; medians"
    )
    print(f"{'request':34} {'bare req/s':>10} {'emulator':>9} {'ratio':>6} {'target':>6}  CPU gen/server")
    post, get, fresh = emulator_requests
    bare_post, bare_get, bare_fresh = requests_for(bare.port, info["profile_id"])
    rows: list[tuple[str, float | None, list[bytes], list[bytes]]] = []
    if args.only != "get":
        rows.append(("POST /user_profiles/events", 0.6, [post], [bare_post]))
    if args.only != "post":
        rows.append((f"GET page of 100 ({len(page):,} B)", 0.8, [get], [bare_get]))
        # Not a target of the issue: what a page read costs when no answer is kept for it.
        rows.append(("GET page of 100, fresh each time", None, fresh, bare_fresh))
    for name, target, emu_request, bare_request in rows:
        rates: dict[str, list[float]] = {"bare": [], "emulator": []}
        cpu: dict[str, list[tuple[float, float]]] = {"bare": [], "emulator": []}
        for _ in range(args.rounds):
            for kind, server, request in (("bare", bare, bare_request), ("emulator", emulator, emu_request)):
                rate, gen_cpu, server_cpu = measure(server, request, args)
                rates[kind].append(rate)
                cpu[kind].append((gen_cpu, server_cpu))
        b, e = statistics.median(rates["bare"]), statistics.median(rates["emulator"])
        # Server CPU per answer: what the ratio would be if nothing else wanted the CPU.
        cost = {
            kind: statistics.median(s / r * 1e6 for (_, s), r in zip(cpu[kind], rates[kind], strict=True))
            for kind in ("bare", "emulator")
        }
        shares = " ".join(
            f"{kind[0]} {statistics.median(g for g, _ in cpu[kind]):.0%}/"
            f"{statistics.median(s for _, s in cpu[kind]):.0%}"
            for kind in ("bare", "emulator")
        )
        ok = "" if target is None else "ok" if e / b >= target else "BELOW"
        shown = "-" if target is None else f"{target:g}"
        print(f"{name:34} {b:10,.0f} {e:9,.0f} {e / b:6.2f} {shown:>6} {ok:5} {shares}")
        print(
            f"{'':34} server CPU per answer: bare {cost['bare']:.0f} us, emulator {cost['emulator']:.0f} us "
            f"(ratio {cost['bare'] / cost['emulator']:.2f})"
        )
        print(f"{'':34} rounds: bare {_list(rates['bare'])}; emulator {_list(rates['emulator'])}")


def _list(values: list[float]) -> str:
    return ", ".join(f"{v:,.0f}" for v in values)


if __name__ == "__main__":
    main()
