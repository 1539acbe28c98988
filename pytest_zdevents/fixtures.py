"""The plugin's fixtures: the suite's target and client, isolation, waiting, and an emulator for
teams testing their own integration code."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from .capabilities import Capabilities
from .client import RequestBudget, ZdClient
from .emulator import Emulator, ServedEmulator
from .emulator.seeding import export_state
from .eventually import Eventually
from .isolation import EVENT_SOURCES, EVENT_TYPES, Created, Namespace, identifier_query
from .options import ZdConfig
from .reads import IDENTIFIER_EVENTS_PATH
from .target import Target, open_target

TRACK_PATH = "/api/v2/user_profiles/events"

zd_config_key = pytest.StashKey[ZdConfig]()
_session: dict[str, Any] = {}


def session_config() -> ZdConfig:
    """The options of the running session, for code that runs at collection time (schemathesis
    builds its test items when a module is imported, before any fixture exists)."""
    return _session["config"]


def session_capabilities() -> Capabilities:
    """What the running session knows of the target's optional parts (``--zd-capabilities``)."""
    return _session["capabilities"]


budget_key = pytest.StashKey[RequestBudget]()
cleanup_report_key = pytest.StashKey[list[str]]()


@pytest.fixture(scope="session")
def zd_config(pytestconfig: pytest.Config) -> ZdConfig:
    """The effective ``--zd-*`` options of this run."""
    return pytestconfig.stash[zd_config_key]


@pytest.fixture(scope="session")
def zd_target(zd_config: ZdConfig) -> Iterator[Target]:
    """What the suite runs against: the embedded emulator unless ``--zd-url`` names another."""
    target = open_target(zd_config)
    yield target
    target.close()


@pytest.fixture(scope="session")
def zd_created() -> Created:
    """Profiles this run created; the plugin deletes them at the end of the session."""
    return Created()


@pytest.fixture(scope="session")
def zd_client(
    pytestconfig: pytest.Config, zd_target: Target, zd_config: ZdConfig, zd_created: Created
) -> Iterator[ZdClient]:
    """The client every contract uses: the target's credentials, retries of 429, the budget."""
    client = zd_target.client(pytestconfig.stash[budget_key], zd_config.timeout, zd_config.read_only)
    yield client
    if not zd_target.embedded:
        pytestconfig.stash[cleanup_report_key] = _delete_created(client, zd_created)
    client.close()


def _delete_created(client: ZdClient, created: Created) -> list[str]:
    """Delete every profile the run created (best effort); lines for the terminal summary."""
    failures = []
    ids = created.ids()
    for profile_id in ids:
        try:
            status = client.delete(f"/api/v2/user_profiles/{profile_id}").status_code
        except Exception as exc:
            failures.append(f"{profile_id} ({type(exc).__name__}: {exc})")
            continue
        if status not in (204, 404):
            failures.append(f"{profile_id} (HTTP {status})")
    lines = [f"pytest-zdevents deleted {len(ids) - len(failures)} of the {len(ids)} profiles it created."]
    if failures:
        lines.append("It could not delete these; delete them by hand: " + ", ".join(failures))
    return lines


@pytest.fixture(scope="session")
def zd_namespace(request: pytest.FixtureRequest) -> Namespace:
    """Identifier values unique to this run and this xdist worker."""
    workerinput = getattr(request.config, "workerinput", {})
    # xdist gives every worker of one run the same testrunuid, so the run id names the run.
    run_id = workerinput["testrunuid"][:8] if "testrunuid" in workerinput else None
    return Namespace(run_id, worker=workerinput.get("workerid", "main"))


@pytest.fixture
def zd_eventually(zd_config: ZdConfig) -> Eventually:
    """``zd_eventually(check)``: ``eventually(check)`` with the run's timeout and interval; call it
    wherever a test reads what it just wrote.

    One per test: once a wait of the test has timed out, every later one (in every hypothesis
    example and shrink of the test) fails at once, naming the first failure.
    ``zd_eventually(check, shown=visible)`` waits the whole timeout only for ``visible`` (the write
    shows at all), then gives ``check`` a short grace: a wrong answer fails in seconds."""
    return Eventually(timeout=zd_config.eventually_timeout, interval=zd_config.eventually_interval)


@dataclass
class Tracked:
    """A tracked event: what was sent and what the target answered."""

    response: httpx.Response
    body: dict[str, Any]
    profile_id: str = ""
    user_id: str = ""

    @property
    def identifiers(self) -> list[dict[str, str]]:
        return self.body["profile"]["identifiers"]


