"""Named switches that change how the emulator behaves.

*Quirks* are deliberate misbehaviours of the kind real implementations ship. Each breaks one
promise of the docs, so that the conformance suite can be shown to catch it: a contract that
passes with its quirk switched on has no teeth.

*Variations* are legal choices where the docs are silent. A conforming server may make them, so
the conformance suite must pass with any of them switched on.
"""

from __future__ import annotations

QUIRKS: dict[str, str] = {
    # Filters
    "start_time_exclusive": "filter[start_time] excludes events created exactly at the bound.",
    "end_time_exclusive": "filter[end_time] excludes events created exactly at the bound.",
    "source_filter_ignored": "filter[source] is ignored: events of every source come back.",
    "type_filter_ignored": "filter[type] is ignored: events of every type come back.",
    "offset_ignored": "Timestamps are read as UTC wall-clock time, ignoring their offset.",
    "bad_timestamp_ignored": "An unreadable filter[start_time] or filter[end_time] is ignored "
    "instead of answered with 400.",
    # Pagination
    "page_skips_item": "Each page after the first silently drops its first event.",
    "page_repeats_item": "Each page after the first starts with the last event of the page before.",
    "has_more_always_false": "meta.has_more is false even when more events remain.",
    "cursor_ignored": "page[after] is ignored: every request returns the first page.",
    "page_size_ignored": "page[size] is ignored: every matching event comes back in one page.",
    "links_as_object": "links is an object {next: url} instead of the documented array.",
    # Ingestion and identity
    "email_case_kept": "Email identifier values are stored and matched as sent, not lowercased.",
    "twitter_case_kept": "Twitter identifier values are stored and matched as sent, not lowercased.",
    "identifier_value_split": "Identifier queries are split on every colon, so a value "
    "containing colons is truncated.",
    "identifiers_not_added": "Additional identifiers sent with a later event are not added to "
    "the existing profile.",
    "first_identifier_only": "A profile is looked up by its first identifier only, so an event "
    "sent with a different known identifier creates a second profile.",
    "created_at_overwritten": "created_at is replaced by the time the event was received.",
    "nested_properties_flattened": "Nested objects in properties are dropped, leaving only "
    "top-level strings.",
    "numbers_accepted": "Numbers in properties and attributes are accepted instead of rejected.",
    "protected_source_accepted": "Events and profiles with the source 'zendesk' are accepted.",
    "length_limits_ignored": "Sources and types over 40 characters are accepted.",
    "identifier_limit_ignored": "More than 20 identifiers are accepted.",
    "track_returns_200": "Tracking an event answers 200 instead of 202.",
    "received_at_missing": "Events are returned without received_at.",
    "user_id_as_number": "user_id is returned as a JSON number instead of a string.",
    "user_events_first_profile_only": "A user's events cover only the user's first profile.",
    "anonymous_user_per_profile": "Every new profile gets a new anonymous user, even when a "
    "user with a matching identity exists.",
    # Profiles
    "put_merges": "PUT merges into the existing profile instead of replacing it.",
    "patch_replaces_attributes": "PATCH replaces attributes wholesale instead of merging them.",
    "delete_keeps_events": "Deleting a profile leaves its events readable through the user.",
    "unknown_profile_empty": "Reading events of an unknown profile answers 200 with no events "
    "instead of 404.",
    # Errors and auth
    "auth_ignored": "Requests with wrong or missing credentials are served.",
    "error_envelope_singular": 'Errors come as {"error": [...]} instead of {"errors": [...]}.',
    "server_error_on_bad_timestamp": "An unreadable timestamp filter crashes with a 500.",
    "retry_after_missing": "429 answers carry no Retry-After header.",
}

VARIATIONS: dict[str, str] = {
    "oldest_first": "Events are sorted oldest first instead of newest first.",
    "page_size_max_50": "page[size] is capped at 50 (default 50) instead of 100.",
    "date_only_end_of_day": "A date-only filter[end_time] means the end of that day.",
    "type_without_source_ignored": "filter[type] without filter[source] is ignored instead of "
    "answered with 400.",
    "profile_writes_off": "The Profiles API's optional writes (P4-P9) are not served: 405.",
    "error_codes_generic": "Every 4xx error but StartTimestampNotValid has the code ClientError.",
    "support_errors_on_user_routes": "Errors under /api/v2/users/{user_id}/ (E1, E4, P1, P4) have "
    'Zendesk Support\'s bodies ({"error": ...}) instead of the errors envelope.',
    "other_ids": "Profile and event ids are 24 lowercase hex characters, user ids 14 digits.",
    "other_cursors": "Cursors are URL-safe base64 (with -, _ and = padding) of a longer encoding.",
    "nanosecond_timestamps": "Every timestamp the API sends has nine fractional digits.",
    "last_page_cursor_null": "The last page's meta.after_cursor is null.",
    "unauthorized_generic_body": '401 answers have the body {"error": "Couldn\'t authenticate you"}.',
    "conflicts_as_400": "Conflicts are answered with 400 instead of 409, with the same codes.",
    "page_size_clamped": "A page[size] above the maximum is served as the maximum instead of 400.",
}


def unknown_names(names: list[str] | tuple[str, ...] | frozenset[str], known: dict[str, str]) -> list[str]:
    """The names in ``names`` that ``known`` does not list, sorted."""
    return sorted(set(names) - known.keys())
