"""What a contract works with, in one argument: the ``zd`` fixture."""

from __future__ import annotations

from dataclasses import dataclass

from pytest_zdevents.runtime.cleanup import Created
from pytest_zdevents.runtime.client import ZdClient
from pytest_zdevents.runtime.eventually import Eventually
from pytest_zdevents.runtime.isolation import Namespace
from pytest_zdevents.runtime.timeline import Timeline
from pytest_zdevents.runtime.tracking import Tracker


@dataclass(frozen=True)
class Kit:
    """The fixtures zd_client, zd_namespace, zd_created, zd_track and zd_eventually of one test."""

    client: ZdClient
    namespace: Namespace
    created: Created
    track: Tracker
    eventually: Eventually

    def timeline(self) -> Timeline:
        """A fresh profile to track marked events for and read them by scope."""
        return Timeline(self.track, self.eventually)
