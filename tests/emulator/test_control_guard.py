"""The control plane cannot be forged (guard.py; docs/emulator.md, "How the control plane is
protected"): a foreign Host (DNS rebinding), a page of another site (Origin, Sec-Fetch-Site, the
content types a form sends), missing or weak credentials and the authentication quirks are refused,
and a refused request changes nothing; what a program on this machine sends is served.

Most requests go to a real server on a loopback port through ``http.client``, with the Host and
Origin headers written as a browser or a rebinding page would send them."""

from __future__ import annotations

import base64
import http.client
import json
import select
import signal
import subprocess
import sys
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from helpers import TRACK, track_body

from pytest_zdevents.emulator import Emulator, ServedEmulator

EMAIL = "e@example.com"
TOKEN = "zd-api-t0ken-9f8e7d"
OAUTH = "oauth-full-6c5b4a"
READ_ONLY = "oauth-read-3a2b1c"


def basic(credentials: str) -> str:
    return "Basic " + base64.b64encode(credentials.encode()).decode()


AGENT = basic(f"{EMAIL}/token:{TOKEN}")
#: The API token with the email of the user the API created: an end user's credentials.
END_USER = basic(f"jane@example.com/token:{TOKEN}")
SEED = {"users": [{"id": "7", "name": "Seed", "identities": []}], "profiles": [], "events": []}

#: (method, path, JSON body or None) of every route that changes the state or the settings.
WRITES = [
    ("POST", "/__zdevents/reset", None),
    ("POST", "/__zdevents/state", SEED),
    ("PATCH", "/__zdevents/settings", {"quirks": ["auth_ignored"]}),
    ("DELETE", "/__zdevents/requests", None),
]
READS = [("GET", "/__zdevents/state", None), ("GET", "/__zdevents/requests", None)]
OPEN = [("GET", "/__zdevents/health", None), ("GET", "/__zdevents/settings", None)]
OPEN += [("GET", "/__zdevents/switches", None)]


def route_id(route: tuple[str, str, Any]) -> str:
    return f"{route[0]} {route[1].rsplit('/', 1)[1]}"


# The emulators: one without credentials, one with, each on a loopback port for the module.


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[bool, ServedEmulator]]:
    secured = Emulator(email=EMAIL, token=TOKEN, oauth_tokens=[OAUTH], read_only_oauth_tokens=[READ_ONLY])
    with Emulator().serve() as open_, secured.serve() as closed:
        yield {False: open_, True: closed}
    for served in (open_, closed):
        served.emulator.close()


def prepared(served: ServedEmulator, **settings: Any) -> ServedEmulator:
    """``served`` with one profile and event, journal entries, no quirk but those of ``settings``."""
    emulator = served.emulator
    emulator.reset()
    emulator.configure(**{"quirks": (), "allowed_hosts": (), **settings})
    with emulator.client(headers={"Authorization": AGENT}) as client:
        assert client.post(TRACK, json=track_body()).status_code == 202
        assert client.get(
            TRACK, params={"identifier": "shoppingnow:customer:email:jane@example.com"}
        ).is_success
    return served


def snapshot(emulator: Emulator) -> tuple[Any, ...]:
    """What a control-plane write could change: the state, the settings, the journal."""
    return emulator.export(), emulator.settings, emulator.journal.entries()


def send(
    served: ServedEmulator, method: str, path: str, headers: dict[str, str | None], body: bytes = b""
) -> tuple[int, Any]:
    """One request over a real connection, with exactly these headers (None: not sent)."""
    connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=10)
    try:
        sent = {name: value for name, value in headers.items() if value is not None}
        connection.request(method, path, body=body or None, headers=sent)
        response = connection.getresponse()
        text = response.read()
        return response.status, json.loads(text) if text else None
    finally:
        connection.close()


def legitimate(served: ServedEmulator, secured: bool, body: Any) -> dict[str, str | None]:
    """The headers of a request a program on this machine sends."""
    return {
        "Host": f"127.0.0.1:{served.port}",
        "Authorization": AGENT if secured else None,
        "Content-Type": "application/json" if body is not None else None,
    }


def assert_refused(answer: tuple[int, Any], status: int, code: str) -> None:
    assert answer[0] == status, answer
    assert set(answer[1]) == {"errors"}, answer  # the plain envelope, and no data
    assert answer[1]["errors"][0]["code"] == code, answer


# Forgeries: the header changes from a legitimate request, and the refusal each gets.

