"""Optional parts of the API: a target that lacks one is skipped there, never failed."""

from __future__ import annotations

import httpx
import pytest

#: How a server says it does not have an operation at all.
UNSUPPORTED = frozenset({404, 405, 501})


def require_operation(response: httpx.Response, operation: str) -> httpx.Response:
    """Skip the test when ``response`` says the optional ``operation`` is not there; else
    return the response. Only for requests that would succeed on a server that has it."""
    if response.status_code in UNSUPPORTED:
        pytest.skip(
            f"The target answered {response.status_code} to {operation}, an optional operation; "
            "the contracts that need it are skipped."
        )
    return response
