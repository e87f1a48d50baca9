"""Actions run as jobs: one at a time per action, with progress, a result and log lines."""

import asyncio
import logging
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from .progress import Progress
from .upstream import UpstreamError

log = logging.getLogger("airdate.jobs")

Action = Callable[[Progress], Awaitable[Progress]]
SCHEDULE = "the schedule"  # who starts the scheduled runs
KEEP_JOBS = 100


@dataclass
class Job:
    id: str
    action: str
    progress: Progress
    started_by: str = ""
    status: str = "running"  # running | succeeded | failed
    error: str | None = None
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    finished_at: datetime | None = None
    finished: asyncio.Event = field(default_factory=asyncio.Event, repr=False)

    @property
    def running(self) -> bool:
        return self.status == "running"

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "action": self.action,
            "started_by": self.started_by,
            "status": self.status,
            "progress": {"done": self.progress.done, "total": self.progress.total},
            "counts": dict(self.progress.counts),
            "error": self.error,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
        }


class Jobs:
    def __init__(self, actions: dict[str, Action]) -> None:
        self.actions = actions
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._listeners: list[Callable[[Job], None]] = []
        self._tasks: set[asyncio.Task] = set()

    def start(self, action: str, *, started_by: str) -> tuple[Job, bool]:
        """Start ``action`` unless it is already running; returns the job and whether it is new."""
        if action not in self.actions:
            raise KeyError(action)
        if (current := self.running(action)) is not None:
            return current, False
        job = Job(uuid.uuid4().hex[:12], action, Progress(), started_by)
        job.progress.on_change = lambda: self._changed(job)
        self._jobs[job.id] = job
        while len(self._jobs) > KEEP_JOBS:
            self._jobs.popitem(last=False)
        task = asyncio.create_task(self._run(job))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        log.info("%s started by %s", action, started_by)
        self._changed(job)
        return job, True

    def get(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def latest(self, action: str) -> Job | None:
        """The newest run of ``action`` (running or finished) this process knows of."""
        return next((job for job in reversed(self._jobs.values()) if job.action == action), None)

    async def run_in_turn(self, actions: tuple[str, ...], *, started_by: str) -> None:
        """Run ``actions`` one after the other (a run already under way is waited for, not doubled)."""
        for action in actions:
            job, _ = self.start(action, started_by=started_by)
            await self.wait(job)

    def running(self, action: str) -> Job | None:
        return next((job for job in self._jobs.values() if job.action == action and job.running), None)

    def listen(self, listener: Callable[[Job], None]) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    async def wait(self, job: Job) -> Job:
        await job.finished.wait()
        return job

    async def _run(self, job: Job) -> None:
        try:
            await self.actions[job.action](job.progress)
        except (UpstreamError, OSError, ValueError) as error:
            job.status, job.error = "failed", str(error)
            log.warning("%s failed: %s", job.action, error)
        except Exception as error:
            job.status, job.error = "failed", f"{type(error).__name__}: {error}"
            log.exception("%s failed unexpectedly", job.action)
        else:
            job.status = "succeeded"
            log.info("%s finished: %s", job.action, job.progress.summary())
        finally:
            job.finished_at = datetime.now(UTC)
            job.finished.set()
            self._changed(job)

    def _changed(self, job: Job) -> None:
        for listener in list(self._listeners):
            try:
                listener(job)
            except Exception:
                log.exception("a job listener failed")
