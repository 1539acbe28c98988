"""Quirks: deliberate misbehaviours, each breaking one promise of the docs (see the package)."""

from __future__ import annotations

from .base import Switch


class Quirk(Switch):
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
    # Near misses and reserved characters: matching looser than exact, identifier queries decoded
    # other than once as UTF-8
    SOURCE_FILTER_PREFIX = (
        "source_filter_prefix",
        "filter[source] selects every event whose source starts with the value.",
    )
    TYPE_FILTER_SUBSTRING = (
        "type_filter_substring",
        "filter[type] selects every event of the source whose type contains the value.",
    )
    PROFILE_TYPE_IGNORED_IN_MATCH = (
        "profile_type_ignored_in_match",
        "A profile is found by its source and an identifier alone, so another profile type finds it.",
    )
    IDENTIFIER_TYPE_IGNORED_IN_MATCH = (
        "identifier_type_ignored_in_match",
        "A profile is found by an identifier's value whatever its type, so another type finds it.",
    )
    IDENTIFIER_PREFIX_MATCH = (
        "identifier_prefix_match",
        "An identifier value finds the profile with a value it is a prefix of.",
    )
    IDENTIFIER_PLUS_AS_SPACE = (
        "identifier_plus_as_space",
        "A '+' in the percent-decoded identifier query is read as a space, so '%2B' finds ' '.",
    )
    IDENTIFIER_DECODED_TWICE = (
        "identifier_decoded_twice",
        "The identifier query is percent-decoded twice, so '%2541' reads as 'A'.",
    )
    IDENTIFIER_NOT_DECODED = (
        "identifier_not_decoded",
        "The identifier query is not percent-decoded: only a query sent with raw characters works.",
    )
    IDENTIFIER_DECODED_AS_LATIN1 = (
        "identifier_decoded_as_latin1",
        "Percent-escapes in the identifier query are decoded as Latin-1, not UTF-8.",
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
    DELETED_PROFILE_READABLE = (
        "deleted_profile_readable",
        "A deleted profile is still read by its id (P2): 200 with the profile as it was (a stale cache).",
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
    # Credentials part by part, unique ids, the docs' own examples, empty values
    BASIC_EMAIL_NOT_CHECKED = (
        "basic_email_not_checked",
        "Basic authentication checks the API token but not the email address before /token.",
    )
    ADDED_IDENTITIES_NOT_CLAIMED = (
        "added_identities_not_claimed",
        "Standard identifiers a later event adds to a profile are not added to the user's identities.",
    )
    BEARER_WRITES_REFUSED = (
        "bearer_writes_refused",
        "Every OAuth token is taken for one of only users:read: writes with a users:write token are 403.",
    )
    TOKEN_PREFIX_CHECKED = (
        "token_prefix_checked",
        "API and OAuth tokens are compared on their first 8 characters only, so a truncated, "
        "extended or altered token is served.",
    )
    EVENT_ID_PER_PROFILE = (
        "event_id_per_profile",
        "Event ids count up per profile (1, 2, 3, ...), so events of different profiles share ids.",
    )
    PROFILE_ID_PER_SECOND = (
        "profile_id_per_second",
        "Profile ids are made from the creation second alone, so a profile created in the same "
        "second as another takes over its id.",
    )
    DIGIT_STRINGS_REFUSED = (
        "digit_strings_refused",
        'Strings of digits in properties and attributes ("16505556789", "499.99") are refused as numbers.',
    )
    DEEP_NESTING_REFUSED = (
        "deep_nesting_refused",
        "Objects nested more than one level deep in properties and attributes are refused.",
    )
    TYPE_LEADING_DIGIT_REFUSED = (
        "type_leading_digit_refused",
        'Event and profile types that start with a digit ("2fa_enabled") are refused.',
    )
    DATE_ONLY_FILTER_REFUSED = (
        "date_only_filter_refused",
        "A date-only filter[start_time] or filter[end_time] (2020-02-23) is refused with 400.",
    )
    EMPTY_VALUES_DROPPED = (
        "empty_values_dropped",
        "Empty strings and empty objects in properties, attributes and description are dropped.",
    )
    # Requests refused, users and access: what the docs require of a request, and who may send it
    USER_TRACK_PROFILE_OPTIONAL = (
        "user_track_profile_optional",
        "POST /api/v2/users/{user_id}/events without a profile stores the event against the user's "
        "first profile.",
    )
    PROFILE_NAMES_FROM_EVENT = (
        "profile_names_from_event",
        "A tracked profile sent without source or type takes the event's source and type.",
    )
    PROPERTIES_OPTIONAL = (
        "properties_optional",
        "An event sent without properties is stored with empty properties.",
    )
    KEYS_CASE_INSENSITIVE = (
        "keys_case_insensitive",
        "Member names of request bodies are matched ignoring case, so 'Source' reads as 'source'.",
    )
    READ_ONLY_FIELDS_KEPT = (
        "read_only_fields_kept",
        "An event's id and received_at sent by the client are stored as sent.",
    )
    ANONYMOUS_USER_SHARED = (
        "anonymous_user_shared",
        "Every profile whose identifiers no user has is linked to one shared anonymous user.",
    )
    PARTIAL_IDENTIFIER_QUERY = (
        "partial_identifier_query",
        "An identifier query of only a source and a type (and maybe an identifier type) selects the "
        "first profile of that source and type.",
    )
    USER_CONFLICT_FIRST_WINS = (
        "user_conflict_first_wins",
        "A new profile whose identifiers belong to two users goes to the first one's user instead of "
        "failing.",
    )
    IDENTIFIER_MISSING_EMPTY = (
        "identifier_missing_empty",
        "GET /api/v2/user_profiles/events without an identifier answers 200 with no events.",
    )
    USER_ID_NOT_CHECKED = (
        "user_id_not_checked",
        "A user_id that is not an integer is looked up like any other, and answered 404.",
    )
    READ_SCOPE_REFUSED = (
        "read_scope_refused",
        "An OAuth token with only users:read is refused with 403 on reads too.",
    )
    END_USER_SERVED = (
        "end_user_served",
        "The API token with an end user's email is served as if the end user were an agent.",
    )
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
    # Profile conflicts, received created_at and calendar dates (promises mutation testing found unchecked)
    PROFILE_CONFLICT_FIRST_WINS = (
        "profile_conflict_first_wins",
        "A track request whose identifiers match two profiles of one source and type is stored against "
        "the first of them instead of failing.",
    )
    RECEIVED_CREATED_AT_AT_EPOCH = (
        "received_created_at_at_epoch",
        "An event sent without created_at reads back with the time received, but time filters compare "
        "it as created at the Unix epoch.",
    )
    CALENDAR_DAYS_ROLLED_OVER = (
        "calendar_days_rolled_over",
        "A time bound whose day is past the end of its month (2021-02-29, 2021-04-31) rolls over into "
        "the next month instead of being answered 400.",
    )
    LEAP_DAY_REFUSED = (
        "leap_day_refused",
        "A time bound on 29 February is answered 400 StartTimestampNotValid, as if no year were a leap year.",
    )
    # Profiles: what DELETE frees, a profile without events, numbers in PUT and PATCH, identifiers
    # of another profile in PUT and PATCH (S1, S2, S7, S12; gaps M3, M4, M15, M1 of docs/mutation.md)
    DELETED_IDENTIFIERS_KEPT = (
        "deleted_identifiers_kept",
        "DELETE leaves the profile's identifiers in the index: a new event with them answers 500 "
        "instead of creating a new profile.",
    )
    EMPTY_PROFILE_EVENTS_NOT_FOUND = (
        "empty_profile_events_not_found",
        "The events of a profile that has none (made by PUT) are answered 404, as for no profile.",
    )
    PROFILE_WRITE_NUMBERS_ACCEPTED = (
        "profile_write_numbers_accepted",
        "JSON numbers in the attributes of a PUT or PATCH are accepted: only track requests refuse them.",
    )
    PROFILE_WRITES_TAKE_IDENTIFIERS = (
        "profile_writes_take_identifiers",
        "A PUT or PATCH that gives a profile identifiers of another profile of its source and type "
        "takes them over instead of failing.",
    )
