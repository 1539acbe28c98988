"""Variations: legal choices where the docs are silent (see the package)."""

from __future__ import annotations

from .base import Switch


class Variation(Switch):
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
