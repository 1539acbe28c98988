"""What the Events and Profiles APIs do, independent of HTTP.

Every public method is one API operation: it validates its input completely before it touches
the store, then runs as one unit of work under the service's lock. Answers are plain JSON-ready
dictionaries; refusals are :class:`~.errors.ApiError`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Literal

from . import cursors
from .errors import ApiError, bad_request, conflict, not_found
from .identifiers import STANDARD_TYPES, IdentifierQuery, default_name, merged, parse_query
from .ids import IdMaker
from .model import Event, EventQuery, Identifier, Profile, User
from .settings import EmulatorSettings
from .store.base import Store
from .timestamps import NS_PER_DAY, format_ns, parse_timestamp, with_nine_digits
from .validation import (
    MAX_IDENTIFIERS,
    MAX_PROFILES_PER_USER,
    EventInput,
    ProfileInput,
    event_input,
    patch_input,
    profile_input,
    query_names,
)

Scope = Literal["user", "profile", "identifier"]
ANONYMOUS_USER_NAME = "sunshine_user"  # seed 000: "an anonymous Zendesk user named sunshine_user"


def _profile_not_found(detail: str) -> ApiError:
    return not_found("ProfileNotFound", "Profile not found", detail)


def _user_not_found(user_id: str) -> ApiError:
    return not_found("UserNotFound", "User not found", f"There is no user with id {user_id}.")


class EventsService:
    """The emulator's behaviour over a :class:`~.store.base.Store`."""

    def __init__(
        self,
        store: Store,
        settings: EmulatorSettings,
        *,
        clock: Callable[[], int] = time.time_ns,
        seed: int | None = None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.clock = clock
        self.ids = IdMaker(seed)
        self.lock = threading.RLock()

    def _quirk(self, name: str) -> bool:
        return self.settings.quirk(name)

    def _variation(self, name: str) -> bool:
        return self.settings.variation(name)

    def new_id(self, now_ns: int) -> str:
        """A new profile or event id: a ULID, or 24 hex characters with the other_ids variation."""
        return self.ids.hex_id(now_ns) if self._variation("other_ids") else self.ids.ulid(now_ns)

    def timestamp(self, ns: int) -> str:
        """How the emulator writes an instant it sets: RFC 3339 UTC with six fractional digits,
        or nine with the nanosecond_timestamps variation."""
        return format_ns(ns, 9 if self._variation("nanosecond_timestamps") else 6)

    # Tracking events (E4, E5, E6)

    def track(
        self,
        body: dict[str, Any],
        *,
        user_id: str | None = None,
        profile_id: str | None = None,
    ) -> dict[str, Any]:
        """Store the body's event against a profile: E6 when ``profile_id`` is given, E4 when
        ``user_id`` is, E5 otherwise. Answers the documented 202 body (S1)."""
        quirks = self.settings.quirks
        event = event_input(body, quirks)
        if profile_id is not None:
            with self.lock, self.store.atomic():
                profile = self.store.get_profile(profile_id)
                if profile is None:
                    raise _profile_not_found(f"There is no profile with id {profile_id}.")
                self._store_event(profile, event)
        else:
            wanted = profile_input(body, quirks, with_source_type=True)
            with self.lock, self.store.atomic():
                profile = self._profile_for_event(wanted, user_id or wanted.user_id)
                self._store_event(profile, event)
        return {"profile_id": profile.id, "status": "received", "user_id": self._user_id(profile.user_id)}

    def _profile_for_event(self, wanted: ProfileInput, user_id: str | None) -> Profile:
        """Find the profile by source, type and any identifier; add identifiers it lacks; or
        create it (S1: "If the profile does not exist, it will be created")."""
        assert wanted.source is not None and wanted.type is not None
        lookup = wanted.identifiers[:1] if self._quirk("first_identifier_only") else wanted.identifiers
        found = self.store.profile_ids_for(wanted.source, wanted.type, lookup)
        if len(found) > 1:
            raise self._identifier_conflict(wanted.source, wanted.type)
        if user_id is not None and self.store.get_user(user_id) is None:
            raise _user_not_found(user_id)
        if not found:
            return self._create_profile(wanted.source, wanted.type, wanted, wanted.identifiers, user_id)
        profile = self.store.get_profile(found.pop())
        assert profile is not None
        if user_id is not None and profile.user_id != user_id:
            raise self._user_mismatch(profile, user_id)
        if not self._quirk("identifiers_not_added"):
            self._add_identifiers(profile, wanted.identifiers)
        return profile

    def _store_event(self, profile: Profile, wanted: EventInput) -> None:
        now = self.clock()
        received_at = self.timestamp(now)
        created_at, created_ns = wanted.created_at, wanted.created_ns
        if created_at is None or created_ns is None or self._quirk("created_at_overwritten"):
            created_at, created_ns = received_at, now
        properties = wanted.properties
        if self._quirk("nested_properties_flattened"):
            properties = {k: v for k, v in properties.items() if not isinstance(v, dict | list)}
        self.store.add_event(
            Event(
                id=self.new_id(now),
                profile_id=profile.id,
                user_id=profile.user_id,
                source=wanted.source,
                type=wanted.type,
                description=wanted.description,
                properties=properties,
                created_at=created_at,
                created_ns=created_ns,
                received_at=received_at,
                visible_ns=now + int(self.settings.lag * 1e9),
            )
        )

    # Reading events (E1, E2, E3)

    def list_events(
        self, scope: Scope, key: str | None, params: Mapping[str, str], url: Any
    ) -> dict[str, Any]:
        """One page of events of a user, a profile id or an identifier query.

        ``url`` is the request's Starlette URL, from which the ``next`` link is built.
        """
        query, page_size = self._event_query(_without_empty_options(params))
        # The page_skips_item quirk drops the first event of every page after the first.
        skip = int(query["after"] is not None and self._quirk("page_skips_item"))
        with self.lock:
            scope_kind, scope_id = self._event_scope(scope, key)
            events: list[Event] = []
            if scope_id is not None:
                # One more than the page, to know whether more remain.
                limit = page_size + 1 + skip
                events = self.store.events_page(
                    EventQuery(
                        scope=scope_kind, scope_id=scope_id, visible_at=self.clock(), limit=limit, **query
                    )
                )
        return self._page(events[skip:], page_size, url)

    def _event_query(self, params: Mapping[str, str]) -> tuple[dict[str, Any], int]:
        """The store query's filter, order and cursor fields, and the page size, from the query
        string."""
        variations = self.settings.variations
        if "filter" in params:
            raise bad_request(
                "InvalidFilter",
                "Filter not valid",
                "Send each filter as its own parameter, e.g. "
                "filter[source]=shoppingnow&filter[type]=checkout, not filter=...",
            )
        source, type_ = params.get("filter[source]"), params.get("filter[type]")
        if self._quirk("source_filter_ignored"):
            source = None
        if type_ is not None and params.get("filter[source]") is None:
            if "type_without_source_ignored" not in variations:
                raise bad_request(
                    "TypeFilterRequiresSource",
                    "filter[type] requires filter[source]",
                    "filter[type] selects a type of the given event source, so filter[source] "
                    "must be included too (S1).",
                )
            type_ = None
        if self._quirk("type_filter_ignored"):
            type_ = None
        start_ns = self._bound(params, "filter[start_time]", "StartTimestampNotValid", "Start", end=False)
        end_ns = self._bound(params, "filter[end_time]", "EndTimestampNotValid", "End", end=True)
        if start_ns is not None and self._quirk("start_time_exclusive"):
            start_ns += 1
        if end_ns is not None and self._quirk("end_time_exclusive"):
            end_ns -= 1
        page_size = self._page_size(params.get("page[size]"))
        after_raw = params.get("page[after]")
        after = None
        if after_raw is not None and not self._quirk("cursor_ignored"):
            after = cursors.decode(after_raw, other=self._variation("other_cursors"))
        return {
            "source": source,
            "type": type_,
            "start_ns": start_ns,
            "end_ns": end_ns,
            "after": after,
            "descending": "oldest_first" not in variations,
        }, page_size

    def _bound(self, params: Mapping[str, str], name: str, code: str, word: str, *, end: bool) -> int | None:
        raw = params.get(name)
        if raw is None:
            return None
        parsed = parse_timestamp(raw, allow_date=True, ignore_offset=self._quirk("offset_ignored"))
        if parsed is None:
            if self._quirk("server_error_on_bad_timestamp"):
                raise RuntimeError(f"could not parse {raw!r}")
            if self._quirk("bad_timestamp_ignored"):
                return None
            raise bad_request(
                code,
                f"{word} Timestamp not valid",
                f"{name} {raw!r} is not an ISO 8601 date (2020-02-23) or date-time (2020-02-23T10:00:00Z).",
            )
        if end and parsed.date_only and "date_only_end_of_day" in self.settings.variations:
            return parsed.ns + NS_PER_DAY - 1
        return parsed.ns

    def _page_size(self, raw: str | None) -> int:
        maximum = self.settings.page_size_max
        if self._quirk("page_size_ignored"):
            return 10**9
        if raw is None:
            return maximum
        clamped = self._variation("page_size_clamped")
        size = 0
        if raw.isascii() and raw.isdigit():
            digits = raw.lstrip("0") or "0"
            # Past six digits the size is over any maximum; int() of thousands of digits would raise.
            size = int(digits) if len(digits) <= 6 else maximum + 1
        if size < 1 or (size > maximum and not clamped):
            allowed = (
                f"1 or more (more than {maximum} is served as {maximum})"
                if clamped
                else f"from 1 to {maximum}"
            )
            raise bad_request(
                "InvalidPageSize",
                "Page size not valid",
                f"page[size] must be an integer {allowed}, not {raw[:40]!r}.",
            )
        return min(size, maximum)

    def _event_scope(self, scope: Scope, key: str | None) -> tuple[Literal["user", "profile"], str | None]:
        """What the store reads: a user's or a profile's events. None when there is nothing."""
        if scope == "user":
            assert key is not None
            if self.store.get_user(key) is None:
                raise _user_not_found(key)
            if self._quirk("user_events_first_profile_only"):
                profiles = self.store.user_profiles(key)
                return "profile", profiles[0].id if profiles else None
            return "user", key
        if scope == "identifier":
            profile = self._profile_by_query(parse_query(key, self.settings.quirks))
        else:
            assert key is not None
            profile = self.store.get_profile(key)
        if profile is None:
            if self._quirk("unknown_profile_empty"):
                return "profile", None
            raise _profile_not_found(
                f"There is no profile with id {key}."
                if scope == "profile"
                else f"No profile matches the identifier query {key!r}."
            )
        return "profile", profile.id

    def _page(self, events: list[Event], page_size: int, url: Any) -> dict[str, Any]:
        has_more = len(events) > page_size
        events = events[:page_size]
        after_cursor = None
        if events:
            last = events[-2] if self._quirk("page_repeats_item") and len(events) > 1 else events[-1]
            after_cursor = cursors.encode(last.key, other=self._variation("other_cursors"))
        if self._quirk("has_more_always_false"):
            has_more = False
        next_url = ""
        if has_more and after_cursor is not None:
            next_url = str(url.include_query_params(**{"page[after]": after_cursor}))
        links: Any = {"next": next_url} if self._quirk("links_as_object") else [{"next": next_url}]
        if not has_more and self._variation("last_page_cursor_null"):
            after_cursor = None
        nine_digits = self._variation("nanosecond_timestamps")
        return {
            "events": [self._event_json(event, nine_digits) for event in events],
            "links": links,
            "meta": {"has_more": has_more, "after_cursor": after_cursor},
        }

    # Profiles (P1-P9)

    def list_user_profiles(self, user_id: str) -> dict[str, Any]:
        with self.lock:
            if self.store.get_user(user_id) is None:
                raise _user_not_found(user_id)
            return {"profiles": [self._profile_json(p) for p in self.store.user_profiles(user_id)]}

    def get_profile(self, profile_id: str | None = None, identifier: str | None = None) -> dict[str, Any]:
        with self.lock:
            return {"profile": self._profile_json(self._existing_profile(profile_id, identifier))}

    def put_profile(
        self,
        body: dict[str, Any],
        *,
        identifier: str | None = None,
        user_id: str | None = None,
        profile_id: str | None = None,
    ) -> tuple[int, dict[str, Any]]:
        """Create or replace (P4, P5), or replace (P6). Answers 201 when created, else 200.

        A replace keeps nothing that the body does not send (S9, S11); the identifier of the
        query stays among the identifiers, so the profile can still be found by it.
        """
        quirks = self.settings.quirks
        query = None if profile_id is not None else query_names(parse_query(identifier, quirks), quirks)
        wanted = profile_input(body, quirks, with_source_type=False)
        identifiers = wanted.identifiers if query is None else merged([query.identifier], wanted.identifiers)
        self._check_identifier_count(identifiers)
        with self.lock, self.store.atomic():
            if user_id is not None and self.store.get_user(user_id) is None:
                raise _user_not_found(user_id)
            if profile_id is not None:
                profile = self._existing_profile(profile_id, None)
            else:
                assert query is not None
                profile = self._profile_by_query(query)
                if profile is None:
                    if self.store.profile_ids_for(query.source, query.type, identifiers):
                        raise self._identifier_conflict(query.source, query.type)
                    created = self._create_profile(query.source, query.type, wanted, identifiers, user_id)
                    return 201, {"profile": self._profile_json(created)}
            if user_id is not None and profile.user_id != user_id:
                raise self._user_mismatch(profile, user_id)
            if self._quirk("put_merges"):
                identifiers = merged(profile.identifiers, identifiers)
                attributes = {**profile.attributes, **(wanted.attributes or {})}
            else:
                attributes = wanted.attributes or {}
            self._check_identifier_count(identifiers)
            self._check_no_other_profile(profile, identifiers)
            self._claim_identities(self._user(profile.user_id), identifiers)
            profile.identifiers = identifiers
            profile.attributes = attributes
            profile.name = wanted.name or default_name(identifiers)
            profile.updated_at = self.timestamp(self.clock())
            self.store.save_profile(profile)
            return 200, {"profile": self._profile_json(profile)}

    def patch_profile(
        self, body: dict[str, Any], *, profile_id: str | None = None, identifier: str | None = None
    ) -> dict[str, Any]:
        """Merge name and attributes, add identifiers (P7, P8; S10)."""
        wanted = patch_input(body, self.settings.quirks)
        with self.lock, self.store.atomic():
            profile = self._existing_profile(profile_id, identifier)
            self._add_identifiers(profile, wanted.identifiers, save=False)
            if wanted.attributes is not None:
                replaced = self._quirk("patch_replaces_attributes")
                attributes = {} if replaced else dict(profile.attributes)
                for key, value in wanted.attributes.items():
                    if value is None:
                        attributes.pop(key, None)
                    else:
                        attributes[key] = value
                profile.attributes = attributes
            if wanted.name is not None:
                profile.name = wanted.name
            profile.updated_at = self.timestamp(self.clock())
            self.store.save_profile(profile)
            return {"profile": self._profile_json(profile)}

    def delete_profile(self, profile_id: str) -> None:
        """Remove the profile and its events (P9, S12)."""
        with self.lock, self.store.atomic():
            self._existing_profile(profile_id, None)
            self.store.delete_profile(profile_id, delete_events=not self._quirk("delete_keeps_events"))

    # Shared steps

    def _existing_profile(self, profile_id: str | None, identifier: str | None) -> Profile:
        if profile_id is not None:
            profile = self.store.get_profile(profile_id)
            if profile is None:
                raise _profile_not_found(f"There is no profile with id {profile_id}.")
            return profile
        profile = self._profile_by_query(parse_query(identifier, self.settings.quirks))
        if profile is None:
            raise _profile_not_found(f"No profile matches the identifier query {identifier!r}.")
        return profile

    def _profile_by_query(self, query: IdentifierQuery) -> Profile | None:
        found = self.store.profile_ids_for(query.source, query.type, [query.identifier])
        return self.store.get_profile(found.pop()) if found else None

    def _create_profile(
        self,
        source: str,
        type_: str,
        wanted: ProfileInput,
        identifiers: list[Identifier],
        user_id: str | None,
    ) -> Profile:
        user = self._user_for_new_profile(identifiers, user_id)
        if len(self.store.user_profiles(user.id)) >= MAX_PROFILES_PER_USER:
            raise conflict(
                "ProfileLimitExceeded",
                "Too many profiles for this user",
                f"User {user.id} already has {MAX_PROFILES_PER_USER} profiles, the most a person "
                "can have; delete one first.",
            )
        now = self.clock()
        profile_id = self.new_id(now)
        while self.store.get_profile(profile_id) is not None:  # one imported with that id
            profile_id = self.new_id(now)
        profile = Profile(
            id=profile_id,
            source=source,
            type=type_,
            name=wanted.name or default_name(identifiers),
            user_id=user.id,
            identifiers=list(identifiers),
            attributes=wanted.attributes or {},
            created_at=self.timestamp(now),
            updated_at=self.timestamp(now),
        )
        self._claim_identities(user, identifiers)
        self.store.save_profile(profile)
        return profile

    def _user_for_new_profile(self, identifiers: list[Identifier], user_id: str | None) -> User:
        """The given user, else the one owning a standard identifier, else a new anonymous one
        (S2: "first looks for a Zendesk user who has a Zendesk identity that matches")."""
        owners = (
            set()
            if self._quirk("anonymous_user_per_profile") and user_id is None
            else {owner for owner in map(self.store.identity_owner, _standard(identifiers)) if owner}
        )
        if user_id is not None:
            owners.discard(user_id)
            if owners:
                raise self._user_conflict(identifiers)
            return self._user(user_id)
        if len(owners) > 1:
            raise self._user_conflict(identifiers)
        if owners:
            return self._user(owners.pop())
        user = User(id=self._new_user_id(), name=ANONYMOUS_USER_NAME)
        self.store.save_user(user)
        return user

    def _new_user_id(self) -> str:
        while True:
            user_id = self.ids.user_id(14 if self._variation("other_ids") else 12)
            if self.store.get_user(user_id) is None:
                return user_id

    def _user(self, user_id: str) -> User:
        user = self.store.get_user(user_id)
        if user is None:
            raise _user_not_found(user_id)
        return user

    def _claim_identities(self, user: User, identifiers: Iterable[Identifier]) -> None:
        """Add the standard identifiers to the user's identities (S2). An external id is a single
        attribute of the user, so a user that has one keeps it (S11)."""
        new = []
        has_external_id = any(i.type == "external_id" for i in user.identities)
        for identity in _standard(identifiers):
            owner = self.store.identity_owner(identity)
            if owner == user.id or (identity.type == "external_id" and has_external_id):
                continue
            if owner is None:
                new.append(identity)
                has_external_id = has_external_id or identity.type == "external_id"
            elif not self._quirk("anonymous_user_per_profile"):
                raise self._user_conflict([identity])
        if new:
            user.identities.extend(new)
            self.store.save_user(user)

    def _add_identifiers(self, profile: Profile, new: list[Identifier], *, save: bool = True) -> None:
        identifiers = merged(profile.identifiers, new)
        if len(identifiers) == len(profile.identifiers):
            return
        self._check_identifier_count(identifiers)
        self._check_no_other_profile(profile, identifiers)
        self._claim_identities(self._user(profile.user_id), identifiers)
        profile.identifiers = identifiers
        if save:
            profile.updated_at = self.timestamp(self.clock())
            self.store.save_profile(profile)

    def _check_identifier_count(self, identifiers: list[Identifier]) -> None:
        if len(identifiers) > MAX_IDENTIFIERS and not self._quirk("identifier_limit_ignored"):
            raise conflict(
                "IdentifierLimitExceeded",
                "Too many identifiers",
                f"The profile would have {len(identifiers)} identifiers; a profile has at most "
                f"{MAX_IDENTIFIERS}.",
            )

    def _check_no_other_profile(self, profile: Profile, identifiers: list[Identifier]) -> None:
        if self.store.profile_ids_for(profile.source, profile.type, identifiers) - {profile.id}:
            raise self._identifier_conflict(profile.source, profile.type)

    @staticmethod
    def _identifier_conflict(source: str, type_: str) -> ApiError:
        return conflict(
            "IdentifierConflict",
            "Identifiers belong to more than one profile",
            f"The identifiers match more than one {source}:{type_} profile; all identifiers must "
            "belong to a single profile (S2).",
        )

    @staticmethod
    def _user_conflict(identifiers: Iterable[Identifier]) -> ApiError:
        names = ", ".join(f"{i.type}:{i.value}" for i in identifiers)
        return conflict(
            "UserConflict",
            "Identifiers belong to more than one user",
            f"The identifiers ({names}) belong to different users; all identifiers must belong "
            "to a single user (S2).",
        )

    @staticmethod
    def _user_mismatch(profile: Profile, user_id: str) -> ApiError:
        return conflict(
            "ProfileUserMismatch",
            "Profile belongs to another user",
            f"Profile {profile.id} belongs to user {profile.user_id}, not to user {user_id}.",
        )

    # Output

    def _user_id(self, user_id: str) -> str | int:
        return int(user_id) if self._quirk("user_id_as_number") else user_id

    def _profile_json(self, profile: Profile) -> dict[str, Any]:
        body = profile.to_json()
        body["user_id"] = self._user_id(profile.user_id)
        if self._variation("nanosecond_timestamps"):
            # Records written before the variation was on, or imported, are padded to nine digits.
            body["created_at"] = with_nine_digits(profile.created_at)
            body["updated_at"] = with_nine_digits(profile.updated_at)
        return body

    def _event_json(self, event: Event, nine_digits: bool) -> dict[str, Any]:
        """``nine_digits``: the nanosecond_timestamps variation, looked up once per page."""
        body = event.to_json()
        body["user_id"] = self._user_id(event.user_id)
        if nine_digits:
            body["created_at"] = with_nine_digits(event.created_at)
            body["received_at"] = with_nine_digits(event.received_at)
        if self._quirk("received_at_missing"):
            del body["received_at"]
        return body


def _without_empty_options(params: Mapping[str, str]) -> dict[str, str]:
    """The query parameters without the ``filter[...]`` and ``page[...]`` ones that are empty.

    Zendesk's generated code samples send every optional parameter, empty when unused
    (``filter[end_time]=&filter[source]=&...&page[size]=``): an empty one is read as not sent.
    A repeated parameter counts by its last value, as everywhere else.
    """
    return {
        name: value
        for name, value in params.items()
        if value or not (name.startswith(("filter[", "page[")) and name.endswith("]"))
    }


def _standard(identifiers: Iterable[Identifier]) -> list[Identifier]:
    return [identifier for identifier in identifiers if identifier.type in STANDARD_TYPES]
