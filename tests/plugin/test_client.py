"""ZdClient against an in-process httpx.MockTransport: 429 retries, the request budget,
redaction and credentials."""

from __future__ import annotations

import base64
import email.utils
import logging
import time

import httpx
import pytest

from pytest_zdevents.credentials import MASK
from pytest_zdevents.runtime.client import (
    MAX_RETRIES,
    MAX_WAIT,
    BudgetExhausted,
    ReadOnlyViolation,
    RequestBudget,
    ZdClient,
    retry_after,
)
from pytest_zdevents.runtime.reads import read_page

BASE = "https://zd.example.invalid"
EMAIL = "agent@example.com"
SECRET = "s3cr3t-T0ken_value"


class Server:
    """A scripted handler: answers the given statuses in turn (the last one forever) and records
    every request."""

    def __init__(self, *answers: httpx.Response) -> None:
        self.answers = list(answers) or [httpx.Response(200, json={})]
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        index = min(len(self.requests) - 1, len(self.answers) - 1)
        answer = self.answers[index]
        return httpx.Response(answer.status_code, headers=answer.headers, content=answer.content)


def too_many(retry_after_value: str | None = None) -> httpx.Response:
    headers = {} if retry_after_value is None else {"Retry-After": retry_after_value}
    return httpx.Response(429, headers=headers, json={"errors": [{"code": "TooManyRequests"}]})


def ok() -> httpx.Response:
    return httpx.Response(200, json={"ok": True})


def make_client(
    server: Server,
    *,
    budget: RequestBudget | None = None,
    sleeps: list[float] | None = None,
    **kwargs: object,
) -> ZdClient:
    def sleep(seconds: float) -> None:
        if sleeps is None:
            raise AssertionError("the client slept although no sleep was expected")
        sleeps.append(seconds)

    return ZdClient(
        BASE,
        budget=budget or RequestBudget(1000),
        transport=lambda: httpx.MockTransport(server),
        sleep=sleep,
        **kwargs,  # type: ignore[arg-type]
    )


def test_success_is_returned_at_once() -> None:
    server = Server(ok())
    with make_client(server) as client:
        response = client.get("/api/v2/user_profiles/p1")
    assert response.status_code == 200
    assert [str(r.url) for r in server.requests] == [f"{BASE}/api/v2/user_profiles/p1"]
    assert client.throttled == []


def test_429_is_retried_after_the_seconds_retry_after_gives() -> None:
    server = Server(too_many("2"), ok())
    sleeps: list[float] = []
    with make_client(server, sleeps=sleeps) as client:
        response = client.post("/api/v2/user_profiles/events", json={"a": 1})
    assert response.status_code == 200
    assert sleeps == [2.0]
    assert len(server.requests) == 2
    assert [r.method for r in server.requests] == ["POST", "POST"]
    assert all(r.content == b'{"a":1}' for r in server.requests)
    assert len(client.throttled) == 1


def test_429_with_an_http_date_waits_until_then() -> None:
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    server = Server(too_many(when), ok())
    sleeps: list[float] = []
    with make_client(server, sleeps=sleeps) as client:
        assert client.get("/x").status_code == 200
    (wait,) = sleeps
    assert 28.0 <= wait <= 30.5


def test_retry_after_http_date_is_relative_to_now() -> None:
    now = 1_700_000_000.0
    response = too_many(email.utils.formatdate(now + 7, usegmt=True))
    assert retry_after(response, now=lambda: now) == 7.0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, 1.0),
        ("", 1.0),
        ("soon", 1.0),
        ("0", 0.0),
        ("-5", 0.0),
        ("1.5", 1.5),
        ("60", 60.0),
        ("61", MAX_WAIT),
        ("3600", MAX_WAIT),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),  # in the past
    ],
)
def test_retry_after_values(value: str | None, expected: float) -> None:
    assert MAX_WAIT == 60.0
    assert retry_after(too_many(value)) == expected


