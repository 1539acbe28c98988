"""Cleaning up after a run: the profiles it created, deleted at the end. Never anything else."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import httpx

from pytest_zdevents.runtime.client import RUN, ZdClient
from pytest_zdevents.runtime.paths import profile_path


class Created:
    """Profiles this run created, to delete at the end. Never anything it did not create."""

    def __init__(self) -> None:
        self._ids: dict[str, None] = {}
        self._lock = threading.Lock()

    def add(self, profile_id: str) -> None:
        with self._lock:
            self._ids[profile_id] = None

    def add_from(self, response: httpx.Response) -> None:
        """Register the profile a track answer names, if the request was accepted: a request
        that should have been refused but was not must still be cleaned up."""
        if 200 <= response.status_code < 300:
            try:
                profile_id = response.json().get("profile_id")
            except (ValueError, AttributeError):
                return
            if profile_id:
                self.add(str(profile_id))

    def discard(self, profile_id: str) -> None:
        with self._lock:
            self._ids.pop(profile_id, None)

    def ids(self) -> list[str]:
        with self._lock:
            return list(self._ids)


@dataclass
class CleanupReport:
    """What clean-up did: how many profiles it tried to delete, and those it could not. Plain data,
    so that xdist workers hand theirs to the controller, which prints one line for the run."""

    ran: bool = False
    created: int = 0
    failures: list[str] = field(default_factory=list)

    def merge(self, other: CleanupReport) -> None:
        self.ran = self.ran or other.ran
        self.created += other.created
        self.failures += other.failures

    def lines(self) -> list[str]:
        """The terminal summary's lines: none when clean-up did not run (the embedded emulator)."""
        if not self.ran:
            return []
        deleted = self.created - len(self.failures)
        lines = [f"pytest-zdevents deleted {deleted} of the {self.created} profiles it created."]
        if self.failures:
            lines.append("It could not delete these; delete them by hand: " + ", ".join(self.failures))
        return lines


def delete_created(client: ZdClient, created: Created) -> CleanupReport:
    """Delete every profile the run created and has not deleted already (best effort). Its
    requests count for the run, not for the test whose teardown it happens in."""
    report = CleanupReport(ran=True, created=len(created.ids()))
    with client.budget.owner(RUN):
        for profile_id in created.ids():
            if profile_path(profile_id) in getattr(client, "deleted", ()):
                continue  # a contract's own DELETE removed it: nothing left to delete
            try:
                status = client.delete(profile_path(profile_id)).status_code
            except Exception as exc:
                report.failures.append(f"{profile_id} ({type(exc).__name__}: {exc})")
                continue
            if status not in (204, 404):
                report.failures.append(f"{profile_id} (HTTP {status})")
    return report
