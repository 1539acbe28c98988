"""Every refusal the emulator answers, one exception class per error code (as moto's).

Each class carries its HTTP ``status``, its ``code`` and a default ``title``; raising one names the
error once, where the rule is. ``detail`` is the full sentence saying what was wrong and what to
send instead. How an error is written on the wire (the errors envelope, or a variation's body) is
the HTTP layer's business: :mod:`.views`. ``docs/emulator.md`` ("Error codes") lists them all, and a
test holds that table and these classes to each other.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import ClassVar

from .model import Identifier


class ApiError(Exception):
    """A request the emulator refuses. Subclasses set ``status``, ``code`` and ``title``."""

    status: int = 500
    code: ClassVar[str]
    title: str = "Internal server error"
    #: Whether Zendesk's docs show the code (S1): the error_codes_generic variation keeps it.
    documented: ClassVar[bool] = False

    def __init__(
        self, detail: str | None = None, *, title: str | None = None, headers: Mapping[str, str] | None = None
    ) -> None:
        if title is not None:
            self.title = title
        self.detail = detail or self.title
        self.headers = dict(headers or {})
        super().__init__(f"{self.status} {self.code}: {self.detail}")


# Statuses


class BadRequest(ApiError):
    status = 400


class Unauthorized(ApiError):
    status = 401


class Forbidden(ApiError):
    status = 403


class NotFound(ApiError):
    status = 404
    code = "NotFound"
    title = "Not found"


class Conflict(ApiError):
    status = 409


# 400: reading events (E1, E2, E3)


class StartTimestampNotValid(BadRequest):
    code = "StartTimestampNotValid"
    title = "Start Timestamp not valid"
    documented = True


class EndTimestampNotValid(BadRequest):
    code = "EndTimestampNotValid"
    title = "End Timestamp not valid"


class TypeFilterRequiresSource(BadRequest):
    code = "TypeFilterRequiresSource"
    title = "filter[type] requires filter[source]"


class InvalidFilter(BadRequest):
    code = "InvalidFilter"
    title = "Filter not valid"


class InvalidPageSize(BadRequest):
    code = "InvalidPageSize"
    title = "Page size not valid"


class InvalidCursor(BadRequest):
    code = "InvalidCursor"
    title = "Cursor not valid"


class InvalidIdentifierQuery(BadRequest):
    code = "InvalidIdentifierQuery"
    title = "Identifier query not valid"


class InvalidUserId(BadRequest):
    code = "InvalidUserId"
    title = "Invalid attribute"


class InvalidQueryString(BadRequest):
    code = "InvalidQueryString"
    title = "Query string is not UTF-8"


class InvalidHost(BadRequest):
    code = "InvalidHost"
    title = "Invalid Host header"


# 400: request bodies


class InvalidJson(BadRequest):
    code = "InvalidJson"
    title = "Request body is not valid JSON"


class MissingField(BadRequest):
    code = "MissingField"
    title = "Required field missing"


class InvalidFieldType(BadRequest):
    code = "InvalidFieldType"
    title = "Field has the wrong type"


class InvalidFieldValue(BadRequest):
    code = "InvalidFieldValue"
    title = "Field is empty"


class NumbersMustBeStrings(BadRequest):
    code = "NumbersMustBeStrings"
    title = "All numbers must be strings"


class ProtectedSource(BadRequest):
    code = "ProtectedSource"
    title = "Protected source name"


class NameTooLong(BadRequest):
    """A source or type over its length limit; each field has a code of its own."""


class InvalidEventSourceLength(NameTooLong):
    code = "InvalidEventSourceLength"


class InvalidEventTypeLength(NameTooLong):
    code = "InvalidEventTypeLength"


class InvalidProfileSourceLength(NameTooLong):
    code = "InvalidProfileSourceLength"


class InvalidProfileTypeLength(NameTooLong):
    code = "InvalidProfileTypeLength"


class InvalidIdentifierTypeLength(NameTooLong):
    code = "InvalidIdentifierTypeLength"


class TooManyIdentifiers(BadRequest):
    code = "TooManyIdentifiers"
    title = "Too many identifiers"


class CreatedAtNotValid(BadRequest):
    code = "CreatedAtNotValid"
    title = "Created at timestamp not valid"


class NestingTooDeep(BadRequest):
    code = "NestingTooDeep"
    title = "Nesting too deep"


# 400: the control plane


class InvalidState(BadRequest):
    code = "InvalidState"
    title = "State not valid"


class InvalidSettings(BadRequest):
    code = "InvalidSettings"
    title = "Settings not valid"


# 401, 403


class MissingOrInvalidAuthentication(Unauthorized):
    code = "MissingOrInvalidAuthentication"
    title = "Invalid or Missing Authentication"


class PermissionDenied(Forbidden):
    code = "PermissionDenied"
    title = "Insufficient permissions to perform operation"


class ForeignHost(Forbidden):
    """Control plane: a ``Host`` that is not loopback, an IP address or an allowed host (DNS
    rebinding)."""

    code = "ForeignHost"
    title = "Host not served"


class CrossSiteRequest(Forbidden):
    """Control plane: a request a browser sent from another site (``Origin``, ``Sec-Fetch-Site``)."""

    code = "CrossSiteRequest"
    title = "Cross-site request"


# 404


class ProfileNotFound(NotFound):
    code = "ProfileNotFound"
    title = "Profile not found"

    @classmethod
    def by_id(cls, profile_id: str) -> ProfileNotFound:
        return cls(f"There is no profile with id {profile_id}.")

    @classmethod
    def by_query(cls, raw_query: str | None) -> ProfileNotFound:
        return cls(f"No profile matches the identifier query {raw_query!r}.")


class UserNotFound(NotFound):
    code = "UserNotFound"
    title = "User not found"

    @classmethod
    def by_id(cls, user_id: str) -> UserNotFound:
        return cls(f"There is no user with id {user_id}.")


# 405


class MethodNotAllowed(ApiError):
    status = 405
    code = "MethodNotAllowed"
    title = "Method not allowed"


class HttpError(ApiError):
    """A refusal of Starlette's routing other than 404: a control-plane route asked with a
    method it does not serve (405). The status is Starlette's."""

    status = 405
    code = "HttpError"

    def __init__(self, status: int, title: str, headers: Mapping[str, str] | None = None) -> None:
        self.status = status
        super().__init__(title=title, headers=headers)


