"""Schema conformance: every operation in openapi.yaml answers as the docs describe.

schemathesis generates valid and invalid input for every operation and sends it through the
suite's client (credentials, 429 retries, budget). Checked: no 5xx, documented status codes,
content types, response headers and response bodies. Every target but the embedded emulator as
it ships is held to the spec's *documented view* (:mod:`pytest_zdevents.spec.view`), which
enforces none of the emulator's own choices: id and cursor shapes, page-size maximum, error
statuses and bodies the docs do not give. Not checked here: whether input is accepted or
refused; the other contract files hold targets to what the docs promise about input.
"""

from __future__ import annotations

import pytest
import schemathesis

from pytest_zdevents.runtime.cases import RESPONSE_CHECKS, isolate, register, send
from pytest_zdevents.runtime.cleanup import Created
from pytest_zdevents.runtime.client import ZdClient
from pytest_zdevents.runtime.isolation import Namespace
from pytest_zdevents.runtime.session import current
from pytest_zdevents.runtime.target import EMBEDDED_URL

#: The ID of this module's one contract, as in its marker below.
CONTRACT = "schema.operations.conform"
CHECKS = RESPONSE_CHECKS

session = current()
config = session.config
schema = schemathesis.openapi.from_dict(session.spec())
# Configure before any operation is built: schemathesis caches operations with their target.
schema.config.update(base_url=config.url or EMBEDDED_URL)
schema.config.generation.update(
    max_examples=config.max_examples,
    # Credentials come from the suite's client; the auth contracts test refusing bad ones.
    with_security_parameters=False,
    database="none",
    # Shrinking resends every smaller example: against a URL a broken operation would cost
    # minutes; the failing example is reported as found.
    no_shrink=config.url is not None,
)
if not config.selects(CONTRACT) or session.collect_only:
    # Deselected or only collected: schemathesis would still build the examples and coverage
    # cases of every operation while collecting, seconds of work for tests that will not run.
    schema.config.phases.update(phases=["fuzzing"])
elif config.url is not None or config.read_only:
    # The coverage phase sends hundreds of requests an operation whatever --zd-max-examples
    # says, and tries POST, PUT and DELETE on read operations; a real or rate-limited target,
    # and a read-only run, get the examples and the capped fuzzing only.
    schema.config.phases.update(phases=["examples", "fuzzing"])


@pytest.mark.contract("schema.operations.conform")
@schema.parametrize()
def test_operation_answers_as_the_spec_describes(
    case: schemathesis.Case, zd_client: ZdClient, zd_namespace: Namespace, zd_created: Created
) -> None:
    """Each case schemathesis generates is sent through the suite's client and its response checked
    with CHECKS, against the spec's documented view for any target but the embedded emulator as
    it ships. Against a URL a case carries the suite's sources, types and identifiers (the
    catalogue's rules on test data: never the docs' examples, which may be a tenant's own), and
    every profile it creates is deleted at the end of the run."""
    # The optional part of the API the operation belongs to, if any (profile_writes, ...).
    capability = case.operation.definition.raw.get("x-zdevents-capability")
    if capability is not None:
        reason = session.capabilities.missing([capability])
        if reason is not None:
            pytest.skip(reason)
    if config.url is not None:
        isolate(case, zd_namespace)
    response = send(zd_client, case)
    register(zd_created, case, response)
    if capability is not None:
        # 404 is a documented answer here (unknown profile); 405 and 501 say "not implemented".
        session.capabilities.require_operation(
            response, case.operation.label, capability, unsupported=frozenset({405, 501})
        )
    case.validate_response(response, checks=CHECKS)