BROWSER = {
    "evil Host": ({"Host": "evil.example"}, 403, "ForeignHost"),
    "evil Host with the port": ({"Host": "evil.example:{port}"}, 403, "ForeignHost"),
    "rebound localhost look-alike": ({"Host": "localhost.evil.example"}, 403, "ForeignHost"),
    "no Host": ({"Host": ""}, 403, "ForeignHost"),
    "malformed Host": ({"Host": "evil example"}, 400, "InvalidHost"),
    "evil Origin": ({"Origin": "http://evil.example"}, 403, "CrossSiteRequest"),
    "evil Origin on the port": ({"Origin": "http://evil.example:{port}"}, 403, "CrossSiteRequest"),
    "Origin null": ({"Origin": "null"}, 403, "CrossSiteRequest"),
    "Origin not an origin": ({"Origin": "127.0.0.1"}, 403, "CrossSiteRequest"),
    "Sec-Fetch-Site cross-site": ({"Sec-Fetch-Site": "cross-site"}, 403, "CrossSiteRequest"),
}
CONTENT = {
    "text/plain": ({"Content-Type": "text/plain"}, 415, "UnsupportedMediaType"),
    "form": ({"Content-Type": "application/x-www-form-urlencoded"}, 415, "UnsupportedMediaType"),
    "multipart": ({"Content-Type": "multipart/form-data; boundary=x"}, 415, "UnsupportedMediaType"),
}
UNAUTHENTICATED = (401, "MissingOrInvalidAuthentication")
DENIED = (403, "PermissionDenied")
#: On the emulator with credentials: (header changes, quirks on, status, code).
CREDENTIALS = {
    "no credentials": ({"Authorization": None}, (), *UNAUTHENTICATED),
    "wrong token": ({"Authorization": basic(f"{EMAIL}/token:wrong")}, (), *UNAUTHENTICATED),
    "wrong Bearer": ({"Authorization": "Bearer wrong"}, (), *UNAUTHENTICATED),
    "end user": ({"Authorization": END_USER}, (), *DENIED),
    "auth_ignored, none": ({"Authorization": None}, ("auth_ignored",), *UNAUTHENTICATED),
    "auth_ignored, wrong": ({"Authorization": "Bearer wrong"}, ("auth_ignored",), *UNAUTHENTICATED),
    "token_prefix_checked, half Basic": (
        {"Authorization": basic(f"{EMAIL}/token:{TOKEN[:8]}-guessed")},
        ("token_prefix_checked",),
        *UNAUTHENTICATED,
    ),
    "token_prefix_checked, half Bearer": (
        {"Authorization": f"Bearer {OAUTH[:8]}-guessed"},
        ("token_prefix_checked",),
        *UNAUTHENTICATED,
    ),
    "basic_email_not_checked": (
        {"Authorization": basic(f"x@evil.example/token:{TOKEN}")},
        ("basic_email_not_checked",),
        *UNAUTHENTICATED,
    ),
    "end_user_served": ({"Authorization": END_USER}, ("end_user_served",), *DENIED),
}
READ_ONLY_WRITE = {"read-only token": ({"Authorization": f"Bearer {READ_ONLY}"}, (), *DENIED)}


def forged(
    served: ServedEmulator, route: tuple[str, str, Any], secured: bool, changes: dict[str, str | None]
) -> tuple[int, Any]:
    method, path, body = route
    headers = legitimate(served, secured, body)
    headers.update({k: v.format(port=served.port) if v else v for k, v in changes.items()})
    return send(served, method, path, headers, json.dumps(body).encode() if body is not None else b"")


@pytest.mark.parametrize("secured", [False, True], ids=["open", "secured"])
@pytest.mark.parametrize("forgery", [*BROWSER, *CONTENT])
@pytest.mark.parametrize("route", WRITES, ids=route_id)
def test_a_forged_write_is_refused_and_changes_nothing(
    servers: dict[bool, ServedEmulator], route: tuple[str, str, Any], forgery: str, secured: bool
) -> None:
    """Credentials do not make a browser's request acceptable: it is refused with them too."""
    served = prepared(servers[secured])
    before = snapshot(served.emulator)
    changes, status, code = {**BROWSER, **CONTENT}[forgery]
    assert_refused(forged(served, route, secured, changes), status, code)
    assert snapshot(served.emulator) == before


@pytest.mark.parametrize("forgery", [*CREDENTIALS, *READ_ONLY_WRITE])
@pytest.mark.parametrize("route", WRITES, ids=route_id)
def test_a_write_without_full_credentials_is_refused_and_changes_nothing(
    servers: dict[bool, ServedEmulator], route: tuple[str, str, Any], forgery: str
) -> None:
    changes, quirks, status, code = {**CREDENTIALS, **READ_ONLY_WRITE}[forgery]
    served = prepared(servers[True], quirks=quirks)
    before = snapshot(served.emulator)
    assert_refused(forged(served, route, True, changes), status, code)
    assert snapshot(served.emulator) == before
    if "auth_ignored" not in quirks:
        # The API still needs credentials: the forged PATCH did not switch auth_ignored on.
        assert send(served, "GET", "/api/v2/users/1/events", {"Host": "127.0.0.1"})[0] == 401


