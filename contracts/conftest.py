"""Hypothesis settings for the conformance suite's properties.

Every example sends requests, so examples are few (``--zd-max-examples``), there is no deadline,
and no example database: a run against a shared target must not replay another run's data.
Examples come from the run's seed, printed in the header, in CI too.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings

from pytest_zdevents.fixtures import session_config


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    settings.register_profile(
        "zdevents",
        max_examples=session_config().max_examples,
        deadline=None,
        database=None,
        # Hypothesis's CI profile derandomizes; the suite's seed (--zd-seed) decides instead.
        derandomize=False,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    settings.load_profile("zdevents")
