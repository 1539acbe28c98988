"""The API's paths, as the contracts send them (S1, S2)."""

from __future__ import annotations

#: POST tracks an event (E5); GET reads a profile's events by an identifier query (E1).
EVENTS_PATH = "/api/v2/user_profiles/events"
TRACK_PATH = EVENTS_PATH
IDENTIFIER_EVENTS_PATH = EVENTS_PATH
#: GET finds a profile by an identifier query; PUT creates or updates one (P1, P4).
PROFILES_PATH = "/api/v2/user_profiles"


def profile_path(profile_id: str) -> str:
    return f"{PROFILES_PATH}/{profile_id}"


def profile_events_path(profile_id: str) -> str:
    return f"{PROFILES_PATH}/{profile_id}/events"


def user_events_path(user_id: str) -> str:
    return f"/api/v2/users/{user_id}/events"


def user_profiles_path(user_id: str) -> str:
    return f"/api/v2/users/{user_id}/profiles"
