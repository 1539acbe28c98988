"""Schema conformance in sequences: operations chained along the spec's links answer as the docs
describe, and what one answer created or deleted reads so afterwards.

schemathesis' stateful phase follows the `links` of openapi.yaml: it tracks an event, reads the
profile by the id the 202 names, deletes it, reads it again, pages on with `meta.after_cursor`.
Each request goes through the suite's client (credentials, 429 retries, budget) and each answer is
checked as in test_schema.py, against the same view of the spec, and by the two checks only a
sequence can make: a resource just created is there (ensure_resource_availability), and one
deleted is gone (use_after_free). A deleted profile's events may read as an empty page: the docs
do not say that such a read answers 404.

Generated bodies keep their shape but take the suite's sources and types and fresh namespaced
identifier values, as every other contract's data does; the profiles they create are deleted at
the end of the run. At most ``--zd-max-examples`` scenarios of ``STEPS`` requests each.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
import schemathesis
from hypothesis import settings
from schemathesis.core.failures import FailureGroup
from schemathesis.core.transport import Response
from schemathesis.openapi.checks import EnsureResourceAvailability, UseAfterFree
from schemathesis.specs.openapi.checks import ensure_resource_availability, use_after_free

from pytest_zdevents.runtime.cases import RESPONSE_CHECKS, isolate, register, send
from pytest_zdevents.runtime.cleanup import Created
from pytest_zdevents.runtime.client import BudgetExhausted, ZdClient
from pytest_zdevents.runtime.eventually import Eventually
from pytest_zdevents.runtime.isolation import (
    Namespace,
)
from pytest_zdevents.runtime.session import current
from pytest_zdevents.runtime.target import EMBEDDED_URL

CONTRACT = "schema.sequences.conform"
#: The rule of schemathesis' state machine that starts a scenario: a track (E5) of generated input.
ROOT = "RANDOM__POST_api_v2_user_profiles_events"
#: Requests in one scenario: at most --zd-max-examples x STEPS in all (24 against a URL by default).
STEPS = 8
DELETED_PROFILE_EVENTS = "GET /api/v2/user_profiles/{profile_id}/events"


def deleted_is_gone(ctx: Any, response: Response, case: schemathesis.Case) -> bool | None:
    """use_after_free, except that a deleted profile's events may read as an empty page: S12
    promises they are deleted, not that the read answers 404."""
    if case.operation.label == DELETED_PROFILE_EVENTS and response.status_code == 200:
        try:
            if not response.json().get("events"):
                return None
        except (ValueError, AttributeError):
            pass
    return use_after_free(ctx, response, case)


#: The single-response checks of test_schema.py, and the two that only a sequence can make.
CHECKS = [*RESPONSE_CHECKS, deleted_is_gone, ensure_resource_availability]

session = current()
config = session.config
spec = copy.deepcopy(session.spec())  # shared: the changes below stay in this copy
# A track's profile.user_id (emulator-defined: the docs list the key, not its effect) names a user
# no operation creates, so schemathesis would not start a scenario with a track; a generated one
# names no user anyway. The copy of the spec the machine generates from leaves it out.
spec["components"]["schemas"]["TrackProfileInput"]["properties"].pop("user_id", None)
# Property and attribute values are generated as strings, which every server takes (seed 000: "All
# numbers must be strings"); booleans, null and nesting are the emulator's choices, which another
# server may refuse, leaving nothing to chain (and costing most of the generation time).
spec["components"]["schemas"]["PropertyValue"] = {"type": "string"}
schema = schemathesis.openapi.from_dict(spec)
# Configure before any operation is built: schemathesis caches operations with their target.
schema.config.update(base_url=config.url or EMBEDDED_URL)
schema.config.generation.update(
    # Valid input only: refusing invalid input is test_schema.py's and the other contracts' part;
    # a sequence needs answers that name what the next step takes.
    modes=["positive"],
    with_security_parameters=False,
    database="none",
)
schema.config.phases.update(phases=["stateful"])
#: Operations of an optional part of the API that the capabilities file says the target lacks.
LACKING = [
    operation["operationId"]
    for path_item in spec["paths"].values()
    for operation in path_item.values()
    if isinstance(operation, dict)
    and "x-zdevents-capability" in operation
    and session.capabilities.missing([operation["x-zdevents-capability"]]) is not None
]
if LACKING:
    schema = schema.exclude(operation_id=LACKING)


def machine(
    client: ZdClient, created: Created, namespace: Namespace, eventually: Eventually, limit: int
) -> type:
    """schemathesis' state machine for the spec's links, sending through ``client``."""
    embedded = config.url is None
    spent = [0]
    failed: list[BaseException] = []

    base = schema.as_state_machine()

    class Sequences(base):  # type: ignore[misc,valid-type]
        root_rules = frozenset(rule for rule in base.root_rules if rule == ROOT)

        def before_call(self, case: schemathesis.Case) -> None:
            isolate(case, namespace)

        def call(self, case: schemathesis.Case, **kwargs: Any) -> Response:
            if spent[0] >= limit and not failed:
                # The contract's requests are spent: the run of scenarios ends here. (After a
                # failure hypothesis replays the failing scenario once to report it: that is sent.)
                raise Spent
            spent[0] += 1
            try:
                response = send(client, case)
            except BudgetExhausted as exc:
                raise Spent from exc
            register(created, case, response)
            return Response.from_any(response)

        def validate_response(
            self, response: Response, case: schemathesis.Case, additional_checks: Any = None, **kwargs: Any
        ) -> None:
            capability = case.operation.definition.raw.get("x-zdevents-capability")
            if capability is not None and response.status_code in (405, 501):
                try:  # fails when the capabilities file declares the operation, else skips
                    session.capabilities.require_operation(response, case.operation.label, capability)  # type: ignore[arg-type]
                except pytest.skip.Exception:
                    return  # not implemented: an optional operation, not a conformance failure
            try:
                case.validate_response(response, checks=CHECKS, recorder=self.recorder)
            except FailureGroup as group:
                explain(group)
                if embedded or not _sequence_only(group):
                    failed.append(group)
                    raise
                # A real server may show a write or a delete only after a while, as every other
                # contract's reads allow: send the read again until it answers as it must.
                try:
                    eventually(lambda: self._again(case))
                except BaseException:
                    failed.append(group)
                    raise

        def _again(self, case: schemathesis.Case) -> None:
            response = Response.from_any(send(client, case))
            self.recorder.record_response(case_id=case.id, response=response)
            case.validate_response(response, checks=CHECKS, recorder=self.recorder)

    for rule in base.root_rules - Sequences.root_rules:
        # Scenarios start with a track only: schemathesis would also start them with reads of
        # random profile ids and identifier queries, which find nothing and lead nowhere.
        setattr(Sequences, rule, None)
    return Sequences


class Spent(BaseException):
    """The contract's share of requests, or the run's budget, is spent: raised through
    hypothesis, which would take an Exception for a failure and replay it."""


#: What the docs promise that each of the two sequence checks holds a target to.
PROMISES = {
    UseAfterFree: (
        "A deleted profile is gone: DELETE /api/v2/user_profiles/{profile_id} deletes the profile "
        "and its events (S2; S12: 'Deleting a profile is the only way to delete events'), and "
        "reading a profile that does not exist answers 404 (S2)."
    ),
    EnsureResourceAvailability: (
        "An accepted track stores its event against a profile of a Zendesk user (S1), so the events "
        "of that profile or user read as a page (S1), not as 404."
    ),
}


def explain(group: FailureGroup) -> None:
    """Add to a failure of the sequence checks the promise of the docs it breaks."""
    for kind, promise in PROMISES.items():
        if any(isinstance(failure, kind) for failure in group.exceptions):
            group.add_note(promise)


def _sequence_only(group: FailureGroup) -> bool:
    return all(isinstance(failure, UseAfterFree | EnsureResourceAvailability) for failure in group.exceptions)


@pytest.mark.contract("schema.sequences.conform")
def test_operations_chained_by_links_answer_as_the_spec_describes(
    zd_client: ZdClient, zd_created: Created, zd_namespace: Namespace, zd_eventually: Eventually
) -> None:
    """Scenarios of up to STEPS requests, each starting with a generated track and following the
    spec's links from earlier answers; every answer checked with CHECKS, against the spec's
    documented view for any target but the embedded emulator as it ships."""
    limit = config.max_examples * STEPS
    workflow = machine(zd_client, zd_created, zd_namespace, zd_eventually, limit)
    try:
        workflow.run(
            settings=settings(
                workflow.TestCase.settings, max_examples=config.max_examples, stateful_step_count=STEPS
            )
        )
    except Spent as spent:
        if isinstance(spent.__cause__, BudgetExhausted):
            raise spent.__cause__ from None  # the run's budget: the plugin stops the run
