"""Actions run as jobs: one at a time per action on every replica together, with progress and a result.

Jobs are rows in the database (:mod:`data.jobs`), so any replica answers for any job and the "already
running" guard holds across replicas. A job runs on the replica that started it: that one tells its own
listeners of every step, writes the progress at most every ``PROGRESS_EVERY`` seconds and renews the
job's lease at least every third of ``lease``. Other replicas learn of it from the live feed's one read
per tick (:meth:`Jobs.take`; on PostgreSQL a write to ``jobs`` wakes every feed at once); any of them
that sees a running job whose lease ran out marks it failed, as does anyone starting that action. A
run, as this process knows it, is a :class:`services.job.Job`.
"""

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import timedelta

from data import Database, DatabaseError, JobRow
from data import jobs as table
from data.clock import utcnow
from data.listeners import Listeners
from data.models import JobStatus

from . import job_rows, units
from .job import Job
from .progress import Progress
from .upstream import UpstreamError

log = logging.getLogger("airdate.jobs")

Action = Callable[[Progress], Awaitable[Progress]]
SCHEDULE = "the schedule"  # who starts the scheduled runs
KEEP_JOBS = 100  # jobs kept in memory (the database keeps as many: data.jobs.KEEP_JOBS)
PROGRESS_EVERY = 0.5  # seconds between two writes of a running job's progress
LEASE_LOST = "stopped: its lease ran out while this replica could not renew it"


