"""Hypothesis settings for the conformance suite's properties.

Every example sends requests, so examples are few (``--zd-max-examples``), there is no deadline,
and no example database: a run against a shared target must not replay another run's data.
Examples come from the run's seed, printed in the header, in CI too. Inside examples the
property contracts use only session fixtures and ``zd``, whose zd_eventually is one per test on
purpose: once a read has waited the whole timeout, the test's later examples fail at once.

Against a URL a failing property is not shrunk: every shrink sends its writes again and, on a
server that hides them, waits for them again, so the example that failed is reported as drawn.
Against the embedded emulator shrinking is cheap and stays on.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, Phase, settings

from pytest_zdevents.runtime.session import current

#: Phases against a URL: no shrinking, and so no explaining (which needs it).
REMOTE_PHASES = tuple(phase for phase in Phase if phase not in (Phase.shrink, Phase.explain))


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    zd_config = current().config
    settings.register_profile(
        "zdevents",
        max_examples=zd_config.max_examples,
        deadline=None,
        database=None,
        # Hypothesis's CI profile derandomizes; the suite's seed (--zd-seed) decides instead.
        derandomize=False,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        phases=REMOTE_PHASES if zd_config.url else tuple(Phase),
    )
    settings.load_profile("zdevents")
