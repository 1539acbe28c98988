"""Authentication as Zendesk does it (S24): Basic ``{email}/token:{api_token}`` or Bearer."""

from __future__ import annotations

import base64
import binascii
import hmac
from typing import Literal

from pytest_zdevents.credentials import basic_pair

from .errors import MissingOrInvalidAuthentication, PermissionDenied
from .settings import EmulatorSettings
from .switches import Quirk

Access = Literal["full", "read"]


def _unauthenticated() -> MissingOrInvalidAuthentication:
    return MissingOrInvalidAuthentication(
        "Send Authorization: Basic base64('{email}/token:{api_token}') or Bearer {oauth_token} "
        "with credentials this server knows.",
        headers={"WWW-Authenticate": 'Basic realm="Zendesk"'},
    )


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def authenticate(header: str | None, settings: EmulatorSettings) -> Access:
    """The access the ``Authorization`` header grants, or 401 when credentials are configured
    and it carries none that match. With no credentials configured, everything is allowed."""
    if not settings.auth_required or settings.on(Quirk.AUTH_IGNORED):
        return "full"
    scheme, _, value = (header or "").strip().partition(" ")
    value = value.strip()
    if scheme.lower() == "basic" and settings.email is not None and settings.token is not None:
        try:
            decoded = base64.b64decode(value, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise _unauthenticated() from None
        if _same(decoded, basic_pair(settings.email, settings.token)):
            return "full"
    elif scheme.lower() == "bearer":
        if any(_same(value, token) for token in settings.oauth_tokens):
            return "full"
        if any(_same(value, token) for token in settings.read_only_oauth_tokens):
            return "read"
    raise _unauthenticated()


def permission_denied() -> PermissionDenied:
    """The 403 for a write with a read-only token."""
    return PermissionDenied(
        "This token has only the users:read scope; writing profiles and events needs users:write."
    )