class Jobs:
    def __init__(
        self, actions: dict[str, Action], database: Database, *, replica: str = "airdate", lease: float = 30.0
    ) -> None:
        self.actions = actions
        self.database = database
        self.replica = replica
        self.lease = lease
        self.born = utcnow()
        self._jobs: OrderedDict[str, Job] = OrderedDict()  # run here, or learned from the database
        self._mine: set[str] = set()  # run here: what this process knows of them is the truth
        self._running: dict[str, tuple[Job, asyncio.Task]] = {}  # here
        self._unsaved: dict[str, JobRow] = {}  # finished here, not yet recorded (the database was down)
        self._lost: set[str] = set()  # jobs here that another replica marked failed (their lease ran out)
        self._chores: dict[str, asyncio.Task] = {}
        self._listeners: Listeners[[Job]] = Listeners(log, "a job listener failed")
        self.pause: Callable[[float], Awaitable[None]] = asyncio.sleep  # the keeper's period (tests drive it)

    async def start(self, action: str, *, started_by: str) -> tuple[Job, bool]:
        """Start ``action`` unless it is running (on any replica); returns the job and whether it is new.

        KeyError for an unknown action; DatabaseError when the database cannot be reached."""
        if action not in self.actions:
            raise KeyError(action)
        outcome = await asyncio.to_thread(
            job_rows.start_run, self.database, action, started_by, self.replica, self.lease
        )
        self._failed(outcome.expired)
        if not outcome.started:  # the running one: ours as we know it, or another replica's
            return self._learn(outcome.job), False
        job = Job.from_row(outcome.job)
        job.progress.on_change = lambda: self._changed(job)
        self._mine.add(job.id)
        self._remember(job)
        task = asyncio.create_task(self._run(job), name=f"airdate-job-{action}")
        self._running[job.id] = job, task
        task.add_done_callback(lambda _: self._running.pop(job.id, None))
        log.info("%s started by %s", action, started_by)
        self._changed(job)
        return job, True

    async def get(self, job_id: str) -> Job | None:
        """A job of any replica: ours from memory (the freshest), others' from the database."""
        if job_id in self._mine and (job := self._jobs.get(job_id)) is not None:
            return job
        row = await asyncio.to_thread(units.read, self.database, table.get, job_id)
        return None if row is None else Job.from_row(row)

    def latest(self, action: str) -> Job | None:
        """The newest run of ``action`` (running or finished) this process knows of."""
        runs = [job for job in self._jobs.values() if job.action == action]
        return max(runs, key=lambda job: job.started_at, default=None)

    async def run_in_turn(self, actions: tuple[str, ...], *, started_by: str) -> None:
        """Run ``actions`` one after the other (a run already under way is waited for, not doubled)."""
        for action in actions:
            job, _ = await self.start(action, started_by=started_by)
            await self.wait(job)

    def listen(self, listener: Callable[[Job], None]) -> Callable[[], None]:
        return self._listeners.add(listener)

    async def wait(self, job: Job) -> Job:
        await job.finished.wait()
        return job

    def take(self, rows: Sequence[JobRow]) -> None:
        """The live feed's read of the jobs (running, and each action's newest): learn other replicas'
        jobs, and mark failed those whose replica stopped renewing them."""
        for row in rows:
            self._learn(row)
        listed = {row.id for row in rows}
        known = self._mine | listed
        gone = [job.id for job in self._jobs.values() if job.running and job.id not in known]
        if gone:  # no longer running, but we missed how it ended
            self._chore("look-up", lambda: self._look_up(gone))
        stale = utcnow() - timedelta(seconds=self.lease)
        if any(
            row.status == JobStatus.RUNNING and row.renewed_at < stale
            for row in rows
            if row.id not in self._running
        ):
            self._chore("expire", self.expire)
        if self._unsaved:
            self._chore("save", self._save)

    async def expire(self) -> None:
        """Mark failed the running jobs whose replica stopped renewing them (any replica may do it)."""
        try:
            self._failed(await asyncio.to_thread(units.quietly, self.database, table.expire, self.lease))
        except DatabaseError as error:
            log.warning("could not look for jobs of stopped replicas: %s", error)

    async def recover(self) -> None:
        """At start: this replica's jobs left running before it (re)started are failed."""
        try:
            self._failed(
                await asyncio.to_thread(units.quietly, self.database, table.abandon, self.replica, self.born)
            )
        except DatabaseError as error:
            log.warning("could not end the jobs left running by this replica's last run: %s", error)

    async def stop(self) -> None:
        """At a clean stop: the jobs running here end now, as failed, instead of after their lease."""
        running = list(self._running.values())
        for _, task in running:
            task.cancel()
        await asyncio.gather(*(task for _, task in running), return_exceptions=True)
        for job, _ in running:
            if job.running:  # cancelled before it began
                await self._end(job, JobStatus.FAILED, self._stopped(job))

    async def _run(self, job: Job) -> None:
        stored = job.to_json()  # as the row was inserted: the action may move it before the keeper runs
        keeper = asyncio.create_task(self._keep(job, stored, asyncio.current_task()))
        status, error = JobStatus.SUCCEEDED, None
        try:
            await self.actions[job.action](job.progress)
        except asyncio.CancelledError:
            status, error = JobStatus.FAILED, LEASE_LOST if job.id in self._lost else self._stopped(job)
        except (UpstreamError, OSError, ValueError) as problem:
            status, error = JobStatus.FAILED, str(problem)
            log.warning("%s failed: %s", job.action, problem)
        except Exception as problem:
            status, error = JobStatus.FAILED, f"{type(problem).__name__}: {problem}"
            log.exception("%s failed unexpectedly", job.action)
        else:
            if job.progress.all_failed:  # the upstream as a whole is not working
                status, error = JobStatus.FAILED, f"every item failed: {job.progress.problems[0]}"
                log.warning("%s failed: %s", job.action, error)
            elif job.progress.failed:
                log.warning("%s finished: %s", job.action, job.result())
            else:
                log.info("%s finished: %s", job.action, job.progress.summary())
        keeper.cancel()
        await asyncio.gather(keeper, return_exceptions=True)
        await self._end(job, status, error)

    async def _end(self, job: Job, status: JobStatus, error: str | None) -> None:
        ended = replace(job.row(), status=status, error=error, finished_at=utcnow())
        await self._save(ended)  # first: another run may start as soon as anyone sees this one finished
        job.status, job.error, job.finished_at = status, error, ended.finished_at
        job.finished.set()
        self._changed(job)

    def _stopped(self, job: Job) -> str:
        error = f"replica {self.replica} stopped while it ran"
        log.warning("%s failed: %s", job.action, error)
        return error

    async def _keep(self, job: Job, stored: dict, run: asyncio.Task | None) -> None:
        """Write a running job's progress when it moved (at most every PROGRESS_EVERY seconds), and renew
        its lease at least every third of it. A job another replica marked failed (its lease ran out while
        this one could not renew it) is stopped: another run of the action may have started since."""
        loop = asyncio.get_running_loop()
        every = min(PROGRESS_EVERY, self.lease / 3)
        written, renewed, failing, lost = stored, loop.time(), False, False
        while True:
            await self.pause(every)
            now = job.to_json()
            if now == written and loop.time() - renewed < self.lease / 3 - every / 2:
                continue
            try:
                running = await asyncio.to_thread(units.quietly, self.database, table.renew, job.row())
            except DatabaseError as error:
                if not failing:
                    log.warning("could not renew %s (job %s): %s", job.action, job.id, error)
                failing = True
                continue
            written, renewed, failing = now, loop.time(), False
            if not running and not lost:
                log.warning("%s (job %s) was marked failed elsewhere: its lease ran out", job.action, job.id)
                lost = True
                self._lost.add(job.id)
                if run is not None:
                    run.cancel()

    async def _save(self, ended: JobRow | None = None) -> None:
        """Record how the jobs run here ended; what cannot be recorded now is retried at the next read."""
        if ended is not None:
            self._unsaved[ended.id] = ended
        for job_id, row in list(self._unsaved.items()):
            try:
                await asyncio.to_thread(units.quietly, self.database, table.finish, row)
            except DatabaseError as error:
                log.warning("could not record how %s (job %s) ended: %s", row.action, job_id, error)
                return
            self._unsaved.pop(job_id, None)

    async def _look_up(self, ids: list[str]) -> None:
        for job_id in ids:
            try:
                row = await asyncio.to_thread(units.read, self.database, table.get, job_id)
            except DatabaseError:
                return  # the next read tries again
            if row is not None:
                self._learn(row)
            elif (job := self._jobs.pop(job_id, None)) is not None:  # pruned meanwhile
                job.finished.set()

    def _learn(self, row: JobRow) -> Job:
        """A row read from the database; the job it is, updated (and its listeners told) unless it is ours."""
        job = self._jobs.get(row.id)
        if job is not None and row.id in self._mine:
            return job
        if job is None:
            job = Job.from_row(row)
            self._remember(job)
            self._changed(job)
        elif job.update(row):
            self._changed(job)
        return job

    def _failed(self, rows: list[JobRow]) -> None:
        for row in rows:
            log.warning("%s (job %s) failed: %s", row.action, row.id, row.error)
            self._learn(row)

    def _remember(self, job: Job) -> None:
        self._jobs[job.id] = job
        while len(self._jobs) > KEEP_JOBS:
            old_id, _ = self._jobs.popitem(last=False)
            self._mine.discard(old_id)

    def _chore(self, name: str, work: Callable[[], Awaitable[None]]) -> None:
        """Database work the feed's read asked for, off its path; one of each kind at a time."""
        if name in self._chores:
            return
        task = asyncio.create_task(work())
        self._chores[name] = task
        task.add_done_callback(lambda _: self._chores.pop(name, None))

    def _changed(self, job: Job) -> None:
        self._listeners.notify(job)
