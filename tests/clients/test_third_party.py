"""A published client of the Events and Profiles APIs, hns-sunshine-api 21.7.3 (PyPI), runs its
calls against a served emulator: tracking, the reads, paging, profile upsert and delete.

The client hard-codes ``https://{subdomain}.zendesk.com`` into base URLs it keeps on each of its
API objects (``_events_base_url``, ``_profiles_base_url``, ``_users_base_url``, set in its
``SunshineBase.__init__``) and has no option for another host; :func:`on_loopback` rewrites those
three to the emulator's ``http://127.0.0.1:PORT`` and changes nothing else: the client's own
``requests`` session, adapter, headers and ``email/token`` Basic auth make every request.

It has no call for reading a user's events (``GET /api/v2/users/{id}/events``) and none for the next
page: a caller pages by following ``links[0].next`` with the session the client built (what
:func:`follow` does), as the client hands back plain ``requests`` responses. docs/emulator.md,
"Real clients", has the verdicts.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import hns_sunshine_api as sunshine
import httpx
import pytest
import requests
from clients_kit import EMAIL, TOKEN

from pytest_zdevents.emulator.runtime import ServedEmulator

pytestmark = [
    pytest.mark.third_party,
    # The client's adapter passes urllib3 1.x's strict=True, which urllib3 2 accepts with this
    # warning (and urllib3 3 will refuse): the client's defect, not the emulator's.
    pytest.mark.filterwarnings("ignore:The 'strict' parameter is no longer needed:FutureWarning"),
]

SUBDOMAIN = "acme"
IDENTIFIER = "acme:customer:email:jane@example.com"
PERSON = {
    "source": "acme",
    "type": "customer",
    "identifiers": [{"type": "email", "value": "jane@example.com"}],
}
#: The event of seed 000 ("Create an event"), for the person above.
EVENT = {
    "source": "acme",
    "type": "2fa_enabled",
    "description": "Customer enabled 2-factor authentication",
    "properties": {"passcode_preference": "SMS"},
}


def on_loopback(api: Any, url: str) -> Any:
    """Point one of the client's API objects at ``url``: its three base URLs, nothing else."""
    zendesk = f"https://{SUBDOMAIN}.zendesk.com"
    names = [name for name in vars(api) if name.endswith("_base_url")]
    assert {"_events_base_url", "_profiles_base_url", "_users_base_url"} <= set(names), names
    for name in names:
        value = getattr(api, name)
        assert value.startswith(f"{zendesk}/"), value
        setattr(api, name, url + value.removeprefix(zendesk))
    return api


@pytest.fixture
def shine(served: ServedEmulator, api: httpx.Client) -> Iterator[Any]:
    """The client, as its README builds it, with its events and profiles objects on loopback."""
    with sunshine.Sunshine(SUBDOMAIN, EMAIL, TOKEN) as client:
        on_loopback(client.events(), served.url)
        on_loopback(client.profiles(), served.url)
        yield client
        # Every request the client made reached the emulator (nothing went anywhere else).
        for sub in (client.events(), client.profiles()):
            assert all(
                getattr(sub, name).startswith(served.url) for name in vars(sub) if name.endswith("_base_url")
            )


def session(shine: Any) -> requests.Session:
    """The requests session the client built for its events object (auth, headers, adapter)."""
    return shine.events()._session


def follow(shine: Any, response: requests.Response) -> list[dict[str, Any]]:
    """Every event from ``response`` on, following ``links[0].next`` with the client's session."""
    events: list[dict[str, Any]] = []
    while True:
        assert response.status_code == 200, response.text
        body = response.json()
        events += body["events"]
        next_url = body["links"][0]["next"]
        if not next_url:
            assert body["meta"]["has_more"] is False, body["meta"]
            return events
        response = session(shine).get(next_url)


def track(shine: Any, **event: Any) -> dict[str, Any]:
    response = shine.events().track_against_profile({"profile": PERSON, "event": {**EVENT, **event}})
    assert response.status_code == 202, response.text
    return response.json()


def test_tracking_answers_received(shine: Any) -> None:
    """track_against_profile: POST /api/v2/user_profiles/events, 202 {"status": "received"} (seed 000)."""
    answer = track(shine)
    assert answer["status"] == "received"
    assert isinstance(answer["profile_id"], str)
    assert isinstance(answer["user_id"], str)


def test_tracking_by_profile_id(shine: Any) -> None:
    """track_against_profile_id: POST /api/v2/user_profiles/{profile_id}/events with the event only."""
    profile_id = track(shine)["profile_id"]
    response = shine.events().track_against_profile_id(profile_id, {"event": {**EVENT, "type": "logged_in"}})
    assert response.status_code == 202, response.text
    types = [event["type"] for event in shine.events().get_by_id(profile_id).json()["events"]]
    assert sorted(types) == ["2fa_enabled", "logged_in"]


