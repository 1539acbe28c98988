"""Sending a schemathesis case through the suite's client, for the schema contracts."""

from __future__ import annotations

from typing import Any

import httpx
import schemathesis

from pytest_zdevents.runtime.client import ZdClient


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
