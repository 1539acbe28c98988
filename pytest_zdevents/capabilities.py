"""Optional parts of the API: a target that lacks one is skipped there, never failed."""

from __future__ import annotations

import httpx
import pytest

#: How a server says it does not have an operation at all.
UNSUPPORTED = frozenset({404, 405, 501})


#: The Profiles API's writes (P4-P9, by operationId in openapi.yaml): optional for the suite.
OPTIONAL_OPERATIONS = frozenset(
    {
        "putUserProfile",
        "putProfileByIdentifier",
        "replaceProfile",
        "patchProfile",
        "patchProfileByIdentifier",
        "deleteProfile",
    }
)


def require_operation(
    response: httpx.Response, operation: str, unsupported: frozenset[int] = UNSUPPORTED
) -> httpx.Response:
    """Skip the test when ``response`` says the optional ``operation`` is not there; else
    return the response. Only for requests that would succeed on a server that has it; where
    a 404 can be a real answer, pass ``unsupported={405, 501}``."""
    if response.status_code in unsupported:
        pytest.skip(
            f"The target answered {response.status_code} to {operation}, an optional operation; "
            "the contracts that need it are skipped."
        )
    return response
