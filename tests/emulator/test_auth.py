"""Authentication (S24): Basic ``{email}/token:{api_token}``, Bearer OAuth tokens, read-only tokens,
and what the journal and control plane reveal of them."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from helpers import TRACK, error_code, track_body

from pytest_zdevents.credentials import MASK
from pytest_zdevents.emulator import Emulator

EMAIL = "e@example.com"
TOKEN = "zd-api-t0ken-9f8e7d"
OAUTH = "oauth-full-6c5b4a"
READ_ONLY = "oauth-read-3a2b1c"
JANE = "shoppingnow:customer:email:jane@example.com"
PROFILES = "/api/v2/user_profiles"


def basic(credentials: str) -> str:
    return "Basic " + base64.b64encode(credentials.encode()).decode()


GOOD_BASIC = basic(f"{EMAIL}/token:{TOKEN}")
#: The control plane's data and writes need credentials too when the API has some.
AGENT = {"Authorization": GOOD_BASIC}


@pytest.fixture
def secured(make_emulator: Callable[..., Emulator]) -> Emulator:
    return make_emulator(email=EMAIL, token=TOKEN, oauth_tokens=[OAUTH], read_only_oauth_tokens=[READ_ONLY])


@pytest.fixture
def http(secured: Emulator) -> Iterator[httpx.Client]:
    """A client of the secured emulator that sends no credentials unless told to."""
    with secured.client() as client:
        yield client


@pytest.fixture
def jane(http: httpx.Client) -> dict[str, Any]:
    response = http.post(TRACK, json=track_body(), headers={"Authorization": GOOD_BASIC})
    assert response.status_code == 202, response.text
    return response.json()


def assert_unauthenticated(response: httpx.Response) -> None:
    assert response.status_code == 401, response.text
    assert error_code(response) == "MissingOrInvalidAuthentication"
    assert response.headers["www-authenticate"].lower().startswith("basic")


# No credentials configured


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Basic " + base64.b64encode(b"x@example.com/token:whatever").decode(),
        "Bearer anything",
        "garbage",
    ],
)
def test_without_configured_credentials_every_request_is_served(
    client: httpx.Client, authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    answer = client.post(TRACK, json=track_body(), headers=headers)
    assert answer.status_code == 202, answer.text
    read = client.get(TRACK, params={"identifier": JANE}, headers=headers)
    assert read.status_code == 200
    assert len(read.json()["events"]) == 1
    patched = client.patch(
        f"{PROFILES}/{answer.json()['profile_id']}", json={"profile": {"name": "J"}}, headers=headers
    )
    assert patched.status_code == 200
    assert client.delete(f"{PROFILES}/{answer.json()['profile_id']}", headers=headers).status_code == 204


def test_health_says_whether_auth_is_required(client: httpx.Client, http: httpx.Client) -> None:
    assert client.get("/__zdevents/health").json()["auth_required"] is False
    assert http.get("/__zdevents/health").json()["auth_required"] is True


# Basic


@pytest.mark.parametrize(
    "authorization",
    [
        GOOD_BASIC,
        "basic " + GOOD_BASIC.split(" ", 1)[1],
        "BASIC " + GOOD_BASIC.split(" ", 1)[1],
    ],
    ids=["Basic", "lowercase-scheme", "uppercase-scheme"],
)
def test_basic_api_token_credentials_work(http: httpx.Client, authorization: str) -> None:
    headers = {"Authorization": authorization}
    answer = http.post(TRACK, json=track_body(), headers=headers)
    assert answer.status_code == 202, answer.text
    read = http.get(TRACK, params={"identifier": JANE}, headers=headers)
    assert read.status_code == 200
    assert len(read.json()["events"]) == 1


def test_httpx_basic_auth_tuple_works(secured: Emulator) -> None:
    with secured.client(auth=(f"{EMAIL}/token", TOKEN)) as client:
        assert client.post(TRACK, json=track_body()).status_code == 202
        assert client.get(f"{PROFILES}", params={"identifier": JANE}).status_code == 200


BAD_AUTHORIZATIONS = [
    pytest.param(None, id="missing"),
    pytest.param("", id="empty"),
    pytest.param("Basic", id="basic-without-value"),
    pytest.param("Basic ", id="basic-blank"),
    pytest.param(basic(f"{EMAIL}/token:wrong"), id="wrong-token"),
    pytest.param(basic(f"other@example.com/token:{TOKEN}"), id="wrong-email"),
    pytest.param(basic(f"E@EXAMPLE.COM/token:{TOKEN.upper()}"), id="token-case-changed"),
    pytest.param(basic(f"{EMAIL}:{TOKEN}"), id="password-style"),
    pytest.param(basic(f"{EMAIL}/token:{TOKEN}x"), id="token-with-suffix"),
    pytest.param(basic(f"{EMAIL}/token:"), id="empty-token"),
    pytest.param(basic(f"{EMAIL}/token"), id="no-colon"),
    pytest.param(basic(f"{EMAIL}/password:{TOKEN}"), id="password-keyword"),
    pytest.param("Basic !!!not-base64!!!", id="garbage-base64"),
    pytest.param("Basic " + base64.b64encode(b"\xff\xfe\xfd").decode(), id="base64-of-non-utf8"),
    pytest.param(f"Basic {EMAIL}/token:{TOKEN}", id="not-encoded"),
    pytest.param("Bearer " + GOOD_BASIC.split(" ", 1)[1], id="basic-value-as-bearer"),
    pytest.param("Bearer wrong", id="wrong-bearer"),
    pytest.param("Bearer", id="bearer-without-token"),
    pytest.param(f"Token {OAUTH}", id="unknown-scheme"),
    pytest.param(OAUTH, id="token-without-scheme"),
    pytest.param(f"Bearer {OAUTH}x", id="bearer-with-suffix"),
    pytest.param("Basic " + base64.b64encode(OAUTH.encode()).decode(), id="oauth-token-as-basic"),
]


@pytest.mark.parametrize("authorization", BAD_AUTHORIZATIONS)
@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", f"{TRACK}?identifier={JANE}"), ("POST", TRACK), ("GET", "/api/v2/users/1/profiles")],
)
def test_bad_or_missing_credentials_are_401(
    http: httpx.Client, method: str, path: str, authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    response = http.request(method, path, json=track_body() if method == "POST" else None, headers=headers)
    assert_unauthenticated(response)


def test_a_401_stores_nothing(http: httpx.Client) -> None:
    assert_unauthenticated(http.post(TRACK, json=track_body()))
    assert http.get("/__zdevents/state", headers=AGENT).json()["profiles"] == []


def test_credentials_are_checked_before_the_body(http: httpx.Client) -> None:
    """An unauthenticated caller learns nothing about what it sent: 401, not 400 or 415."""
    assert_unauthenticated(http.post(TRACK, content=b"{", headers={"Content-Type": "application/json"}))
    assert_unauthenticated(http.post(TRACK, content=b"x", headers={"Content-Type": "text/plain"}))
    assert_unauthenticated(http.get(f"{PROFILES}/01ARZ3NDEKTSV4RRFFQ69G5FAV"))


def test_basic_is_refused_when_only_oauth_tokens_are_configured(
    make_emulator: Callable[..., Emulator],
) -> None:
    emulator = make_emulator(oauth_tokens=[OAUTH])
    with emulator.client() as client:
        assert_unauthenticated(client.post(TRACK, json=track_body(), headers={"Authorization": GOOD_BASIC}))
        assert_unauthenticated(client.post(TRACK, json=track_body()))
        headers = {"Authorization": f"Bearer {OAUTH}"}
        assert client.post(TRACK, json=track_body(), headers=headers).status_code == 202


# Bearer


def test_oauth_bearer_token_reads_and_writes(http: httpx.Client) -> None:
    headers = {"Authorization": f"Bearer {OAUTH}"}
    answer = http.post(TRACK, json=track_body(), headers=headers)
    assert answer.status_code == 202, answer.text
    profile_id = answer.json()["profile_id"]
    assert http.get(f"{PROFILES}/{profile_id}", headers=headers).status_code == 200
    patched = http.patch(f"{PROFILES}/{profile_id}", json={"profile": {"name": "Jane B"}}, headers=headers)
    assert patched.status_code == 200
    assert patched.json()["profile"]["name"] == "Jane B"
    assert http.delete(f"{PROFILES}/{profile_id}", headers=headers).status_code == 204


def test_lowercase_bearer_scheme_works(http: httpx.Client) -> None:
    assert (
        http.post(TRACK, json=track_body(), headers={"Authorization": f"bearer {OAUTH}"}).status_code == 202
    )


def test_read_only_token_reads(http: httpx.Client, jane: dict[str, Any]) -> None:
    headers = {"Authorization": f"Bearer {READ_ONLY}"}
    reads = [
        f"{TRACK}?identifier={JANE}",
        f"/api/v2/users/{jane['user_id']}/events",
        f"{PROFILES}/{jane['profile_id']}/events",
        f"/api/v2/users/{jane['user_id']}/profiles",
        f"{PROFILES}?identifier={JANE}",
        f"{PROFILES}/{jane['profile_id']}",
    ]
    for path in reads:
        response = http.get(path, headers=headers)
        assert response.status_code == 200, (path, response.text)


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", TRACK, track_body("new@example.com")),
        ("POST", "/api/v2/users/{user_id}/events", track_body("new@example.com")),
        ("POST", PROFILES + "/{profile_id}/events", track_body()),
        ("PUT", PROFILES + "?identifier=" + JANE, {"profile": {"identifiers": [], "name": "X"}}),
        ("PUT", "/api/v2/users/{user_id}/profiles?identifier=" + JANE, {"profile": {"identifiers": []}}),
        ("PUT", PROFILES + "/{profile_id}", {"profile": {"identifiers": [], "name": "X"}}),
        ("PATCH", PROFILES + "?identifier=" + JANE, {"profile": {"name": "X"}}),
        ("PATCH", PROFILES + "/{profile_id}", {"profile": {"name": "X"}}),
        ("DELETE", PROFILES + "/{profile_id}", None),
    ],
)
def test_read_only_token_cannot_write(
    http: httpx.Client, jane: dict[str, Any], method: str, path: str, body: dict[str, Any] | None
) -> None:
    """A token with only users:read gets 403 on every write, DELETE included, and changes nothing."""
    before = http.get("/__zdevents/state", headers=AGENT).json()
    response = http.request(
        method, path.format(**jane), json=body, headers={"Authorization": f"Bearer {READ_ONLY}"}
    )
    assert response.status_code == 403, response.text
    assert error_code(response) == "PermissionDenied"
    assert http.get("/__zdevents/state", headers=AGENT).json() == before


def test_read_only_token_is_refused_before_the_body_is_read(http: httpx.Client) -> None:
    response = http.post(
        TRACK,
        content=b"not json",
        headers={"Authorization": f"Bearer {READ_ONLY}", "Content-Type": "text/plain"},
    )
    assert response.status_code == 403
    assert error_code(response) == "PermissionDenied"


# An end user: the API token with the email of a user the API created


def test_an_end_user_is_refused_on_every_operation(http: httpx.Client, jane: dict[str, Any]) -> None:
    end_user = {"Authorization": basic(f"Jane@Example.com/token:{TOKEN}")}
    profile = f"{PROFILES}/{jane['profile_id']}"
    requests = [
        http.get(f"/api/v2/users/{jane['user_id']}/events", headers=end_user),
        http.get(TRACK, params={"identifier": JANE}, headers=end_user),
        http.get(f"{profile}/events", headers=end_user),
        http.get(f"/api/v2/users/{jane['user_id']}/profiles", headers=end_user),
        http.get(profile, headers=end_user),
        http.get(PROFILES, params={"identifier": JANE}, headers=end_user),
        http.post(TRACK, json=track_body(), headers=end_user),
        http.post(f"{profile}/events", content=b"not json", headers=end_user),
        http.delete(profile, headers=end_user),
    ]
    for response in requests:
        assert response.status_code == 403, response.text
        assert error_code(response) == "PermissionDenied"
        assert "end user" in response.json()["errors"][0]["detail"]
    agent = {"Authorization": GOOD_BASIC}
    assert len(http.get(f"{profile}/events", headers=agent).json()["events"]) == 1


def test_an_end_users_email_needs_the_accounts_token(http: httpx.Client, jane: dict[str, Any]) -> None:
    for credentials in (
        "jane@example.com/token:wrong",
        "jane@example.com:" + TOKEN,
        f"x@example.com/token:{TOKEN}",
    ):
        assert_unauthenticated(
            http.get(f"{PROFILES}/{jane['profile_id']}", headers={"Authorization": basic(credentials)})
        )


# What is written down


def test_journal_masks_every_credential(http: httpx.Client) -> None:
    wrong = "wr0ng-s3cret-5d4c"
    sent = [
        GOOD_BASIC,
        f"Bearer {OAUTH}",
        f"Bearer {READ_ONLY}",
        basic(f"{EMAIL}/token:{wrong}"),
        f"Bearer {wrong}",
    ]
    for authorization in sent:
        http.post(TRACK, json=track_body(), headers={"Authorization": authorization})
        http.get(TRACK, params={"identifier": JANE}, headers={"Authorization": authorization})
    response = http.get("/__zdevents/requests", headers=AGENT)
    text = response.text
    for secret in (TOKEN, OAUTH, READ_ONLY, wrong, *(a.split(" ", 1)[1] for a in sent)):
        assert secret not in text
    entries = response.json()["requests"]
    assert [entry["status"] for entry in entries] == [202, 200, 202, 200, 403, 200, 401, 401, 401, 401]
    schemes = [entry["headers"]["authorization"] for entry in entries]
    assert schemes == [
        f"Basic {MASK}",
        f"Basic {MASK}",
        f"Bearer {MASK}",
        f"Bearer {MASK}",
        f"Bearer {MASK}",
        f"Bearer {MASK}",
        f"Basic {MASK}",
        f"Basic {MASK}",
        f"Bearer {MASK}",
        f"Bearer {MASK}",
    ]


def test_journal_masks_a_scheme_less_credential(http: httpx.Client) -> None:
    http.get(TRACK, params={"identifier": JANE}, headers={"Authorization": OAUTH})
    (entry,) = http.get("/__zdevents/requests", headers=AGENT).json()["requests"]
    assert entry["headers"]["authorization"] == MASK
    assert OAUTH not in http.get("/__zdevents/requests", headers=AGENT).text


@pytest.mark.parametrize("path", ["/__zdevents/health", "/__zdevents/settings", "/__zdevents/switches"])
def test_control_plane_reads_without_data_need_no_credentials(http: httpx.Client, path: str) -> None:
    assert http.get(path).status_code == 200
    assert http.get(path, headers={"Authorization": "Bearer wrong"}).status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/__zdevents/state", 200),
        ("GET", "/__zdevents/requests", 200),
        ("DELETE", "/__zdevents/requests", 204),
        ("POST", "/__zdevents/reset", 204),
    ],
)
def test_control_plane_data_and_writes_need_the_apis_credentials(
    http: httpx.Client, method: str, path: str, status: int
) -> None:
    """tests/emulator/test_control_guard.py has the rest: every route, every forgery."""
    assert_unauthenticated(http.request(method, path))
    assert_unauthenticated(http.request(method, path, headers={"Authorization": "Bearer wrong"}))
    assert http.request(method, path, headers=AGENT).status_code == status


def test_control_plane_writes_with_credentials(http: httpx.Client) -> None:
    settings = http.patch("/__zdevents/settings", json={"lag": 1}, headers=AGENT)
    assert settings.status_code == 200
    assert settings.json()["lag"] == 1
    state = {
        "users": [{"id": "7", "name": "Seed", "identities": []}],
        "profiles": [],
        "events": [],
    }
    assert http.post("/__zdevents/state", json=state, headers=AGENT).status_code == 200


def test_control_plane_cannot_change_credentials(http: httpx.Client) -> None:
    for key, value in (("token", "new"), ("email", "x@example.com"), ("oauth_tokens", ["mine"])):
        response = http.patch("/__zdevents/settings", json={key: value}, headers=AGENT)
        assert response.status_code == 400
        assert error_code(response) == "InvalidSettings"
    assert_unauthenticated(http.post(TRACK, json=track_body(), headers={"Authorization": "Bearer mine"}))


@pytest.mark.parametrize("authorization", [None, basic(f"{EMAIL}/token:wrong"), "Bearer wrong"])
def test_auth_ignored_quirk_serves_bad_credentials(
    make_emulator: Callable[..., Emulator], authorization: str | None
) -> None:
    emulator = make_emulator(
        email=EMAIL, token=TOKEN, read_only_oauth_tokens=[READ_ONLY], quirks=["auth_ignored"]
    )
    headers = {} if authorization is None else {"Authorization": authorization}
    with emulator.client() as client:
        assert client.post(TRACK, json=track_body(), headers=headers).status_code == 202
        assert client.get(TRACK, params={"identifier": JANE}, headers=headers).status_code == 200


# What a header granted is remembered per settings value (app.py's Authenticator), never across one


def test_new_credentials_take_effect_on_the_next_request_with_the_same_header(
    secured: Emulator, http: httpx.Client
) -> None:
    """The pipeline remembers what a header granted; configure() must end that at once."""
    bearer = {"Authorization": f"Bearer {OAUTH}"}
    assert http.post(TRACK, json=track_body(), headers=AGENT).status_code == 202
    assert http.post(TRACK, json=track_body(), headers=bearer).status_code == 202
    secured.configure(token="another-t0ken-1a2b3c", oauth_tokens=frozenset())
    assert_unauthenticated(http.post(TRACK, json=track_body(), headers=AGENT))
    assert_unauthenticated(http.post(TRACK, json=track_body(), headers=bearer))
    secured.configure(token=TOKEN, oauth_tokens=frozenset({OAUTH}), quirks=["bearer_writes_refused"])
    assert http.post(TRACK, json=track_body(), headers=AGENT).status_code == 202
    assert http.post(TRACK, json=track_body(), headers=bearer).status_code == 403


def test_a_refused_header_is_asked_again_once_its_user_exists(http: httpx.Client) -> None:
    """Only what the settings alone decide is remembered: whether an email is an end user's
    depends on the users the API created, and is asked on every request."""
    newcomer = {"Authorization": basic(f"newcomer@example.com/token:{TOKEN}")}
    assert_unauthenticated(http.get(PROFILES, params={"identifier": JANE}, headers=newcomer))
    assert http.post(TRACK, json=track_body("newcomer@example.com"), headers=AGENT).status_code == 202
    for _ in range(2):
        response = http.get(PROFILES, params={"identifier": JANE}, headers=newcomer)
        assert response.status_code == 403, response.text
        assert error_code(response) == "PermissionDenied"
