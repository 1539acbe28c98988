"""Schema conformance: every operation in openapi.yaml, with generated valid and invalid input.

Source: openapi.yaml, written from seeds 000-002 and reference sections 1-6. schemathesis'
default checks hold the target to it: documented status codes and response schemas, no 5xx,
valid input accepted, invalid input refused with a 4xx, credentials enforced.

The target is the embedded emulator, called in-process. Choosing another target (``--zd-url``)
comes with the pytest plugin.
"""

from __future__ import annotations

import schemathesis

from pytest_zdevents.emulator import Emulator
from pytest_zdevents.spec import spec_path

EMAIL = "conformance@example.com"
TOKEN = "conformance-token"

emulator = Emulator(email=EMAIL, token=TOKEN)
schema = schemathesis.openapi.from_path(spec_path())
# Configure before any operation is built: schemathesis caches operations with their target.
schema.app = emulator.app
schema.config.update(basic_auth=(f"{EMAIL}/token", TOKEN))
schema.config.generation.update(max_examples=25)


@schema.parametrize()
def test_operation_conforms_to_the_spec(case: schemathesis.Case) -> None:
    """Every response of the target matches openapi.yaml for generated input."""
    case.call_and_validate()
