"""``zdevents-emulator``: serve the emulator on a port.

zdevents-emulator --host 127.0.0.1 --port 8080 [--email E --token T] [--db PATH]
                  [--lag SECONDS] [--rate-limit N] [--quirk NAME ...] [--variation NAME ...]
                  [--allow-host NAME ...]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import uvicorn

from .. import __version__
from .runtime import Emulator, bind, exposure
from .settings import EmulatorSettings
from .switches import QUIRKS, VARIATIONS


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="zdevents-emulator",
        description="A stateful emulator of the Zendesk Events and Profiles APIs.",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=_port, default=8080, help="port to listen on; 0 picks a free one")
    p.add_argument("--email", help="agent email for Basic auth ({email}/token:{token})")
    p.add_argument("--token", help="API token for Basic auth; with --email, requests need credentials")
    p.add_argument(
        "--oauth-token",
        action="append",
        default=[],
        metavar="TOKEN",
        help="accept Authorization: Bearer TOKEN (repeatable)",
    )
    p.add_argument(
        "--read-only-oauth-token",
        action="append",
        default=[],
        metavar="TOKEN",
        help="a Bearer token with only the users:read scope (writes get 403)",
    )
    p.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="serve the control plane to requests for this host name too, besides loopback names "
        "and IP addresses (repeatable; e.g. a docker-compose service name)",
    )
    p.add_argument("--db", metavar="PATH", help="keep state in this SQLite file (default: memory)")
    p.add_argument(
        "--lag",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="events become readable this long after their 202 (default 0)",
    )
    p.add_argument("--rate-limit", type=int, metavar="N", help="at most N API requests a second")
    p.add_argument(
        "--quirk",
        action="append",
        default=[],
        metavar="NAME",
        help="switch on a deliberate misbehaviour (repeatable; see --list-quirks)",
    )
    p.add_argument(
        "--variation",
        action="append",
        default=[],
        metavar="NAME",
        help="switch on a legal variation (repeatable; see --list-quirks)",
    )
    p.add_argument("--seed", type=int, help="mint the same ids on every run")
    p.add_argument("--list-quirks", action="store_true", help="list quirks and variations, then exit")
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return p


def _port(text: str) -> int:
    """A TCP port number, 0 to 65535 (argparse turns the ValueError into a usage error, exit 2)."""
    if not (text.isascii() and text.isdigit() and len(text) <= 5 and int(text) <= 65535):
        raise argparse.ArgumentTypeError(
            f"the port must be a whole number from 0 to 65535, not {text[:20]!r}"
        )
    return int(text)


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.list_quirks:
        for title, switches in (("Quirks", QUIRKS), ("Variations", VARIATIONS)):
            print(f"{title}:")
            for name, description in switches.items():
                print(f"  {name:32} {description}")
        return 0
    try:
        settings = EmulatorSettings(
            email=args.email,
            token=args.token,
            oauth_tokens=frozenset(args.oauth_token),
            read_only_oauth_tokens=frozenset(args.read_only_oauth_token),
            db_path=args.db,
            lag=args.lag,
            rate_limit=args.rate_limit,
            quirks=frozenset(args.quirk),
            variations=frozenset(args.variation),
            allowed_hosts=frozenset(args.allow_host),
        )
        sock = bind(args.host, args.port)
    except (ValueError, OSError) as exc:
        print(f"zdevents-emulator: {exc}", file=sys.stderr)
        return 2
    try:
        emulator = Emulator(settings, seed=args.seed)
    except ValueError as exc:
        sock.close()
        print(f"zdevents-emulator: {exc}", file=sys.stderr)
        return 2
    host, port = sock.getsockname()[:2]
    warning = exposure(host, settings.auth_required)
    if warning is not None:
        print(f"zdevents-emulator: warning: {warning}", file=sys.stderr, flush=True)
    shown = f"[{host}]" if ":" in host else host
    print(f"zdevents-emulator {__version__} listening on http://{shown}:{port}", flush=True)
    server = uvicorn.Server(uvicorn.Config(emulator.app, log_level="warning", lifespan="off"))
    try:
        server.run(sockets=[sock])
    finally:
        emulator.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