def test_the_three_reads_return_the_event(shine: Any) -> None:
    """get_by_profile (identifier query), get_by_id (profile id) and, with the client's session,
    GET /api/v2/users/{user_id}/events: the same event, with the fields it was tracked with."""
    tracked = track(shine)
    users_url = shine.events()._users_base_url
    reads = [
        shine.events().get_by_profile(IDENTIFIER),
        shine.events().get_by_id(tracked["profile_id"]),
        session(shine).get(f"{users_url}/{tracked['user_id']}/events"),
    ]
    for response in reads:
        assert response.status_code == 200, response.text
        (event,) = response.json()["events"]
        assert {key: event[key] for key in EVENT} == EVENT
        assert isinstance(event["id"], str)
        assert isinstance(event["received_at"], str)
    assert len({response.json()["events"][0]["id"] for response in reads}) == 1


def test_paging_through_links_next(shine: Any) -> None:
    """More events than a page holds (the default page[size], 100, is all the client can ask for):
    following links[0].next from get_by_profile reads each event once."""
    for number in range(120):
        track(shine, properties={"number": str(number)})
    first = shine.events().get_by_profile(IDENTIFIER)
    assert first.json()["meta"]["has_more"] is True
    events = follow(shine, first)
    assert sorted(int(event["properties"]["number"]) for event in events) == list(range(120))
    assert len(first.json()["events"]) < 120


def test_profile_upsert_reads_and_updates(shine: Any) -> None:
    """create_or_update (PUT /api/v2/user_profiles?identifier=...): 201 when it creates, 200 when it
    replaces; then the client's reads and its updates by id and by identifier."""
    profiles = shine.profiles()
    created = profiles.create_or_update(IDENTIFIER, {"profile": {**PERSON, "attributes": {"plan": "gold"}}})
    assert created.status_code == 201, created.text
    replaced = profiles.create_or_update(
        IDENTIFIER, {"profile": {**PERSON, "attributes": {"plan": "silver"}}}
    )
    assert replaced.status_code == 200, replaced.text
    profile = replaced.json()["profile"]
    assert profile["id"] == created.json()["profile"]["id"]
    assert profile["attributes"] == {"plan": "silver"}

    assert profiles.profile_exists(IDENTIFIER) == {"profile_id": profile["id"], "user_id": profile["user_id"]}
    assert profiles.get_by_id(profile["id"]).json()["profile"]["attributes"] == {"plan": "silver"}
    (listed,) = profiles.get_by_user_id(profile["user_id"]).json()["profiles"]
    assert listed["id"] == profile["id"]

    patched = profiles.partial_update(IDENTIFIER, {"profile": {"attributes": {"tier": "1"}}})
    assert patched.status_code == 200, patched.text
    assert patched.json()["profile"]["attributes"] == {"plan": "silver", "tier": "1"}
    patched = profiles.partial_update_by_id(profile["id"], {"profile": {"name": "Jane Smith"}})
    assert patched.status_code == 200, patched.text
    assert patched.json()["profile"]["name"] == "Jane Smith"
    updated = profiles.update_by_id(profile["id"], {"profile": {**PERSON, "attributes": {}}})
    assert updated.status_code == 200, updated.text
    assert updated.json()["profile"]["attributes"] == {}


def test_profile_delete_removes_it_and_its_events(shine: Any) -> None:
    """delete_profile (DELETE /api/v2/user_profiles/{id}): 204, then the profile is gone, and so
    are its events ("Deleting a profile is the only way to delete events", S12)."""
    profile_id = track(shine)["profile_id"]
    deleted = shine.profiles().delete_profile(profile_id)
    assert deleted.status_code == 204, deleted.text
    assert shine.profiles().get_by_id(profile_id).status_code == 404
    assert shine.profiles().profile_exists(IDENTIFIER) is None
    assert shine.events().get_by_profile(IDENTIFIER).status_code == 404


@pytest.mark.parametrize(
    ("quirk", "scenario"),
    [
        ("track_returns_200", test_tracking_answers_received),
        ("received_at_missing", test_the_three_reads_return_the_event),
        ("links_as_object", test_paging_through_links_next),
        ("put_merges", test_profile_upsert_reads_and_updates),
    ],
    ids=lambda value: value if isinstance(value, str) else value.__name__,
)
def test_a_misbehaving_server_fails_the_client(
    quirk: str, scenario: Any, shine: Any, api: httpx.Client
) -> None:
    """These tests can fail: with a quirk on, the client's scenario does not get what it expects."""
    assert api.patch("/__zdevents/settings", json={"quirks": [quirk]}).status_code == 200
    try:
        with pytest.raises((AssertionError, KeyError)):
            scenario(shine)
    finally:
        assert api.patch("/__zdevents/settings", json={"quirks": []}).status_code == 200
