"""The plugin's fixtures: the suite's target and client, isolation, tracking and waiting. The
emulator fixture for teams testing their own code is in :mod:`pytest_zdevents.plugin.emulator`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from pytest_zdevents.plugin.selection import contract_id
from pytest_zdevents.runtime.cleanup import Created, delete_created
from pytest_zdevents.runtime.client import ZdClient
from pytest_zdevents.runtime.config import ZdConfig, flag
from pytest_zdevents.runtime.eventually import Eventually
from pytest_zdevents.runtime.isolation import Namespace, identifier_query
from pytest_zdevents.runtime.kit import Kit
from pytest_zdevents.runtime.paths import IDENTIFIER_EVENTS_PATH
from pytest_zdevents.runtime.session import Session
from pytest_zdevents.runtime.target import Target, open_target
from pytest_zdevents.runtime.tracking import READABLE_EVENTS, Readable, Tracker


@pytest.fixture(scope="session")
def zd_config(pytestconfig: pytest.Config) -> ZdConfig:
    """The effective ``--zd-*`` options of this run."""
    return Session.of(pytestconfig).config


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
    session = Session.of(pytestconfig)
    client = zd_target.client(session.budget, zd_config.timeout, zd_config.read_only)
    yield client
    if not zd_target.embedded:
        session.cleanup = delete_created(client, zd_created)
    client.close()


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


@pytest.fixture
def zd_track(
    request: pytest.FixtureRequest, zd_client: ZdClient, zd_namespace: Namespace, zd_created: Created
) -> Tracker:
    """Track an event (E5) for a namespaced profile and register the profile for clean-up:
    ``zd_track(*identifiers, event={...}, profile={...})`` (:class:`Tracker`). Outside the
    contracts about tracking, a refused event is a set-up error naming the promise relied on."""
    return Tracker(zd_client, zd_namespace, zd_created, contract_id(request.node))


@pytest.fixture
def zd(
    zd_client: ZdClient,
    zd_namespace: Namespace,
    zd_created: Created,
    zd_track: Tracker,
    zd_eventually: Eventually,
) -> Kit:
    """The fixtures a contract uses most, in one argument: ``zd.client``, ``zd.namespace``,
    ``zd.created``, ``zd.track``, ``zd.eventually``, and ``zd.timeline()`` for a fresh profile
    whose marked events are read by scope (:class:`Kit`)."""
    return Kit(zd_client, zd_namespace, zd_created, zd_track, zd_eventually)


@pytest.fixture
def zd_readable(
    request: pytest.FixtureRequest,
    zd_config: ZdConfig,
    zd_client: ZdClient,
    zd_namespace: Namespace,
    zd_track: Tracker,
    zd_eventually: Eventually,
) -> Readable:
    """A profile with events, for contracts that only read: the one ``read_only_data`` in the
    capabilities file names, else a fresh one with three events tracked now (which a
    ``--zd-read-only`` run cannot do, so there it skips)."""
    named = Session.of(request.config).capabilities.read_only_data
    if named is not None:
        query = identifier_query(named.identifier, named.profile_source, named.profile_type)
        return Readable(query, named=True)
    if zd_config.read_only:
        pytest.skip(
            f"{flag('read_only')} and no read_only_data in the capabilities file: name a profile with "
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