# 409


class IdentifierConflict(Conflict):
    code = "IdentifierConflict"
    title = "Identifiers belong to more than one profile"

    @classmethod
    def between_profiles(cls, source: str, type_: str) -> IdentifierConflict:
        return cls(
            f"The identifiers match more than one {source}:{type_} profile; all identifiers must "
            "belong to a single profile (S2)."
        )


class UserConflict(Conflict):
    code = "UserConflict"
    title = "Identifiers belong to more than one user"

    @classmethod
    def between_users(cls, identifiers: Iterable[Identifier]) -> UserConflict:
        names = ", ".join(f"{i.type}:{i.value}" for i in identifiers)
        return cls(
            f"The identifiers ({names}) belong to different users; all identifiers must belong "
            "to a single user (S2)."
        )


class ProfileUserMismatch(Conflict):
    code = "ProfileUserMismatch"
    title = "Profile belongs to another user"


class ProfileLimitExceeded(Conflict):
    code = "ProfileLimitExceeded"
    title = "Too many profiles for this user"


class IdentifierLimitExceeded(Conflict):
    code = "IdentifierLimitExceeded"
    title = "Too many identifiers"


class StateRecordExists(Conflict):
    """An imported record whose id is taken; the code is the import's, ``InvalidState``."""

    code = "InvalidState"
    title = "Record exists"


# 408, 413, 415, 429, 499, 500


class RequestTimeout(ApiError):
    status = 408
    code = "RequestTimeout"
    title = "Request timeout"


class PayloadTooLarge(ApiError):
    status = 413
    code = "PayloadTooLarge"
    title = "Payload too large"


class UnsupportedMediaType(ApiError):
    status = 415
    code = "UnsupportedMediaType"
    title = "Unsupported media type"


class TooManyRequests(ApiError):
    status = 429
    code = "TooManyRequests"
    title = "Too Many Requests"


class ClientClosedRequest(ApiError):
    """The client went away before its body arrived (nginx's 499): nobody reads the answer, but
    the journal shows what happened."""

    status = 499
    code = "ClientClosedRequest"
    title = "Client closed request"


class InternalError(ApiError):
    status = 500
    code = "InternalError"
    title = "Internal server error"
