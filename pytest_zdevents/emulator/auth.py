"""Authentication as Zendesk does it (S24): Basic ``{email}/token:{api_token}`` or Bearer."""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Callable
from typing import Literal

from pytest_zdevents.credentials import basic_pair, basic_username

from .errors import MissingOrInvalidAuthentication, PermissionDenied
from .settings import EmulatorSettings
from .switches import Quirk

#: What the credentials may do: everything, only read (a users:read token), or nothing (an end
#: user: every operation is "Allowed For: Agents", seed 001, and needs agent or admin, seed 000).
Access = Literal["full", "read", "end_user"]


def _unauthenticated() -> MissingOrInvalidAuthentication:
    return MissingOrInvalidAuthentication(
        "Send Authorization: Basic base64('{email}/token:{api_token}') or Bearer {oauth_token} "
        "with credentials this server knows.",
        headers={"WWW-Authenticate": 'Basic realm="Zendesk"'},
    )


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


#: How much of a token the token_prefix_checked quirk compares.
_PREFIX = 8


def _same_token(given: str, expected: str, settings: EmulatorSettings) -> bool:
    """A token matches; with token_prefix_checked, its first characters are enough."""
    if settings.on(Quirk.TOKEN_PREFIX_CHECKED):
        n = min(_PREFIX, len(expected))
        return len(given) >= n and _same(given[:n], expected[:n])
    return _same(given, expected)


def _basic_matches(decoded: str, email: str, token: str, settings: EmulatorSettings) -> bool:
    """``decoded`` is ``{email}/token:{token}``: the whole of it, unless a quirk skips a part."""
    email_unchecked = settings.on(Quirk.BASIC_EMAIL_NOT_CHECKED)
    if not (email_unchecked or settings.on(Quirk.TOKEN_PREFIX_CHECKED)):
        return _same(decoded, basic_pair(email, token))
    user, marker, secret = decoded.rpartition("/token:")
    user_ok = bool(marker) and (email_unchecked or _same(user, email))
    return user_ok and _same_token(secret, token, settings)


def authenticate(
    header: str | None, settings: EmulatorSettings, is_end_user: Callable[[str], bool] = lambda _: False
) -> Access:
    """The access the ``Authorization`` header grants, or 401 when credentials are configured
    and it carries none that match. With no credentials configured, everything is allowed.

    The API token authenticates any user of the account by email (S24), not only the agent's:
    with the email of a user the API created, whom ``is_end_user`` knows, it is an end user."""
    if not settings.auth_required or settings.on(Quirk.AUTH_IGNORED):
        return "full"
    access = _by_settings(header, settings)
    if access is not None:
        return access
    return _end_user(header, settings, is_end_user)


def _by_settings(header: str | None, settings: EmulatorSettings) -> Access | None:
    """The access ``header`` grants by the settings alone (the agent's Basic credentials, an
    OAuth token), or None when only the users the API created can tell."""
    scheme, _, value = (header or "").strip().partition(" ")
    value = value.strip()
    if scheme.lower() == "basic" and settings.email is not None and settings.token is not None:
        if _basic_matches(_decoded(value), settings.email, settings.token, settings):
            return "full"
    elif scheme.lower() == "bearer":
        if any(_same_token(value, token, settings) for token in settings.oauth_tokens):
            # The bug of bearer_writes_refused: every OAuth token is taken for a read-only one.
            return "read" if settings.on(Quirk.BEARER_WRITES_REFUSED) else "full"
        if any(_same_token(value, token, settings) for token in settings.read_only_oauth_tokens):
            return "read"
    return None


def _end_user(header: str | None, settings: EmulatorSettings, is_end_user: Callable[[str], bool]) -> Access:
    """The access of Basic credentials with the API token and the email of a user the API
    created (an end user), or 401."""
    scheme, _, value = (header or "").strip().partition(" ")
    if scheme.lower() == "basic" and settings.email is not None and settings.token is not None:
        username, _, token = _decoded(value.strip()).rpartition(":")
        email = username.removesuffix("/token")
        if basic_username(email) == username and _same(token, settings.token) and is_end_user(email):
            return "full" if settings.on(Quirk.END_USER_SERVED) else "end_user"
    raise _unauthenticated()


def _decoded(value: str) -> str:
    """A Basic credential's ``user:password`` text, or 401 when it is not Base64 of UTF-8."""
    try:
        return base64.b64decode(value, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise _unauthenticated() from None


class Authenticator:
    """:func:`authenticate` for the API's pipeline, remembering what each of the last few headers
    granted by the settings alone. The memory belongs to one settings value: ``configure()`` makes a
    new one, and the first request under it starts afresh. An end user's access, which depends on
    the users the API created, is never remembered."""

    #: Headers remembered at most; past it, the memory starts again.
    SIZE = 16

    def __init__(self, is_end_user: Callable[[str], bool]) -> None:
        self.is_end_user = is_end_user
        # The settings and what headers granted under them, as one value: a request that runs
        # under older settings (a configure() on another thread) writes only to their memory.
        self._memory: tuple[EmulatorSettings | None, dict[str, Access]] = (None, {})

    def access(self, header: str | None, settings: EmulatorSettings) -> Access:
        if not settings.auth_required or settings.on(Quirk.AUTH_IGNORED):
            return "full"
        remembered, known = self._memory
        if remembered is not settings:
            known = {}
            self._memory = (settings, known)
        if header is not None:
            access = known.get(header)
            if access is not None:
                return access
        access = _by_settings(header, settings)
        if access is None:
            return _end_user(header, settings, self.is_end_user)
        if header is not None:
            if len(known) >= self.SIZE:
                known.clear()
            known[header] = access
        return access


def permission_denied(access: Access = "read") -> PermissionDenied:
    """The 403 for a write with a read-only token, or for any request of an end user."""
    if access == "end_user":
        return PermissionDenied(
            "These credentials are an end user's; the Events and Profiles APIs are allowed for agents."
        )
    return PermissionDenied(
        "This token has only the users:read scope; writing profiles and events needs users:write."
    )
