"""One run of an action, as this process knows it: its progress, how it ended, the row it is in the
database (:class:`data.JobRow`) and its wire form (``to_json``), and its result in words. The runs are
started, kept and learned of by :class:`services.jobs.Jobs`."""

import asyncio
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from data import JobRow
from data.clock import utcnow
from data.models import JobStatus

from .progress import Progress


@dataclass
class Job:
    id: str
    action: str
    progress: Progress
    started_by: str = ""
    status: JobStatus = JobStatus.RUNNING
    error: str | None = None
    started_at: datetime = field(default_factory=utcnow)
    finished_at: datetime | None = None
    replica: str = ""  # the replica that runs it
    finished: asyncio.Event = field(default_factory=asyncio.Event, repr=False)

    @property
    def running(self) -> bool:
        return self.status == JobStatus.RUNNING

    @classmethod
    def from_row(cls, row: JobRow) -> "Job":
        job = cls(row.id, row.action, Progress(), row.started_by, started_at=row.started_at)
        job.update(row)
        return job

    def update(self, row: JobRow) -> bool:
        """Take the row's values; whether anything changed."""
        before = self.to_json()
        self.status, self.error, self.finished_at = JobStatus(row.status), row.error, row.finished_at
        self.replica, progress = row.replica, self.progress
        progress.total, progress.done, progress.counts = row.total, row.done, Counter(row.counts)
        progress.problems = list(row.problems)
        if not self.running:
            self.finished.set()
        return self.to_json() != before

    def row(self) -> JobRow:
        done, total, counts = self.progress.done, self.progress.total, dict(self.progress.counts)
        mine = (self.id, self.action, self.status, self.started_by, self.replica, self.started_at, utcnow())
        problems = list(self.progress.problems)
        return JobRow(*mine, done, total, counts, self.error, self.finished_at, problems)

    def result(self) -> str:
        """How it ended, in words: "3 created", "succeeded with 2 errors: …", "failed: …"."""
        if self.status == JobStatus.FAILED:
            return f"failed: {self.error}"
        summary, failed = self.progress.summary(), self.progress.failed
        if failed:
            more = failed - len(self.progress.problems)
            named = "; ".join([*self.progress.problems, *([f"and {more} more"] if more > 0 else [])])
            errors = "1 error" if failed == 1 else f"{failed} errors"
            return f"{summary} · succeeded with {errors}: {named}"
        return summary

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "action": self.action,
            "started_by": self.started_by,
            "status": str(self.status),  # the wire string: running | succeeded | failed
            "progress": {"done": self.progress.done, "total": self.progress.total},
            "counts": dict(self.progress.counts),
            "error": self.error,
            "problems": list(self.progress.problems),
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "replica": self.replica,
        }
