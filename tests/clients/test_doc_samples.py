"""Every Python sample in Zendesk's docs (the three seed pages), run as written against a served
emulator, gets the answer the docs show.

The samples are in ``samples/``, one file each, as the pages print them (line breaks restored; see
docs/emulator.md, "Real clients", for what the capture lost and how it is filled in). At run time
only two things change, textually: the ``https://{subdomain}.zendesk.com`` base URL becomes the
emulator's ``http://127.0.0.1:PORT``, and the sample's credential literals become the emulator's.
The sample then runs in this process (``exec``) with the real ``requests`` over loopback TCP, and
its ``response`` (and, where it prints, its output) is compared with the page's example response.
The prior state a sample reads is set up over HTTP: the users and profiles whose ids a sample
hard-codes through the control plane's import (the API mints its own ids), events through the API.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import requests
from clients_kit import EMAIL, TOKEN, import_state, profile, user

from pytest_zdevents.emulator.runtime import ServedEmulator
from pytest_zdevents.emulator.switches import Variation
from pytest_zdevents.runtime.timestamps import instant

SAMPLES = Path(__file__).with_name("samples")
BASE_URL = re.compile(r"https://[a-z0-9-]+\.zendesk\.com")
#: Each page's credential literals and what replaces them (seed 002; seed 001's placeholders).
CREDENTIALS = {
    "'[email protected]/token'": f"'{EMAIL}/token'",
    "'6wiIBWbGkBMo1mRDMuVwkw1EPsNkeUj95PIz2akv'": f"'{TOKEN}'",
    "'your_email_address'": f"'{EMAIL}'",
    "'your_api_token'": f"'{TOKEN}'",
}

COOLBIKES_EMAIL = {"type": "email", "value": "[email protected]"}
#: Seed 002, "Response" of each of its three examples.
ACCESSING_EVENT = {
    "id": "01E24ET0G1PHQ8QVNYRYM4QT8K",
    "type": "bike_rental_booked",
    "source": "coolbike",
    "description": "Customer added item to shopping cart",
    "created_at": "2020-02-28T18:13:28.175841347Z",
    "received_at": "2020-02-28T18:13:28.175842838Z",
    "properties": {"booking_date": "2020-02-01", "return_date": "2020-02-05"},
}
ACCESSING_ANSWER = {"events": [ACCESSING_EVENT], "links": [{"next": ""}]}

SHOPPINGNOW_EMAIL = {"type": "email", "value": "[email protected]"}
#: Seed 001, "Example response(s)", 200 OK of the three reads (the same example on each).
REFERENCE_EVENT = {
    "created_at": "2020-01-31T00:44:07+00:00",
    "description": "Order complete",
    "properties": {
        "billing": {"address1": "1019 Market St", "city": "San Francisco", "state": "CA", "zipcode": "94103"},
        "item": {"name": "Zendesk Swag"},
    },
    "source": "shoppingnow",
    "type": "checkout",
}
REFERENCE_ANSWER = {
    "events": [REFERENCE_EVENT],
    "links": [{"next": "[after]=hkjhdjk"}],
    "meta": {"after_cursor": "hkjhdjk", "has_more": True},
}
#: The fields the server mints (ids, the time it received the event) and the paging values, which
#: depend on how many events there are: present with a value of the documented JSON type (the
#: cursor may be null on a last page: the docs show only a page with more after it).
MINTED = {"id", "received_at", "next", "after_cursor", "has_more"}
NULLABLE = {"after_cursor"}
#: Compared as the instants they name: the docs leave precision and offset open.
INSTANTS = {"created_at"}


def run_sample(name: str, served: ServedEmulator) -> requests.Response:
    """Run ``samples/<name>.py`` against ``served``; answers the ``response`` it leaves."""
    source = (SAMPLES / f"{name}.py").read_text()
    source, count = BASE_URL.subn(served.url, source)
    assert count == 1, f"{name}: expected one Zendesk base URL, found {count}"
    replaced = 0
    for literal, value in CREDENTIALS.items():
        replaced += literal in source
        source = source.replace(literal, value)
    assert replaced == 2, f"{name}: expected an e-mail and a token literal, found {replaced}"
    namespace: dict[str, Any] = {"__name__": f"sample_{name}"}
    exec(compile(source, str(SAMPLES / f"{name}.py"), "exec"), namespace)
    return namespace["response"]


def assert_documented(answer: Any, documented: Any, where: str = "body") -> None:
    """``answer`` has every member ``documented`` shows, with the documented value (the same
    instant, for a time), or, for a minted field, a value of the same JSON type; lists match item by
    item. Extra members are allowed (the docs show examples, not closed schemas)."""
    if isinstance(documented, dict):
        assert isinstance(answer, dict), f"{where}: {answer!r} is not an object"
        for key, value in documented.items():
            assert key in answer, f"{where}: no {key!r} in {sorted(answer)}"
            if key in MINTED:
                nullable = key in NULLABLE and answer[key] is None
                assert nullable or type(answer[key]) is type(value), f"{where}.{key}: {answer[key]!r}"
            elif key in INSTANTS:
                assert instant(answer[key]) == instant(value), (
                    f"{where}.{key}: {answer[key]!r} is not {value}"
                )
            else:
                assert_documented(answer[key], value, f"{where}.{key}")
    elif isinstance(documented, list):
        assert isinstance(answer, list), f"{where}: {answer!r} is not an array"
        shown = len(documented)
        assert len(answer) == shown, f"{where}: {len(answer)} items, the docs show {shown}"
        for index, (got, shown) in enumerate(zip(answer, documented, strict=True)):
            assert_documented(got, shown, f"{where}[{index}]")
    else:
        assert answer == documented, f"{where}: {answer!r}, the docs show {documented!r}"


def accessing_state(api: httpx.Client) -> None:
    """Seed 002's person: user 85211553 with profile 01E1G0NJSQPNPZRV096JXKXFAA (coolbikes, rider)
    and the page's event, tracked through the Events API against that profile."""
    import_state(
        api,
        users=[user("85211553", COOLBIKES_EMAIL)],
        profiles=[profile("01E1G0NJSQPNPZRV096JXKXFAA", "85211553", "coolbikes", "rider", COOLBIKES_EMAIL)],
    )
    event = {key: value for key, value in ACCESSING_EVENT.items() if key not in {"id", "received_at"}}
    person = {"source": "coolbikes", "type": "rider", "identifiers": [COOLBIKES_EMAIL]}
    response = api.post("/api/v2/user_profiles/events", json={"profile": person, "event": event})
    assert response.status_code == 202, response.text