@pytest.mark.parametrize(
    ("secured", "forgery"),
    [*((False, name) for name in BROWSER), *((True, name) for name in [*BROWSER, *CREDENTIALS])],
)
@pytest.mark.parametrize("route", [*READS, ("HEAD", "/__zdevents/state", None)], ids=route_id)
def test_a_forged_read_of_the_data_is_refused(
    servers: dict[bool, ServedEmulator], route: tuple[str, str, Any], secured: bool, forgery: str
) -> None:
    if secured and forgery in CREDENTIALS:
        changes, quirks, status, code = CREDENTIALS[forgery]
    else:
        (changes, status, code), quirks = BROWSER[forgery], ()
    served = prepared(servers[secured], quirks=quirks)
    answer = forged(served, route, secured, changes)
    if route[0] == "HEAD":
        assert answer == (status, None)
    else:
        assert_refused(answer, status, code)


@pytest.mark.parametrize("forgery", ["evil Host", "evil Origin", "Origin null", "Sec-Fetch-Site cross-site"])
@pytest.mark.parametrize("route", OPEN, ids=route_id)
def test_the_open_routes_are_refused_to_another_site_too(
    servers: dict[bool, ServedEmulator], route: tuple[str, str, Any], forgery: str
) -> None:
    served = prepared(servers[False])
    assert_refused(forged(served, route, False, BROWSER[forgery][0]), *BROWSER[forgery][1:])


@pytest.mark.parametrize(
    ("changes", "status", "code"),
    [
        ({"Host": "evil.example", "Authorization": None, "Content-Type": "text/plain"}, 403, "ForeignHost"),
        ({"Origin": "null", "Authorization": None, "Content-Type": "text/plain"}, 403, "CrossSiteRequest"),
        ({"Authorization": None, "Content-Type": "text/plain"}, 401, "MissingOrInvalidAuthentication"),
        ({"Authorization": f"Bearer {READ_ONLY}", "Content-Type": "text/plain"}, 403, "PermissionDenied"),
    ],
    ids=["Host", "Origin", "credentials", "access"],
)
def test_the_first_refusal_wins(
    servers: dict[bool, ServedEmulator], changes: dict[str, str | None], status: int, code: str
) -> None:
    """Host, then Origin, then credentials, then the content type."""
    served = prepared(servers[True])
    before = snapshot(served.emulator)
    assert_refused(forged(served, WRITES[1], True, changes), status, code)
    assert snapshot(served.emulator) == before


# What a program on this machine sends is served.


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1:{port}",
        "127.0.0.1",
        "[::1]:{port}",
        "localhost:{port}",
        "LocalHost",
        "localhost.",
        "emulator.localhost:{port}",
        "10.20.30.40:{port}",
        "Emulator:{port}",
        "tests_runner",
    ],
)
@pytest.mark.parametrize("route", WRITES, ids=route_id)
def test_loopback_names_ip_addresses_and_allowed_hosts_are_served(
    servers: dict[bool, ServedEmulator], route: tuple[str, str, Any], host: str
) -> None:
    """Each write changes what the forgeries left unchanged: the snapshot can tell."""
    served = prepared(servers[True], allowed_hosts=["EMULATOR", "tests_runner"])
    before = snapshot(served.emulator)
    status, _ = forged(served, route, True, {"Host": host})
    assert status in (200, 204)
    assert snapshot(served.emulator) != before


