"""pytest-zdevents: the conformance kit for the Zendesk Events API.

The package holds the OpenAPI contract (``openapi.yaml``), a stateful emulator of the API
(:mod:`pytest_zdevents.emulator`), the pytest plugin (:mod:`pytest_zdevents.plugin`) and the
conformance suite it runs (``contracts/``, run by ``zdevents-conformance``).
"""

from __future__ import annotations

__version__ = "0.1.0"
