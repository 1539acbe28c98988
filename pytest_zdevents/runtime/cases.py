"""Sending a schemathesis case through the suite's client, for the schema contracts."""

from __future__ import annotations

import contextlib
from typing import Any

import httpx
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from pytest_zdevents.runtime.cleanup import Created
from pytest_zdevents.runtime.client import ZdClient
from pytest_zdevents.runtime.isolation import (
    CUSTOM_TYPE,
    EVENT_SOURCES,
    EVENT_TYPES,
    PROFILE_SOURCE,
    PROFILE_TYPE,
    Namespace,
    identifier_query,
    recent_instant,
)
from pytest_zdevents.runtime.timestamps import stamp

#: What every answer of a schema contract is checked for: no 5xx, and the status codes, content
#: types, headers and bodies of the spec (the view the contract applies).
RESPONSE_CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def send(client: ZdClient, case: schemathesis.Case) -> httpx.Response:
    """Send ``case`` as schemathesis would, but through ``client``: its credentials, 429 retries,
    budget and log."""
    kwargs = case.as_transport_kwargs(base_url=client.base_url)
    body: dict[str, Any] = {}
    if "json" in kwargs:
        body["json"] = kwargs["json"]
    elif "data" in kwargs:
        data = kwargs["data"]
        body["content" if isinstance(data, bytes | str) else "data"] = data
    return client.request(
        kwargs["method"], kwargs["url"], params=kwargs.get("params"), headers=kwargs.get("headers"), **body
    )


def isolate(case: schemathesis.Case, namespace: Namespace) -> None:
    """Give a generated request the suite's sources and types, fresh identifier values of a
    custom type and a recent created_at (the catalogue's rules on test data); its shape stays."""
    body = case.body
    if isinstance(body, dict):
        event, profile = body.get("event"), body.get("profile")
        if isinstance(event, dict):
            event.update(source=EVENT_SOURCES[0], type=EVENT_TYPES[0])
            if "created_at" in event:
                event["created_at"] = stamp(recent_instant())
        if isinstance(profile, dict):
            if "source" in profile or "event" in body:
                profile.update(source=PROFILE_SOURCE, type=PROFILE_TYPE)
            profile.pop("user_id", None)  # a generated user id names no user
            if isinstance(profile.get("identifiers"), list):
                profile["identifiers"] = [namespace.identifier(CUSTOM_TYPE) for _ in profile["identifiers"]]
    if isinstance(case.query, dict) and "identifier" in case.query and case.method.upper() != "GET":
        case.query["identifier"] = identifier_query(namespace.identifier(CUSTOM_TYPE))


def register(created: Created, case: schemathesis.Case, response: httpx.Response) -> None:
    """Register for clean-up the profile an accepted track or PUT names."""
    method = case.method.upper()
    if method == "POST":
        created.add_from(response)
    elif method == "PUT" and response.is_success:
        with contextlib.suppress(ValueError, KeyError, TypeError):
            created.add(str(response.json()["profile"]["id"]))