@pytest.mark.parametrize(
    "changes",
    [
        {"Origin": "http://127.0.0.1:{port}"},
        {"Origin": "http://localhost:3000", "Sec-Fetch-Site": "same-site"},
        {"Origin": "http://[::1]:{port}", "Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "none"},
        {"Authorization": f"Bearer {OAUTH}"},
        {"Content-Type": "application/json; charset=utf-8"},
    ],
    ids=["same origin", "another loopback port", "IPv6 origin", "typed in", "OAuth users:write", "charset"],
)
@pytest.mark.parametrize("route", WRITES[1:3], ids=route_id)
def test_same_origin_and_full_credentials_are_served(
    servers: dict[bool, ServedEmulator], route: tuple[str, str, Any], changes: dict[str, str | None]
) -> None:
    served = prepared(servers[True])
    assert forged(served, route, True, changes)[0] == 200


@pytest.mark.parametrize("route", WRITES, ids=route_id)
def test_a_quirk_does_not_refuse_full_credentials_either(
    servers: dict[bool, ServedEmulator], route: tuple[str, str, Any]
) -> None:
    """bearer_writes_refused takes every OAuth token for a read-only one in the API, not here."""
    served = prepared(servers[True], quirks=["bearer_writes_refused"])
    assert forged(served, route, True, {"Authorization": f"Bearer {OAUTH}"})[0] in (200, 204)


@pytest.mark.parametrize("authorization", [AGENT, f"Bearer {OAUTH}", f"Bearer {READ_ONLY}"])
@pytest.mark.parametrize("route", READS, ids=route_id)
def test_any_api_credential_reads_the_data(
    servers: dict[bool, ServedEmulator], route: tuple[str, str, Any], authorization: str
) -> None:
    served = prepared(servers[True])
    status, body = forged(served, route, True, {"Authorization": authorization})
    assert status == 200
    assert body["events" if route[1].endswith("state") else "requests"]


@pytest.mark.parametrize("route", [*OPEN, ("HEAD", "/__zdevents/health", None)], ids=route_id)
def test_the_routes_without_data_need_no_credentials(
    servers: dict[bool, ServedEmulator], route: tuple[str, str, Any]
) -> None:
    served = prepared(servers[True])
    assert forged(served, route, True, {"Authorization": None})[0] == 200


def test_the_in_process_client_is_served_and_can_be_forged_too() -> None:
    """Emulator.client() sends Host: testserver; an explicit Host goes through the same guard."""
    emulator = Emulator()
    with emulator.client() as client:
        assert client.post("/__zdevents/state", json=SEED).status_code == 200
        assert client.post("/__zdevents/reset").status_code == 204
        refused = client.post("/__zdevents/state", json=SEED, headers={"Host": "evil.example"})
        assert refused.status_code == 403
        assert refused.json()["errors"][0]["code"] == "ForeignHost"
        refused = client.post("/__zdevents/reset", headers={"Origin": "https://evil.example"})
        assert refused.json()["errors"][0]["code"] == "CrossSiteRequest"
    assert emulator.export()["users"] == []
    emulator.close()


def test_the_allowed_hosts_are_a_setting_shown_lower_cased() -> None:
    emulator = Emulator(allowed_hosts=["Emulator", "tests_runner"])
    with emulator.client() as client:
        assert client.get("/__zdevents/settings").json()["allowed_hosts"] == ["emulator", "tests_runner"]
        patched = client.patch("/__zdevents/settings", json={"allowed_hosts": ["evil.example"]})
        assert patched.status_code == 400
    emulator.close()


@pytest.mark.parametrize("name", ["http://emulator", "emulator:8080", "", "two words", "emulator/"])
def test_an_allowed_host_must_be_a_host_name(name: str) -> None:
    with pytest.raises(ValueError, match="not a host name"):
        Emulator(allowed_hosts=[name])


# Serving on an address other than loopback says so.


def test_serving_another_address_warns_in_python() -> None:
    with pytest.warns(UserWarning, match="not a loopback address") as caught:
        served = Emulator().serve(host="0.0.0.0")
    served.stop()
    served.emulator.close()
    (warning,) = [w for w in caught if "loopback" in str(w.message)]
    assert warning.category is UserWarning
    assert warning.filename == __file__, "stacklevel=2: the warning names the caller of serve()"
    assert "--email and --token" in str(warning.message) and "127.0.0.1" in str(warning.message)
    with warnings.catch_warnings(record=True) as caught_on_loopback:
        warnings.simplefilter("always")
        with Emulator().serve() as served:
            pass
    served.emulator.close()
    assert not [w for w in caught_on_loopback if "loopback" in str(w.message)]


@pytest.mark.parametrize(
    ("args", "advice"),
    [
        (["--host", "0.0.0.0"], "--email and --token"),
        (["--host", "0.0.0.0", "--email", EMAIL, "--token", "t"], ""),
    ],
    ids=["open", "secured"],
)
def test_the_command_warns_when_it_listens_beyond_loopback(args: list[str], advice: str) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "pytest_zdevents.emulator.cli", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None and process.stderr is not None
        listening = process.stdout.readline()
        # The warning comes first; if it never came, do not wait for the server to end.
        assert select.select([process.stderr], [], [], 10)[0], "no warning on stderr"
        warning = process.stderr.readline()
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)
    assert "listening on http://0.0.0.0:" in listening
    assert warning.startswith("zdevents-emulator: warning: The emulator listens on 0.0.0.0")
    assert "every machine that can reach it reaches the API and the control plane" in warning
    assert advice in warning and "bind 127.0.0.1" in warning


def test_the_command_on_loopback_does_not_warn() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "pytest_zdevents.emulator.cli", "--port", "0", "--allow-host", "emulator"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert "listening on http://127.0.0.1:" in process.stdout.readline()
    process.send_signal(signal.SIGINT)
    _, errors = process.communicate(timeout=10)
    assert "loopback" not in errors


def test_the_command_refuses_an_allowed_host_that_is_not_a_name() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pytest_zdevents.emulator.cli", "--port", "0", "--allow-host", "http://x"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2
    assert "not a host name" in result.stderr
