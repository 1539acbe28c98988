"""Named switches that change how the emulator behaves.

*Quirks* are deliberate misbehaviours of the kind real implementations ship. Each breaks one
promise of the docs, so that the conformance suite can be shown to catch it: a contract that
passes with its quirk switched on has no teeth.

*Variations* are legal choices where the docs are silent. A conforming server may make them, so
the conformance suite must pass with any of them switched on.

Both are enumerations, so that code names a switch by member (``Quirk.PAGE_SKIPS_ITEM``) and a
misspelt one is an AttributeError, not a switch that is silently never on. Their string values
are the names of the command line, the control plane and ``contracts/catalogue.yaml``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol


class _Switch(StrEnum):
    """A switch: its value is its name, ``description`` says what it does."""

    description: str

    def __new__(cls, name: str, description: str) -> _Switch:
        member = str.__new__(cls, name)
        member._value_ = name
        member.description = description
        return member


class Quirk(_Switch):
    # Filters
    START_TIME_EXCLUSIVE = (
        "start_time_exclusive",
        "filter[start_time] excludes events created exactly at the bound.",
    )
    END_TIME_EXCLUSIVE = (
        "end_time_exclusive",
        "filter[end_time] excludes events created exactly at the bound.",
    )
    SOURCE_FILTER_IGNORED = (
        "source_filter_ignored",
        "filter[source] is ignored: events of every source come back.",
    )
    TYPE_FILTER_IGNORED = "type_filter_ignored", "filter[type] is ignored: events of every type come back."
    OFFSET_IGNORED = "offset_ignored", "Timestamps are read as UTC wall-clock time, ignoring their offset."
    TIME_BOUNDS_WHOLE_SECONDS = (
        "time_bounds_whole_seconds",
        "filter[start_time] and filter[end_time] are cut to the whole second before they are compared.",
    )
    BAD_TIMESTAMP_IGNORED = (
        "bad_timestamp_ignored",
        "An unreadable filter[start_time] or filter[end_time] is ignored instead of answered with 400.",
    )
    # Pagination
    PAGE_SKIPS_ITEM = "page_skips_item", "Each page after the first silently drops its first event."
    PAGE_REPEATS_ITEM = (
        "page_repeats_item",
        "Each page after the first starts with the last event of the page before.",
    )
    HAS_MORE_ALWAYS_FALSE = "has_more_always_false", "meta.has_more is false even when more events remain."
    HAS_MORE_WHEN_PAGE_FULL = (
        "has_more_when_page_full",
        "meta.has_more is true whenever a page is full, even when it holds the last events.",
    )
    CURSOR_IGNORED = "cursor_ignored", "page[after] is ignored: every request returns the first page."
    PAGE_SIZE_IGNORED = (
        "page_size_ignored",
        "page[size] is ignored: every matching event comes back in one page.",
    )
    LINKS_AS_OBJECT = "links_as_object", "links is an object {next: url} instead of the documented array."
    # Ingestion and identity
    EMAIL_CASE_KEPT = (
        "email_case_kept",
        "Email identifier values are stored and matched as sent, not lowercased.",
    )
    TWITTER_CASE_KEPT = (
        "twitter_case_kept",
        "Twitter identifier values are stored and matched as sent, not lowercased.",
    )
    IDENTIFIER_VALUE_SPLIT = (
        "identifier_value_split",
        "Identifier queries are split on every colon, so a value containing colons is truncated.",
    )
    IDENTIFIERS_NOT_ADDED = (
        "identifiers_not_added",
        "Additional identifiers sent with a later event are not added to the existing profile.",
    )
    FIRST_IDENTIFIER_ONLY = (
        "first_identifier_only",
        "A profile is looked up by its first identifier only, so an event "
        "sent with a different known identifier creates a second profile.",
    )
    CREATED_AT_OVERWRITTEN = (
        "created_at_overwritten",
        "created_at is replaced by the time the event was received.",
    )
    NESTED_PROPERTIES_FLATTENED = (
        "nested_properties_flattened",
        "Nested objects in properties are dropped, leaving only top-level strings.",
    )
    NUMBERS_ACCEPTED = (
        "numbers_accepted",
        "Numbers in properties and attributes are accepted instead of rejected.",
    )
    PROTECTED_SOURCE_ACCEPTED = (
        "protected_source_accepted",
        "Events and profiles with the source 'zendesk' are accepted.",
    )
    LENGTH_LIMITS_IGNORED = "length_limits_ignored", "Sources and types over 40 characters are accepted."
    IDENTIFIER_LIMIT_IGNORED = "identifier_limit_ignored", "More than 20 identifiers are accepted."
    # Limits at their boundary
    LIMITS_OFF_BY_ONE = (
        "limits_off_by_one",
        "Every documented limit is enforced one early: 40-character sources and types, 60-character "
        "identifier types, a profile's 20th identifier and a person's 20th profile are refused.",
    )
    PROFILE_CAP_IGNORED = "profile_cap_ignored", "A person may have more than 20 profiles."
    TRACK_RETURNS_200 = "track_returns_200", "Tracking an event answers 200 instead of 202."
    RECEIVED_AT_MISSING = "received_at_missing", "Events are returned without received_at."
    USER_ID_AS_NUMBER = "user_id_as_number", "user_id is returned as a JSON number instead of a string."
    USER_EVENTS_FIRST_PROFILE_ONLY = (
        "user_events_first_profile_only",
        "A user's events cover only the user's first profile.",
    )
    ANONYMOUS_USER_PER_PROFILE = (
        "anonymous_user_per_profile",
        "Every new profile gets a new anonymous user, even when a user with a matching identity exists.",
    )
    # Profiles
    PUT_MERGES = "put_merges", "PUT merges into the existing profile instead of replacing it."
    PATCH_REPLACES_ATTRIBUTES = (
        "patch_replaces_attributes",
        "PATCH replaces attributes wholesale instead of merging them.",
    )
    DELETE_KEEPS_EVENTS = (
        "delete_keeps_events",
        "Deleting a profile leaves its events readable through the user.",
    )
    UNKNOWN_PROFILE_EMPTY = (
        "unknown_profile_empty",
        "Reading events of an unknown profile answers 200 with no events instead of 404.",
    )
    # Errors and auth
    AUTH_IGNORED = "auth_ignored", "Requests with wrong or missing credentials are served."
    ERROR_ENVELOPE_SINGULAR = (
        "error_envelope_singular",
        'Errors come as {"error": [...]} instead of {"errors": [...]}.',
    )
    SERVER_ERROR_ON_BAD_TIMESTAMP = (
        "server_error_on_bad_timestamp",
        "An unreadable timestamp filter crashes with a 500.",
    )
    RETRY_AFTER_MISSING = "retry_after_missing", "429 answers carry no Retry-After header."
    # Profiles: a user's profiles, names, timestamps, PATCH and PUT beyond attributes, and the
    # user's identities (S2, S10, S11)
    USER_PROFILES_FIRST_ONLY = (
        "user_profiles_first_only",
        "GET /api/v2/users/{user_id}/profiles lists only the user's first profile.",
    )
    PROFILE_TIMESTAMPS_MISSING = (
        "profile_timestamps_missing",
        "Profiles are returned without created_at and updated_at.",
    )
    PROFILE_TIMESTAMPS_WRITABLE = (
        "profile_timestamps_writable",
        "created_at and updated_at sent in a PUT body are stored instead of ignored.",
    )
    DEFAULT_NAME_FROM_FIRST_IDENTIFIER = (
        "default_name_from_first_identifier",
        "A profile sent without a name is named '{type} user {value}' after its first identifier, "
        "whatever its type.",
    )
    PROFILE_NAME_DROPPED = (
        "profile_name_dropped",
        "The name sent with a tracked or put profile is dropped: it gets the name derived from its "
        "identifiers.",
    )
    PATCH_NAME_IGNORED = "patch_name_ignored", "PATCH ignores the name it is sent."
    PATCH_UPDATES_IDENTIFIER = (
        "patch_updates_identifier",
        "A PATCH identifier of a type the profile has replaces that type's value instead of being added.",
    )
    PATCH_UPSERTS = (
        "patch_upserts",
        "A PATCH by an identifier query that matches no profile creates one instead of answering 404.",
    )
    PUT_IDENTITIES_NOT_ADDED = (
        "put_identities_not_added",
        "Standard identifiers a PUT adds to an existing profile are not added to the user's identities.",
    )
    PUT_REPLACES_IDENTITIES = (
        "put_replaces_identities",
        "A PUT that replaces a profile replaces the user's identities with the new version's standard "
        "identifiers, dropping those it left out.",
    )
    PATCH_IDENTITIES_NOT_ADDED = (
        "patch_identities_not_added",
        "Standard identifiers a PATCH adds to a profile are not added to the user's identities.",
    )


class Variation(_Switch):
    OLDEST_FIRST = "oldest_first", "Events are sorted oldest first instead of newest first."
    PAGE_SIZE_MAX_50 = "page_size_max_50", "page[size] is capped at 50 (default 50) instead of 100."
    DATE_ONLY_END_OF_DAY = "date_only_end_of_day", "A date-only filter[end_time] means the end of that day."
    TYPE_WITHOUT_SOURCE_IGNORED = (
        "type_without_source_ignored",
        "filter[type] without filter[source] is ignored instead of answered with 400.",
    )
    PROFILE_WRITES_OFF = (
        "profile_writes_off",
        "The Profiles API's optional writes (P4-P9) are not served: 405.",
    )
    ERROR_CODES_GENERIC = (
        "error_codes_generic",
        "Every 4xx error but StartTimestampNotValid has the code ClientError.",
    )
    SUPPORT_ERRORS_ON_USER_ROUTES = (
        "support_errors_on_user_routes",
        "Errors under /api/v2/users/{user_id}/ (E1, E4, P1, P4) have "
        'Zendesk Support\'s bodies ({"error": ...}) instead of the errors envelope.',
    )
    OTHER_IDS = "other_ids", "Profile and event ids are 24 lowercase hex characters, user ids 14 digits."
    OTHER_CURSORS = (
        "other_cursors",
        "Cursors are URL-safe base64 (with -, _ and = padding) of a longer encoding.",
    )
    NANOSECOND_TIMESTAMPS = (
        "nanosecond_timestamps",
        "Every timestamp the API sends has nine fractional digits.",
    )
    LAST_PAGE_CURSOR_NULL = "last_page_cursor_null", "The last page's meta.after_cursor is null."
    UNAUTHORIZED_GENERIC_BODY = (
        "unauthorized_generic_body",
        '401 answers have the body {"error": "Couldn\'t authenticate you"}.',
    )
    CONFLICTS_AS_400 = (
        "conflicts_as_400",
        "Conflicts are answered with 400 instead of 409, with the same codes.",
    )
    PAGE_SIZE_CLAMPED = (
        "page_size_clamped",
        "A page[size] above the maximum is served as the maximum instead of 400.",
    )


#: Name -> description, for ``--list-quirks``, the control plane and validation of names.
QUIRKS: dict[str, str] = {quirk.value: quirk.description for quirk in Quirk}
VARIATIONS: dict[str, str] = {variation.value: variation.description for variation in Variation}


class Switches(Protocol):
    """Whatever says which switches are on: the settings, or :data:`ALL_OFF`."""

    def on(self, switch: Quirk | Variation) -> bool: ...


class _AllOff:
    def on(self, switch: Quirk | Variation) -> bool:
        return False


#: No switch on: how the control plane's import reads records, whatever the settings.
ALL_OFF: Switches = _AllOff()


def unknown_names(names: list[str] | tuple[str, ...] | frozenset[str], known: dict[str, str]) -> list[str]:
    """The names in ``names`` that ``known`` does not list, sorted."""
    return sorted(set(names) - known.keys())
