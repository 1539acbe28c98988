"""The API's paths, as the contracts send them (S1, S2)."""

from __future__ import annotations

from urllib.parse import quote

#: POST tracks an event (E5); GET on the same path reads events by an identifier query (E2).
TRACK_PATH = "/api/v2/user_profiles/events"
IDENTIFIER_EVENTS_PATH = TRACK_PATH
#: By an identifier query: GET finds a profile (P3), PUT creates or updates one (P5), PATCH (P8).
PROFILES_PATH = "/api/v2/user_profiles"


def profile_path(profile_id: str) -> str:
    return f"{PROFILES_PATH}/{profile_id}"


def profile_events_path(profile_id: str) -> str:
    return f"{PROFILES_PATH}/{profile_id}/events"


def user_events_path(user_id: str) -> str:
    return f"/api/v2/users/{user_id}/events"


def user_profiles_path(user_id: str) -> str:
    return f"/api/v2/users/{user_id}/profiles"


def with_identifier(path: str, query: str) -> str:
    """``path?identifier=`` with the identifier query percent-encoded whole, colons too, as the
    reference's generated samples send it (seed 001: "The query string must be url-encoded"): every
    character but letters, digits and ``-._~``, a space as %20 and never as +."""
    return f"{path}?identifier={quote(query, safe='')}"