def test_429_without_retry_after_waits_one_second() -> None:
    server = Server(too_many(), ok())
    sleeps: list[float] = []
    with make_client(server, sleeps=sleeps) as client:
        assert client.get("/x").status_code == 200
    assert sleeps == [1.0]


def test_waits_are_capped_at_sixty_seconds() -> None:
    far = email.utils.formatdate(time.time() + 3 * 3600, usegmt=True)
    server = Server(too_many("3600"), too_many(far), ok())
    sleeps: list[float] = []
    with make_client(server, sleeps=sleeps) as client:
        assert client.get("/x").status_code == 200
    assert sleeps == [60.0, 60.0]


def test_after_max_retries_the_429_is_returned() -> None:
    server = Server(too_many("1"))
    sleeps: list[float] = []
    with make_client(server, sleeps=sleeps) as client:
        response = client.get("/x")
    assert MAX_RETRIES == 5
    assert response.status_code == 429
    assert len(server.requests) == MAX_RETRIES + 1
    assert sleeps == [1.0] * MAX_RETRIES
    assert len(client.throttled) == MAX_RETRIES + 1  # the last one is returned, not waited out


def test_every_attempt_spends_budget() -> None:
    budget = RequestBudget(100)
    server = Server(too_many("0"), too_many("0"), ok())
    with make_client(server, budget=budget, sleeps=[]) as client:
        client.get("/x")
        assert budget.used == 3
        client.delete("/y")
        assert budget.used == 4


def test_budget_exhausted_when_spent() -> None:
    budget = RequestBudget(2)
    server = Server(ok())
    with make_client(server, budget=budget) as client:
        client.get("/1")
        client.get("/2")
        with pytest.raises(BudgetExhausted) as caught:
            client.get("/3")
    assert len(server.requests) == 2, "the request past the budget must not be sent"
    message = str(caught.value)
    assert "--zd-request-budget" in message
    assert "2 requests" in message


def test_budget_runs_out_during_retries() -> None:
    budget = RequestBudget(3)
    server = Server(too_many("0"))
    with make_client(server, budget=budget, sleeps=[]) as client, pytest.raises(BudgetExhausted):
        client.get("/x")
    assert len(server.requests) == 3
    assert budget.used == 3


def test_budget_is_shared_by_clients() -> None:
    budget = RequestBudget(3)
    server = Server(ok())
    with make_client(server, budget=budget) as one, make_client(server, budget=budget) as two:
        one.get("/a")
        two.get("/b")
        one.get("/c")
        with pytest.raises(BudgetExhausted):
            two.get("/d")


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "post"])
def test_a_read_only_client_refuses_writes_before_sending(method: str) -> None:
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.method)
        return httpx.Response(200, json={})

    client = ZdClient(
        "http://t.invalid",
        budget=RequestBudget(10),
        read_only=True,
        transport=lambda: httpx.MockTransport(handler),
    )
    with pytest.raises(ReadOnlyViolation, match=r"--zd-read-only"):
        client.request(method, "/api/v2/user_profiles/events", json={})
    with client.with_credentials() as other, pytest.raises(ReadOnlyViolation):
        other.post("/x")
    assert sent == [], f"nothing may be sent; sent {sent}"
    assert client.budget.used == 0, "a refused write spends no budget"
    client.get("/a")
    client.close()
    assert sent == ["GET"], "reads still go out"


def basic(user: str, password: str) -> str:
    return base64.b64encode(f"{user}:{password}".encode()).decode()


