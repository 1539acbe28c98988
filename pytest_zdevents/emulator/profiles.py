"""Profiles (P1-P9): find, create, replace, merge and delete them, keeping identifiers unique."""

from __future__ import annotations

from dataclasses import replace

from .backend import Backend
from .errors import (
    IdentifierConflict,
    IdentifierLimitExceeded,
    ProfileLimitExceeded,
    ProfileNotFound,
    ProfileUserMismatch,
)
from .identifiers import IdentifierQuery, default_name, merged
from .model import Identifier, Profile
from .switches import Quirk
from .users import Users
from .validation import MAX_IDENTIFIERS, MAX_PROFILES_PER_USER, ProfileInput, enforced


class Profiles:
    def __init__(self, backend: Backend, users: Users) -> None:
        self.backend = backend
        self.store = backend.store
        self.users = users
        #: Profiles deleted while the deleted_profile_readable quirk was on: it still reads them.
        self.stale: dict[str, Profile] = {}

    # Operations

    def of_user(self, user_id: str) -> list[Profile]:
        """The user's profiles, oldest first (P1)."""
        with self.backend.lock:
            self.users.check_exists(user_id)
            profiles = self.store.user_profiles(user_id)
            return profiles[:1] if self.backend.on(Quirk.USER_PROFILES_FIRST_ONLY) else profiles

    def get(self, *, profile_id: str | None = None, query: IdentifierQuery | None = None) -> Profile:
        """The profile with ``profile_id``, or the one ``query`` matches (P2, P3)."""
        with self.backend.lock:
            stale = self.stale.get(profile_id or "")
            if stale is not None and self.store.get_profile(stale.id) is None:
                return stale  # the deleted_profile_readable quirk: a stale copy of a deleted profile
            return self.existing(profile_id, query)

    def put(
        self,
        wanted: ProfileInput,
        *,
        query: IdentifierQuery | None = None,
        user_id: str | None = None,
        profile_id: str | None = None,
    ) -> tuple[Profile, bool]:
        """Create or replace (P4, P5), or replace (P6): the profile, and whether it was created.

        A replace keeps nothing that the body does not send (S9, S11); the identifier of the
        query stays among the identifiers, so the profile can still be found by it.
        """
        identifiers = wanted.identifiers if query is None else merged([query.identifier], wanted.identifiers)
        self.check_identifier_count(identifiers)
        with self.backend.unit():
            self.users.check_exists(user_id)
            if profile_id is not None:
                profile = self.existing(profile_id, None)
            else:
                assert query is not None
                found = self.by_query(query)
                if found is None:
                    taken = self.store.profile_ids_for(query.source, query.type, identifiers)
                    if taken and not self.backend.on(Quirk.PROFILE_WRITES_TAKE_IDENTIFIERS):
                        raise IdentifierConflict.between_profiles(query.source, query.type)
                    return self.create(query.source, query.type, wanted, identifiers, user_id), True
                profile = found
            check_owner(profile, user_id)
            if self.backend.on(Quirk.PUT_MERGES):
                identifiers = merged(profile.identifiers, identifiers)
                attributes = {**profile.attributes, **(wanted.attributes or {})}
            else:
                attributes = wanted.attributes or {}
            self.check_identifier_count(identifiers)
            self.check_no_other_profile(profile, identifiers)
            self.users.after_replace(self.users.get(profile.user_id), profile.identifiers, identifiers)
            profile.identifiers = identifiers
            profile.attributes = attributes
            profile.name = self.name_for(wanted, identifiers)
            self._save(profile)
            if self.backend.on(Quirk.PROFILE_TIMESTAMPS_WRITABLE):
                profile.created_at = wanted.created_at or profile.created_at
                profile.updated_at = wanted.updated_at or profile.updated_at
                self.store.save_profile(profile)
            return profile, False

    def patch(
        self, wanted: ProfileInput, *, profile_id: str | None = None, query: IdentifierQuery | None = None
    ) -> Profile:
        """Merge name and attributes, add identifiers (P7, P8; S10)."""
        with self.backend.unit():
            if query is not None and self.backend.on(Quirk.PATCH_UPSERTS) and self.by_query(query) is None:
                return self._create_from_patch(wanted, query)
            profile = self.existing(profile_id, query)
            new = wanted.identifiers
            if self.backend.on(Quirk.PATCH_UPDATES_IDENTIFIER):
                replaced = {i.type for i in new} - {i.type for i in profile.identifiers if i in new}
                profile.identifiers = [i for i in profile.identifiers if i.type not in replaced]
            claim = not self.backend.on(Quirk.PATCH_IDENTITIES_NOT_ADDED)
            self.add_identifiers(profile, new, save=False, claim=claim)
            if wanted.attributes is not None:
                replaced = self.backend.on(Quirk.PATCH_REPLACES_ATTRIBUTES)
                attributes = {} if replaced else dict(profile.attributes)
                for key, value in wanted.attributes.items():
                    if value is None:
                        attributes.pop(key, None)
                    else:
                        attributes[key] = value
                profile.attributes = attributes
            if wanted.name is not None and not self.backend.on(Quirk.PATCH_NAME_IGNORED):
                profile.name = wanted.name
            self._save(profile)
            return profile

    def _create_from_patch(self, wanted: ProfileInput, query: IdentifierQuery) -> Profile:
        """The patch_upserts quirk: a PATCH by a query that matches nothing creates the profile."""
        attributes = {k: v for k, v in (wanted.attributes or {}).items() if v is not None}
        wanted = replace(wanted, attributes=attributes)
        identifiers = merged([query.identifier], wanted.identifiers)
        return self.create(query.source, query.type, wanted, identifiers, None)

    def delete(self, profile_id: str) -> None:
        """Remove the profile and its events (P9, S12)."""
        with self.backend.unit():
            profile = self.existing(profile_id, None)
            if self.backend.on(Quirk.DELETED_PROFILE_READABLE):
                self.stale[profile_id] = profile
            keep_events = self.backend.on(Quirk.DELETE_KEEPS_EVENTS)
            keep_index = self.backend.on(Quirk.DELETED_IDENTIFIERS_KEPT)
            self.store.delete_profile(profile_id, delete_events=not keep_events, keep_index=keep_index)

    # Steps the event operations share

    def existing(self, profile_id: str | None, query: IdentifierQuery | None) -> Profile:
        """The profile with ``profile_id`` if given, else the one ``query`` matches; else 404."""
        if profile_id is not None:
            profile = self.store.get_profile(profile_id)
            if profile is None:
                raise ProfileNotFound.by_id(profile_id)
            return profile
        assert query is not None
        found = self.by_query(query)
        if found is None:
            raise ProfileNotFound.by_query(query.raw)
        return found

    def by_query(self, query: IdentifierQuery) -> Profile | None:
        if not query.identifier.value:  # only under the partial_identifier_query quirk
            wanted = (query.source, query.type)
            return next((p for p in self.store.profiles() if (p.source, p.type) == wanted), None)
        found = self.find_ids(query.source, query.type, [query.identifier])
        return self.store.get_profile(found[0]) if found else None

    def find_ids(self, source: str, type_: str, identifiers: list[Identifier]) -> list[str]:
        """Ids of the profiles that tracking or an identifier query finds: those of ``source`` and
        ``type_`` with any of ``identifiers`` (S9: "a matching combination of source, type, and
        identifier"); with a matching quirk on, more, the oldest first."""
        loose = [quirk for quirk in _LOOSE_MATCHING if self.backend.on(quirk)]
        if not loose:
            return sorted(self.store.profile_ids_for(source, type_, identifiers))
        any_type = Quirk.PROFILE_TYPE_IGNORED_IN_MATCH in loose
        return [
            profile.id
            for profile in self.store.profiles()
            if profile.source == source
            and (any_type or profile.type == type_)
            and any(_loosely(have, want, loose) for have in profile.identifiers for want in identifiers)
        ]

    def create(
        self,
        source: str,
        type_: str,
        wanted: ProfileInput,
        identifiers: list[Identifier],
        user_id: str | None,
    ) -> Profile:
        user = self.users.for_new_profile(identifiers, user_id)
        most = enforced(MAX_PROFILES_PER_USER, self.backend)
        capped = not self.backend.on(Quirk.PROFILE_CAP_IGNORED)
        if capped and len(self.store.user_profiles(user.id)) >= most:
            raise ProfileLimitExceeded(
                f"User {user.id} already has {MAX_PROFILES_PER_USER} profiles, the most a person "
                "can have; delete one first."
            )
        now = self.backend.clock()
        if self.backend.on(Quirk.PROFILE_ID_PER_SECOND):
            # The bug: the id of the second, saved over any profile that already has it.
            profile_id = self.backend.ids.second_ulid(now)
        else:
            profile_id = self.backend.new_id(now)
            while self.store.get_profile(profile_id) is not None:  # one imported with that id
                profile_id = self.backend.new_id(now)
        profile = Profile(
            id=profile_id,
            source=source,
            type=type_,
            name=self.name_for(wanted, identifiers),
            user_id=user.id,
            identifiers=list(identifiers),
            attributes=wanted.attributes or {},
            created_at=self.backend.timestamp(now),
            updated_at=self.backend.timestamp(now),
        )
        self.users.claim_identities(user, identifiers)
        self.store.save_profile(profile)
        return profile

    def add_identifiers(
        self, profile: Profile, new: list[Identifier], *, save: bool = True, claim: bool = True
    ) -> None:
        """Add the identifiers of ``new`` the profile lacks, and the standard ones to its user's
        identities (S1, S10), unless not ``claim``."""
        identifiers = merged(profile.identifiers, new)
        if len(identifiers) == len(profile.identifiers):
            return
        self.check_identifier_count(identifiers)
        self.check_no_other_profile(profile, identifiers)
        self.users.claim_identities(self.users.get(profile.user_id), identifiers, add=None if claim else ())
        profile.identifiers = identifiers
        if save:
            self._save(profile)

    def name_for(self, wanted: ProfileInput, identifiers: list[Identifier]) -> str:
        """The name sent, else the one Zendesk derives from the identifiers (S2)."""
        if wanted.name and not self.backend.on(Quirk.PROFILE_NAME_DROPPED):
            return wanted.name
        if self.backend.on(Quirk.DEFAULT_NAME_FROM_FIRST_IDENTIFIER):
            first = identifiers[0]
            return f"{first.type.capitalize()} user {first.value}"
        return default_name(identifiers)

    def check_identifier_count(self, identifiers: list[Identifier]) -> None:
        most = enforced(MAX_IDENTIFIERS, self.backend)
        if len(identifiers) > most and not self.backend.on(Quirk.IDENTIFIER_LIMIT_IGNORED):
            raise IdentifierLimitExceeded(
                f"The profile would have {len(identifiers)} identifiers; a profile has at most "
                f"{MAX_IDENTIFIERS}."
            )

    def check_no_other_profile(self, profile: Profile, identifiers: list[Identifier]) -> None:
        if self.backend.on(Quirk.PROFILE_WRITES_TAKE_IDENTIFIERS):  # reached by PUT and PATCH only
            return
        if self.store.profile_ids_for(profile.source, profile.type, identifiers) - {profile.id}:
            raise IdentifierConflict.between_profiles(profile.source, profile.type)

    def _save(self, profile: Profile) -> None:
        profile.updated_at = self.backend.timestamp(self.backend.clock())
        self.store.save_profile(profile)


#: The quirks that make a profile's key match more than exactly.
_LOOSE_MATCHING = (
    Quirk.PROFILE_TYPE_IGNORED_IN_MATCH,
    Quirk.IDENTIFIER_TYPE_IGNORED_IN_MATCH,
    Quirk.IDENTIFIER_PREFIX_MATCH,
)


def _loosely(have: Identifier, want: Identifier, loose: list[Quirk]) -> bool:
    """Whether ``want`` finds a profile's identifier ``have`` with the ``loose`` quirks on."""
    same_type = have.type == want.type or Quirk.IDENTIFIER_TYPE_IGNORED_IN_MATCH in loose
    prefix = Quirk.IDENTIFIER_PREFIX_MATCH in loose and have.value.startswith(want.value)
    return same_type and (have.value == want.value or prefix)


def check_owner(profile: Profile, user_id: str | None) -> None:
    """409 when a route names a user the profile does not belong to."""
    if user_id is not None and profile.user_id != user_id:
        raise ProfileUserMismatch(
            f"Profile {profile.id} belongs to user {profile.user_id}, not to user {user_id}."
        )
