"""pytest-zdevents: the conformance kit for the Zendesk Events API.

The package holds the OpenAPI contract (``openapi.yaml``), a stateful emulator of the API
(:mod:`pytest_zdevents.emulator`) and, later, the pytest plugin that runs the conformance suite.
"""

from __future__ import annotations

__version__ = "0.1.0"
