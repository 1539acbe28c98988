"""The error envelope every 4xx and 5xx answer of the emulator uses.

Zendesk's Events and Profiles API documents ``{"errors": [{"code", "id", "title"}]}`` (S1, S2);
the emulator adds ``detail``, a full sentence saying what was wrong and what to send instead.
"""

from __future__ import annotations

import uuid
from typing import Any

#: The only error code the docs show for a real error (S1); the generic-codes variation keeps it.
DOCUMENTED_CODES = frozenset({"StartTimestampNotValid"})


class ApiError(Exception):
    """A request the emulator refuses, carrying the HTTP status and the error envelope fields."""

    def __init__(
        self,
        status: int,
        code: str,
        title: str,
        detail: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {code}: {detail or title}")
        self.status = status
        self.code = code
        self.title = title
        self.detail = detail or title
        self.headers = headers or {}

    def envelope(self, *, generic_codes: bool = False) -> dict[str, Any]:
        """The JSON body: one error with a fresh id.

        ``generic_codes`` is the legal variation that answers every 4xx with the code
        ``ClientError`` (the placeholder the Profiles docs show), except the documented ones.
        """
        code = self._code(generic_codes)
        return {
            "errors": [{"code": code, "id": str(uuid.uuid4()), "title": self.title, "detail": self.detail}]
        }

    def support_body(self, status: int, *, generic_codes: bool = False) -> dict[str, Any]:
        """The body Zendesk Support sends for a 4xx of ``status``, which the docs show on the
        routes under ``/api/v2/users/{user_id}`` (seed 001's 400 for a user id that is not an
        integer): the support_errors_on_user_routes variation."""
        if status == 404:
            return {"error": "RecordNotFound", "description": "Not found"}
        if status == 400:
            return {"error": {"title": "Invalid attribute", "message": self.detail}}
        return {"error": self._code(generic_codes), "description": self.detail}

    def _code(self, generic_codes: bool) -> str:
        generic = generic_codes and 400 <= self.status < 500 and self.code not in DOCUMENTED_CODES
        return "ClientError" if generic else self.code


#: Zendesk's generic 401 body, the unauthorized_generic_body variation (reference 6.3).
UNAUTHORIZED_GENERIC_BODY = {"error": "Couldn't authenticate you"}


def bad_request(code: str, title: str, detail: str | None = None) -> ApiError:
    return ApiError(400, code, title, detail)


def not_found(code: str, title: str, detail: str | None = None) -> ApiError:
    return ApiError(404, code, title, detail)


def conflict(code: str, title: str, detail: str | None = None) -> ApiError:
    return ApiError(409, code, title, detail)
