"""What the suite runs against: the embedded emulator (the default) or an implementation at a URL."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NoReturn

import httpx
import pytest

from pytest_zdevents.credentials import basic_credentials, basic_pair, basic_username
from pytest_zdevents.emulator import Emulator
from pytest_zdevents.emulator.runtime import InProcessTransport
from pytest_zdevents.runtime.client import RequestBudget, ZdClient
from pytest_zdevents.runtime.config import ZdConfig, flag
from pytest_zdevents.runtime.redaction import register

#: The in-process emulator's base URL: no request with it ever leaves the process.
EMBEDDED_URL = "http://zdevents-emulator.invalid"


@dataclass
class Target:
    """A base URL and credentials; ``emulator`` is set when the target is the embedded emulator."""

    url: str
    email: str | None = None
    # repr=False: pytest prints fixture values in tracebacks, and a secret must never show.
    token: str | None = field(default=None, repr=False)
    oauth_token: str | None = field(default=None, repr=False)
    emulator: Emulator | None = None
    #: A Bearer token with only the users:read scope; the embedded emulator has one.
    read_only_oauth_token: str | None = field(default=None, repr=False)

    @property
    def embedded(self) -> bool:
        return self.emulator is not None

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every credential of the target, and the ``{email}/token:{token}`` pair and Basic header
        value its token makes."""
        basic = (
            (basic_pair(self.email, self.token), basic_credentials(self.email, self.token))
            if self.email and self.token
            else ()
        )
        return tuple(s for s in (self.token, self.oauth_token, self.read_only_oauth_token, *basic) if s)

    def basic(self) -> tuple[str, str]:
        """The agent email and API token, for a contract about Basic authentication; without them
        the contract is skipped, saying which options give them."""
        __tracebackhide__ = True  # the skip names the contract's line, not this one
        if not (self.email and self.token):
            _skip_without("Basic credentials (an agent's email address and API token)", "email", "token")
        return self.email, self.token

    def oauth(self) -> str:
        """The OAuth access token (with users:write, when the target has OAuth scopes); without one
        the contract is skipped."""
        __tracebackhide__ = True  # the skip names the contract's line, not this one
        if not self.oauth_token:
            _skip_without("an OAuth access token", "oauth_token")
        return self.oauth_token

    def read_only_oauth(self) -> str:
        """An OAuth access token with only the users:read scope; without one the contract is skipped."""
        __tracebackhide__ = True  # the skip names the contract's line, not this one
        if not self.read_only_oauth_token:
            _skip_without("an OAuth access token with only the users:read scope", "read_only_oauth_token")
        return self.read_only_oauth_token

    def basic_auth(self) -> httpx.BasicAuth | None:
        if self.email and self.token:
            return httpx.BasicAuth(basic_username(self.email), self.token)
        return None

    def bearer_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.oauth_token}"} if self.oauth_token else {}

    def transport(self) -> Callable[[], httpx.BaseTransport] | None:
        app = self.emulator.app if self.emulator else None
        return (lambda: InProcessTransport(app)) if app is not None else None

    def client(self, budget: RequestBudget, timeout: float, read_only: bool = False) -> ZdClient:
        """A client with the target's credentials: Basic when email and token are set, else Bearer."""
        auth = self.basic_auth()
        return ZdClient(
            self.url,
            budget=budget,
            read_only=read_only,
            timeout=timeout,
            auth=auth,
            headers={} if auth else self.bearer_headers(),
            transport=self.transport(),
            secrets=self.secrets,
        )

    def close(self) -> None:
        if self.emulator is not None:
            self.emulator.close()


def _skip_without(credential: str, *options: str) -> NoReturn:
    """Skip the running contract for want of ``credential``, which ``options`` give: a credential
    the run was not given is a contract not checked, never a failure."""
    __tracebackhide__ = True
    pytest.skip(f"This contract needs {credential}: give {' and '.join(flag(o) for o in options)}.")


def open_target(zd: ZdConfig) -> Target:
    """The target the options name. The embedded emulator gets credentials made for this run, so
    that authentication is exercised, plus any quirks, variations and lag asked for. Its secrets
    are registered for redaction (:mod:`pytest_zdevents.runtime.redaction`)."""
    target = _target(zd)
    register(*target.secrets)
    return target


def _target(zd: ZdConfig) -> Target:
    if zd.url is None:
        email, token = "conformance@example.com", secrets.token_urlsafe(16)
        oauth, read_only = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
        emulator = Emulator(
            email=email,
            token=token,
            oauth_tokens=[oauth],
            read_only_oauth_tokens=[read_only],
            quirks=zd.emulator_quirk,
            variations=zd.emulator_variation,
            lag=zd.emulator_lag,
        )
        return Target(EMBEDDED_URL, email, token, oauth, emulator, read_only)
    return Target(
        zd.url.rstrip("/"), zd.email, zd.token, zd.oauth_token, read_only_oauth_token=zd.read_only_oauth_token
    )
