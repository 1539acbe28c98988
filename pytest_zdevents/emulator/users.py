"""Zendesk users as the Profiles API links profiles to them: identities and anonymous users (S2)."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from .backend import Backend
from .errors import UserConflict, UserNotFound
from .identifiers import STANDARD_TYPES
from .model import Identifier, User
from .switches import Quirk, Variation

ANONYMOUS_USER_NAME = "sunshine_user"  # seed 000: "an anonymous Zendesk user named sunshine_user"


class Users:
    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.store = backend.store

    def get(self, user_id: str) -> User:
        user = self.store.get_user(user_id)
        if user is None:
            raise UserNotFound.by_id(user_id)
        return user

    def check_exists(self, user_id: str | None) -> None:
        """404 unless ``user_id`` is None or names a user."""
        if user_id is not None and self.store.get_user(user_id) is None:
            raise UserNotFound.by_id(user_id)

    def for_new_profile(self, identifiers: list[Identifier], user_id: str | None) -> User:
        """The given user, else the one owning a standard identifier, else a new anonymous one
        (S2: "first looks for a Zendesk user who has a Zendesk identity that matches")."""
        in_order = (
            []
            if self.backend.on(Quirk.ANONYMOUS_USER_PER_PROFILE) and user_id is None
            else [owner for owner in map(self.store.identity_owner, standard(identifiers)) if owner]
        )
        owners = set(in_order)
        if user_id is not None:
            owners.discard(user_id)
            if owners:
                raise UserConflict.between_users(identifiers)
            return self.get(user_id)
        if len(owners) > 1 and not self.backend.on(Quirk.USER_CONFLICT_FIRST_WINS):
            raise UserConflict.between_users(identifiers)
        if owners:
            return self.get(in_order[0])
        shared = self.backend.on(Quirk.ANONYMOUS_USER_SHARED)
        if shared and (user := self.store.get_user(self._shared_id())) is not None:
            return user
        user = User(id=self._shared_id() if shared else self._new_id(), name=ANONYMOUS_USER_NAME)
        self.store.save_user(user)
        return user

    def _shared_id(self) -> str:
        """The one anonymous user of the anonymous_user_shared quirk: 1000…0001."""
        digits = 14 if self.backend.on(Variation.OTHER_IDS) else 12
        return "1" + "0" * (digits - 2) + "1"

    def _new_id(self) -> str:
        digits = 14 if self.backend.on(Variation.OTHER_IDS) else 12
        while True:
            user_id = self.backend.ids.user_id(digits)
            if self.store.get_user(user_id) is None:
                return user_id

    def claim_identities(
        self, user: User, identifiers: Iterable[Identifier], *, add: Collection[Identifier] | None = None
    ) -> None:
        """Add the standard identifiers to the user's identities (S2), or only those of them in
        ``add``; any of them that another user has is a conflict either way. An external id is a
        single attribute of the user, so a user that has one keeps it (S11)."""
        new = []
        has_external_id = any(i.type == "external_id" for i in user.identities)
        for identity in standard(identifiers):
            owner = self.store.identity_owner(identity)
            if owner == user.id or (identity.type == "external_id" and has_external_id):
                continue
            if owner is None:
                if add is None or identity in add:
                    new.append(identity)
                    has_external_id = has_external_id or identity.type == "external_id"
            elif not (
                self.backend.on(Quirk.ANONYMOUS_USER_PER_PROFILE)
                or self.backend.on(Quirk.USER_CONFLICT_FIRST_WINS)
            ):
                raise UserConflict.between_users([identity])
        if new:
            user.identities.extend(new)
            self.store.save_user(user)

    def after_replace(self, user: User, old: list[Identifier], new: list[Identifier]) -> None:
        """What a PUT that replaces a profile's identifiers ``old`` with ``new`` does to its user
        (S11): standard identifiers the new version adds are added to the user if missing; when it
        has fewer standard identifiers, or another value of a standard type it had, the user
        record is not changed."""
        before, after = standard(old), standard(new)
        if self.backend.on(Quirk.PUT_REPLACES_IDENTITIES):
            user.identities = [i for i in user.identities if i not in before or i in after]
            self.store.save_user(user)
            self.claim_identities(user, after)
            return
        changed_types = {identifier.type for identifier in before if identifier not in after}
        added = [i for i in after if i not in before and i.type not in changed_types]
        if len(after) < len(before) or self.backend.on(Quirk.PUT_IDENTITIES_NOT_ADDED):
            added = []
        self.claim_identities(user, after, add=added)


def standard(identifiers: Iterable[Identifier]) -> list[Identifier]:
    """The identifiers that link a profile to a user (S2, S11)."""
    return [identifier for identifier in identifiers if identifier.type in STANDARD_TYPES]