def reference_user(api: httpx.Client) -> None:
    """Seed 001's user (the generated samples' 120077332), with no profile yet."""
    import_state(api, users=[user("120077332", SHOPPINGNOW_EMAIL)])


def reference_state(api: httpx.Client) -> None:
    """Seed 001's user and profile (01E1G0NJSQPNPZRV096JXKXFAA, shoppingnow customer), and the
    page's example event tracked through the Events API."""
    reference_user(api)
    person = {"source": "shoppingnow", "type": "customer", "identifiers": [SHOPPINGNOW_EMAIL]}
    stored = profile("01E1G0NJSQPNPZRV096JXKXFAA", "120077332", "shoppingnow", "customer", SHOPPINGNOW_EMAIL)
    import_state(api, profiles=[stored])
    response = api.post("/api/v2/user_profiles/events", json={"profile": person, "event": REFERENCE_EVENT})
    assert response.status_code == 202, response.text


@dataclass(frozen=True)
class Sample:
    name: str
    page: str
    section: str
    prepare: Callable[[httpx.Client], None]
    status: int
    answer: dict[str, Any]
    prints: bool


SAMPLE_LIST = [
    Sample("accessing_by_identifier", "seed 002", "Accessing events by profile identifier query",
           accessing_state, 200, ACCESSING_ANSWER, prints=True),
    Sample("accessing_by_profile_id", "seed 002", "Accessing events by profile id",
           accessing_state, 200, ACCESSING_ANSWER, prints=True),
    Sample("accessing_by_user_id", "seed 002", "Accessing events by Zendesk user id",
           accessing_state, 200, ACCESSING_ANSWER, prints=True),
    Sample("reference_user_events", "seed 001", "Get Zendesk User Events",
           reference_state, 200, REFERENCE_ANSWER, prints=False),
    Sample("reference_profile_events", "seed 001", "Get Events by Sunshine Profile",
           reference_state, 200, REFERENCE_ANSWER, prints=False),
    Sample("reference_profile_id_events", "seed 001", "Get Events by Sunshine Profile ID",
           reference_state, 200, REFERENCE_ANSWER, prints=False),
    # The page (seed 001) is cut off inside this sample and before its example response; seed 000
    # shows the answer to tracking: 'Example response {"status": "received"}'.
    Sample("reference_track_user_event", "seed 001", "Track Event Against Zendesk User and Given Profile",
           reference_user, 202, {"status": "received"}, prints=False),
]  # fmt: skip


