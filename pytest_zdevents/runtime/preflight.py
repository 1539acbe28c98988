"""The pre-flight: before the first contract of a run against ``--zd-url``, one cheap request
checks that the target answers and takes the run's credentials.

The request is ``GET /api/v2/user_profiles?identifier=`` (P3) with the query of a fresh email that
no profile has, sent with the credentials every contract uses (Basic when ``--zd-email`` and
``--zd-token`` are given, else Bearer ``--zd-oauth-token``). It reads nothing and writes nothing.
A 404 (no such profile) or a 200 means the target answered and took the credentials; so does any
other answer that is not about them (400, 429, 5xx: the contracts report those). The run stops
before any contract, with one sentence saying what to fix and pytest's usage-error exit code (4),
when the target cannot be reached (connection refused, a host name that does not resolve, a TLS
handshake that fails, no answer within ``--zd-timeout``), when it answers 401 (the credentials
are refused) or 403 (they are known but may not read profiles), and when it redirects (every
request of the run would be redirected the same way).

It is one request of the run's budget (``--zd-request-budget``) in the process that sends it: a
plain run's, or the xdist controller's, whose workers have budgets of their own.
"""

from __future__ import annotations

import socket
import ssl

import httpx
import pytest

from pytest_zdevents.credentials import MASK
from pytest_zdevents.runtime.client import RequestBudget
from pytest_zdevents.runtime.config import ZdConfig, flag
from pytest_zdevents.runtime.isolation import Namespace, identifier_query
from pytest_zdevents.runtime.paths import PROFILES_PATH, with_identifier
from pytest_zdevents.runtime.target import Target, open_target

#: What the pre-flight sends, as its messages name it.
REQUEST = f"GET {PROFILES_PATH}?identifier="


def preflight(zd: ZdConfig, budget: RequestBudget) -> None:
    """Check that the ``--zd-url`` target answers and takes the run's credentials; raise
    ``pytest.UsageError`` with a sentence saying what to fix when it does not."""
    target = open_target(zd)
    query = identifier_query(Namespace(worker="preflight").identifier("email"))
    try:
        with target.client(budget, zd.timeout) as client:
            response = client.get(with_identifier(PROFILES_PATH, query), retry=False)
    except httpx.TimeoutException:
        raise pytest.UsageError(
            f"The target {target.url} did not answer within {zd.timeout:g} s ({flag('timeout')}), so no "
            f"contract ran. Check that {flag('url')} names the right host and port, or raise "
            f"{flag('timeout')}."
        ) from None
    except httpx.TransportError as exc:
        raise pytest.UsageError(_unreachable(target.url, exc)) from None
    problem = refusal(target, response)
    if problem is not None:
        raise pytest.UsageError(problem)


def _unreachable(url: str, exc: httpx.TransportError) -> str:
    cause, check = _cause(exc)
    return f"The target {url} could not be reached: {cause}, so no contract ran. {check}"


def _cause(exc: BaseException) -> tuple[str, str]:
    """What went wrong under ``exc`` (the OSError httpx wraps), and what to check."""
    root: BaseException | None = exc
    while root is not None and not isinstance(root, OSError):
        root = root.__cause__ or root.__context__
    url = flag("url")
    if isinstance(root, ConnectionRefusedError):
        return (
            "the connection was refused",
            f"Check that the implementation is running and that {url} names its host and port.",
        )
    if isinstance(root, socket.gaierror):
        return (
            f"its host name did not resolve ({root.strerror or root})",
            f"Check the host name in {url}.",
        )
    if isinstance(root, ssl.SSLError):
        reason = getattr(root, "verify_message", None) or root.reason or str(root)
        return (
            f"the TLS handshake failed ({reason})",
            f"Check the scheme of {url} (http:// for a server without TLS) and that the server's "
            "certificate is valid for its host name.",
        )
    return (f"{type(exc).__name__}: {exc}", f"Check {url}.")


def refusal(target: Target, response: httpx.Response) -> str | None:
    """Why the answer stops the run, or None when the contracts may run."""
    sent, check = _credentials(target)
    status = response.status_code
    where = f"The target {target.url} answered {status} to {REQUEST}"
    if status == 401:
        if sent is None:
            return f"{where} sent without credentials, so no contract ran. {check}"
        return f"{where}: it refused {sent}, so no contract ran. {check}"
    if status == 403:
        return (
            f"{where}: it knows {sent or 'the request'} but does not let them read profiles, so no "
            "contract ran. The suite needs an agent's or admin's credentials (an OAuth token with the "
            f"users:read and users:write scopes). {check}"
        )
    if response.is_redirect:
        location = response.headers.get("location", "elsewhere")
        return (
            f"{where}, a redirect to {location}, so no contract ran (every request would be "
            f"redirected). Give that address's base URL as {flag('url')}."
        )
    return None


def _credentials(target: Target) -> tuple[str | None, str]:
    """The credentials the run sends, as a message may show them (secrets masked), and what to
    check when they are refused."""
    email, token, oauth = flag("email"), flag("token"), flag("oauth_token")
    if target.basic_auth() is not None:
        return (
            f"the Basic credentials {target.email}/token:{MASK} ({email}, {token})",
            f"Check {email} and {token}: the email address of an agent or admin of the account and an "
            f"active API token; or give {oauth} alone.",
        )
    if target.oauth_token:
        return (
            f"the OAuth access token {MASK} ({oauth})",
            f"Check {oauth}: an active OAuth access token of the account; or give {email} and {token}.",
        )
    half = ""
    if target.email or target.token:
        given, missing = (email, token) if target.email else (token, email)
        half = f" ({given} was given without {missing})"
    return None, f"Give {email} and {token}, or {oauth}{half}."