@pytest.mark.parametrize("first", ["ok", "429"])
def test_debug_log_never_shows_credentials(caplog: pytest.LogCaptureFixture, first: str) -> None:
    caplog.set_level(logging.DEBUG, logger="pytest_zdevents.runtime.client")
    answers = [ok()] if first == "ok" else [too_many("0"), ok()]
    server = Server(*answers)
    with make_client(
        server,
        sleeps=[],
        auth=httpx.BasicAuth(f"{EMAIL}/token", SECRET),
        secrets=[SECRET, None],
    ) as client:
        response = client.get(f"/api/v2/user_profiles?token={SECRET}&identifier=a:b:c:d")
        client.get("/api/v2/user_profiles", params={"access_token": SECRET})
    assert response.status_code == 200
    # The credentials were really sent, so their absence from the log means something.
    credentials = basic(f"{EMAIL}/token", SECRET)
    assert server.requests[0].headers["authorization"] == f"Basic {credentials}"
    assert SECRET in str(server.requests[0].url)
    assert caplog.records, "the client logs each request"
    messages = "\n".join(record.getMessage() for record in caplog.records)
    for text in (caplog.text, messages):
        assert SECRET not in text
        assert credentials not in text
    assert f"token={MASK}" in messages
    assert "GET " in messages and "-> 200" in messages


def test_bearer_token_is_not_logged(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="pytest_zdevents.runtime.client")
    server = Server(too_many("0"), ok())
    with make_client(
        server, sleeps=[], headers={"Authorization": f"Bearer {SECRET}"}, secrets=[SECRET]
    ) as client:
        client.get(f"/x?oauth={SECRET}")
    assert server.requests[0].headers["authorization"] == f"Bearer {SECRET}"
    assert caplog.records
    assert SECRET not in caplog.text


def test_with_credentials_shares_the_budget_and_uses_the_new_credentials() -> None:
    budget = RequestBudget(4)
    server = Server(ok())
    sleeps: list[float] = []
    client = make_client(
        server, budget=budget, sleeps=sleeps, timeout=7.0, auth=httpx.BasicAuth(f"{EMAIL}/token", SECRET)
    )
    basic_other = client.with_credentials(auth=httpx.BasicAuth("other@example.com/token", "new-token"))
    bearer = client.with_credentials(headers={"Authorization": "Bearer oauth-new"})
    anonymous = client.with_credentials()
    try:
        for derived in (basic_other, bearer, anonymous):
            assert derived.budget is budget
            assert derived.base_url == BASE
            assert derived.timeout == 7.0
        basic_other.get("/a")
        bearer.get("/b")
        anonymous.get("/c")
        client.get("/d")
        assert budget.used == 4
        with pytest.raises(BudgetExhausted):
            anonymous.get("/e")
    finally:
        for c in (client, basic_other, bearer, anonymous):
            c.close()
    auths = [r.headers.get("authorization") for r in server.requests]
    assert auths == [
        f"Basic {basic('other@example.com/token', 'new-token')}",
        "Bearer oauth-new",
        None,
        f"Basic {basic(f'{EMAIL}/token', SECRET)}",
    ]
    assert [r.url.path for r in server.requests] == ["/a", "/b", "/c", "/d"]


def test_with_credentials_keeps_the_injected_sleep() -> None:
    server = Server(too_many("3"), ok())
    sleeps: list[float] = []
    client = make_client(server, sleeps=sleeps)
    other = client.with_credentials(headers={"Authorization": "Bearer x"})
    try:
        assert other.get("/x").status_code == 200
    finally:
        other.close()
        client.close()
    assert sleeps == [3.0]


def test_each_client_owns_its_transport() -> None:
    made: list[httpx.MockTransport] = []
    server = Server(ok())

    def transport() -> httpx.MockTransport:
        made.append(httpx.MockTransport(server))
        return made[-1]

    client = ZdClient(BASE, budget=RequestBudget(10), transport=transport)
    other = client.with_credentials()
    client.close()
    assert other.get("/still-open").status_code == 200
    other.close()
    assert len(made) == 2


def test_read_page_follows_a_next_link_with_its_own_query() -> None:
    """links[0].next carries page[after] in its query; read_page must not drop it (an empty
    params dict would make httpx replace the URL's query)."""

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"after": request.url.params.get("page[after]")})

    client = ZdClient(
        "http://zd.invalid", budget=RequestBudget(10), transport=lambda: httpx.MockTransport(handler)
    )
    assert read_page(client, "/events?page[after]=5.1") == {"after": "5.1"}
