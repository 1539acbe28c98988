"""Zendesk's credential formats (S24), and the mask that stands for a secret in every output, in
one place: the emulator checks these credentials, the suite sends them, the reports mask them."""

from __future__ import annotations

import base64

#: What every output (logs, reports, the emulator's journal) shows instead of a secret.
MASK = "********"


def basic_username(email: str) -> str:
    """The user of Basic authentication with an API token: ``{email}/token``."""
    return f"{email}/token"


def basic_pair(email: str, token: str) -> str:
    """What Basic authentication with an API token encodes: ``{email}/token:{token}``."""
    return f"{basic_username(email)}:{token}"


def basic_credentials(email: str, token: str) -> str:
    """The base64 value of ``Authorization: Basic`` for an API token."""
    return base64.b64encode(basic_pair(email, token).encode()).decode()


def basic_header(email: str, token: str) -> dict[str, str]:
    return {"Authorization": f"Basic {basic_credentials(email, token)}"}