def check(sample: Sample, response: requests.Response) -> None:
    assert response.status_code == sample.status, f"{sample.page}, {sample.section}: {response.text}"
    assert_documented(response.json(), sample.answer)


@pytest.mark.parametrize("sample", SAMPLE_LIST, ids=lambda sample: sample.name)
def test_sample_gets_the_documented_answer(
    sample: Sample, served: ServedEmulator, api: httpx.Client, capsys: pytest.CaptureFixture[str]
) -> None:
    sample.prepare(api)
    response = run_sample(sample.name, served)
    check(sample, response)
    if sample.prints:
        printed = capsys.readouterr().out
        assert ast.literal_eval(printed) == response.json(), printed


def test_every_sample_file_is_run() -> None:
    """A sample added to samples/ without an entry here would never run."""
    assert sorted(path.stem for path in SAMPLES.glob("*.py")) == sorted(sample.name for sample in SAMPLE_LIST)


def test_the_track_sample_stores_what_the_reads_return(served: ServedEmulator, api: httpx.Client) -> None:
    """The tracking sample's event is the one the reference's reads show, for its user."""
    reference_user(api)
    response = run_sample("reference_track_user_event", served)
    assert response.status_code == 202, response.text
    response = run_sample("reference_user_events", served)
    assert_documented(response.json(), REFERENCE_ANSWER)


@pytest.mark.parametrize(
    ("quirk", "name"),
    [
        ("links_as_object", "accessing_by_identifier"),
        ("received_at_missing", "accessing_by_user_id"),
        ("track_returns_200", "reference_track_user_event"),
    ],
)
def test_a_misbehaving_server_fails_the_samples(
    quirk: str, name: str, served: ServedEmulator, api: httpx.Client
) -> None:
    """The comparison can fail: with a quirk on, the sample's answer is not the documented one."""
    (sample,) = (sample for sample in SAMPLE_LIST if sample.name == name)
    sample.prepare(api)
    assert api.patch("/__zdevents/settings", json={"quirks": [quirk]}).status_code == 200
    try:
        response = run_sample(name, served)
        with pytest.raises(AssertionError):
            check(sample, response)
    finally:
        assert api.patch("/__zdevents/settings", json={"quirks": []}).status_code == 200


@pytest.mark.parametrize("variation", [variation.value for variation in Variation])
def test_samples_pass_every_variation(variation: str, served: ServedEmulator, api: httpx.Client) -> None:
    """The comparison holds a server to what the pages show, no more: each legal variation (a
    different choice where the docs are silent) gets the documented answer to every sample."""
    for sample in SAMPLE_LIST:
        assert api.post("/__zdevents/reset").status_code == 204
        sample.prepare(api)
        assert api.patch("/__zdevents/settings", json={"variations": [variation]}).status_code == 200
        try:
            check(sample, run_sample(sample.name, served))
        finally:
            assert api.patch("/__zdevents/settings", json={"variations": []}).status_code == 200