@pytest.fixture
def zd_track(zd_client: ZdClient, zd_namespace: Namespace, zd_created: Created) -> Callable[..., Tracked]:
    """Track an event (E5) for a namespaced profile and register the profile for clean-up.

    ``zd_track(*identifiers, event={...}, profile={...})``: fields override the defaults (a fixed
    source and type, a fresh email identifier). Fails the test unless the answer is 202.
    """

    def track(
        *identifiers: dict[str, str],
        event: dict[str, Any] | None = None,
        profile: dict[str, Any] | None = None,
    ) -> Tracked:
        body = {
            "profile": zd_namespace.profile(*identifiers, **(profile or {})),
            "event": {
                "source": EVENT_SOURCES[0],
                "type": EVENT_TYPES[0],
                "properties": {"run": zd_namespace.run_id},
                **(event or {}),
            },
        }
        response = zd_client.post(TRACK_PATH, json=body)
        assert response.status_code == 202, (
            f"Tracking an event must be answered 202 (S1), got {response.status_code}: {response.text[:500]}"
        )
        answer = response.json()
        zd_created.add(answer["profile_id"])
        return Tracked(response, body, str(answer["profile_id"]), str(answer.get("user_id", "")))

    return track


@dataclass(frozen=True)
class Readable:
    """A profile with events to read, by an identifier query (``source:type:id_type:id_value``)."""

    query: str
    #: The vendor named it (``read_only_data``); else this run tracked it.
    named: bool


#: How many events zd_readable tracks when no data is named.
READABLE_EVENTS = 3


@pytest.fixture
def zd_readable(
    zd_config: ZdConfig,
    zd_client: ZdClient,
    zd_namespace: Namespace,
    zd_track: Callable[..., Tracked],
    zd_eventually: Callable[..., Any],
) -> Readable:
    """A profile with events, for contracts that only read: the one ``read_only_data`` in the
    capabilities file names, else a fresh one with three events tracked now (which a
    ``--zd-read-only`` run cannot do, so there it skips)."""
    named = session_capabilities().read_only_data
    if named is not None:
        query = identifier_query(named.identifier, named.profile_source, named.profile_type)
        return Readable(query, named=True)
    if zd_config.read_only:
        pytest.skip(
            "--zd-read-only and no read_only_data in the capabilities file: name a profile with "
            "events there for the contracts that only read."
        )
    identifier = zd_namespace.identifier("email")
    for _ in range(READABLE_EVENTS):
        zd_track(identifier)
    query = identifier_query(identifier)

    def visible() -> None:
        response = zd_client.get(IDENTIFIER_EVENTS_PATH, params={"identifier": query})
        assert response.status_code == 200 and len(response.json().get("events", [])) >= READABLE_EVENTS

    zd_eventually(visible)
    return Readable(query, named=False)


@dataclass
class EmulatorHandle:
    """A running emulator for testing your own code: point it at ``url`` with ``email`` and
    ``token`` (Basic ``{email}/token:{token}``)."""

    served: ServedEmulator
    email: str
    token: str = field(repr=False)
    emulator: Emulator = field(init=False)

    def __post_init__(self) -> None:
        self.emulator = self.served.emulator

    @property
    def url(self) -> str:
        return self.served.url

    @property
    def auth(self) -> tuple[str, str]:
        """``(username, password)`` for Basic authentication, as httpx and requests take it."""
        return (f"{self.email}/token", self.token)

    def events(self) -> list[dict[str, Any]]:
        """Every event the emulator holds, in arrival order."""
        return export_state(self.emulator.service)["events"]

    def profiles(self) -> list[dict[str, Any]]:
        return export_state(self.emulator.service)["profiles"]

    def requests(self) -> list[dict[str, Any]]:
        """The request journal, credentials masked."""
        return self.emulator.journal.entries()

    def reset(self) -> None:
        self.emulator.reset()


@pytest.fixture(scope="session")
def _zd_served_emulator() -> Iterator[EmulatorHandle]:
    email, token = "developer@example.com", secrets.token_urlsafe(16)
    emulator = Emulator(email=email, token=token)
    with emulator.serve() as served:
        yield EmulatorHandle(served, email, token)
    emulator.close()


@pytest.fixture
def zd_emulator(_zd_served_emulator: EmulatorHandle) -> EmulatorHandle:
    """A running emulator on a free loopback port, empty at the start of each test."""
    _zd_served_emulator.reset()
    _zd_served_emulator.emulator.configure(lag=0.0, rate_limit=None, quirks=(), variations=())
    return _zd_served_emulator
