"""Jobs across replicas: two ``Jobs`` services on one database, as two replicas have, each following the
other's jobs through its own live feed."""

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
from sqlalchemy import event

from data import Database, jobs
from data.feed_read import read_live
from live import Hub, LiveFeed
from services.job import Job
from services.job_rows import start_run
from services.jobs import LEASE_LOST, Jobs
from services.progress import Progress

from ..utils.actions import HeldAction
from ..utils.waiting import eventually

pytestmark = pytest.mark.both_databases

LEASE = 0.5  # for the tests about a lease running out
CALM = 30.0  # for the rest: a loaded machine can stall a heartbeat past half a second (CI did, once)
RENEWED = 1.5  # long enough for a stall, short enough to outlive three times


@pytest.fixture
def url(database: Database, airdate_env: str) -> str:
    """The test's database, migrated."""
    return airdate_env


@dataclass
class Replica:
    jobs: Jobs
    feed: LiveFeed
    heard: list[tuple[str, str, int]] = field(default_factory=list)  # (job id, status, done) per change

    async def sees(self, check: Callable[[], bool], what: str = "") -> None:
        """Wait for ``check`` while the app-wide timer ticks this replica's feed."""

        async def after_a_read() -> bool:
            await self.feed.tick()
            return check()

        await eventually(after_a_read, what=what)


@asynccontextmanager
async def replicas(url: str, actions: dict, *names: str, lease: float = CALM) -> AsyncIterator[list[Replica]]:
    """Replicas on the database at ``url``, each with its own connections, feed and jobs."""
    made: list[Replica] = []
    handles = [Database(url) for _ in names]
    for name, handle in zip(names, handles, strict=True):
        service = Jobs(actions, handle, replica=name, lease=lease)
        feed = LiveFeed(partial(handle.read, read_live), Hub())
        feed.on_jobs = service.take
        feed.start()
        replica = Replica(service, feed)
        service.listen(lambda job, heard=replica.heard: heard.append((job.id, job.status, job.progress.done)))
        made.append(replica)
    try:
        yield made
    finally:
        for replica in made:
            await replica.jobs.stop()
        for handle in handles:
            handle.dispose()


async def test_the_same_action_started_on_two_replicas_at_once_runs_once(url: str) -> None:
    action = HeldAction()
    async with replicas(url, {"sync-users": action}, "airdate1", "airdate2") as (one, two):
        (job_1, started_1), (job_2, started_2) = await asyncio.gather(
            one.jobs.start("sync-users", started_by="alice"), two.jobs.start("sync-users", started_by="bob")
        )
        assert sorted([started_1, started_2]) == [False, True], "one runs, the other is told it is running"
        assert job_1.id == job_2.id
        assert action.runs == 1
        action.release.set()


async def test_a_job_started_on_one_replica_is_followed_on_the_other(url: str) -> None:
    action = HeldAction()
    async with replicas(url, {"sync-users": action}, "airdate1", "airdate2") as (one, two):
        job, _ = await one.jobs.start("sync-users", started_by="alice")
        await two.sees(lambda: (job.id, "running", 1) in two.heard, "the other replica's progress")
        theirs = two.jobs.latest("sync-users")
        assert theirs is not None and (theirs.replica, theirs.started_by) == ("airdate1", "alice")
        assert (await two.jobs.get(job.id)).to_json() == job.to_json()  # type: ignore[union-attr]

        waiting = asyncio.create_task(two.jobs.wait(theirs))  # as the scheduled sync waits for a run
        action.release.set()
        await two.sees(lambda: (job.id, "succeeded", 3) in two.heard, "the other replica's result")
        assert (await waiting).progress.summary() == "3 created"
        assert (await two.jobs.get(job.id)).to_json() == job.to_json()  # type: ignore[union-attr]


async def test_a_job_whose_replica_died_fails_on_another_after_its_lease(url: str) -> None:
    action = HeldAction()
    async with replicas(url, {"sync-users": action}, "airdate1", lease=LEASE) as (one,):
        dead = start_run(one.jobs.database, "sync-users", "bob", "airdate2", LEASE).job  # then nothing
        await one.sees(lambda: (dead.id, "running", 0) in one.heard)
        await one.sees(lambda: any(heard[:2] == (dead.id, "failed") for heard in one.heard), "failed")
        failed = await one.jobs.get(dead.id)
        assert failed is not None
        assert failed.error == "replica airdate2 stopped renewing its lease (no heartbeat for 0.5 s)"

        job, started = await one.jobs.start("sync-users", started_by="alice")
        assert started and job.id != dead.id
        action.release.set()


async def test_a_running_job_outlives_its_lease_while_its_replica_renews_it(url: str) -> None:
    action = HeldAction()
    async with replicas(url, {"sync-users": action}, "airdate1", "airdate2", lease=RENEWED) as (one, two):
        job, _ = await one.jobs.start("sync-users", started_by="alice")

        def renewed_long_after_it_started() -> bool:
            row = two.jobs.database.read(jobs.get, job.id)
            return row is not None and (row.renewed_at - row.started_at).total_seconds() > 3 * RENEWED

        await eventually(renewed_long_after_it_started, within=10, what="renewed")
        await two.jobs.expire()
        await two.feed.tick()
        assert (await two.jobs.get(job.id)).running  # type: ignore[union-attr]
        action.release.set()
        await one.jobs.wait(job)
        assert job.status == "succeeded"


async def test_a_replica_that_restarts_fails_the_jobs_it_left_running(url: str) -> None:
    action = HeldAction()
    async with replicas(url, {"sync-users": action}, "airdate2") as (two,):
        left = start_run(two.jobs.database, "sync-users", "alice", "airdate1", 3600).job  # before a crash
    async with replicas(url, {"sync-users": action}, "airdate1", "airdate2") as (one, two):
        await one.jobs.recover()  # at its start
        await two.sees(lambda: (left.id, "failed", 0) in two.heard, "failed at once, not after the lease")
        failed = await two.jobs.get(left.id)
        assert failed is not None and failed.error == "replica airdate1 restarted"


async def test_a_replica_stopping_cleanly_fails_its_running_job_at_once(url: str) -> None:
    action = HeldAction()
    async with replicas(url, {"sync-users": action}, "airdate1", "airdate2") as (one, two):
        job, _ = await one.jobs.start("sync-users", started_by="alice")
        await eventually(lambda: job.progress.done == 1, what="under way")
        await one.jobs.stop()
        assert (job.status, job.error) == ("failed", "replica airdate1 stopped while it ran")
        await two.sees(lambda: (job.id, "failed", 1) in two.heard)


async def test_progress_is_written_once_per_period_however_many_items_moved_in_it(url: str) -> None:
    """The keeper writes a running job's progress once per period, not per item: 2,000 items, done while
    the event loop runs between every two of them, over four (driven) periods cost four progress writes
    and the result's."""
    writes: list[str] = []
    periods: asyncio.Queue[None] = asyncio.Queue()

    async def one_period(_seconds: float) -> None:
        await periods.get()

    async def many(progress: Progress) -> Progress:
        progress.total = 2000
        for number in range(1, 2001):
            progress.step("created")
            await asyncio.sleep(0)  # the loop runs: the keeper could write now, if it wrote per item
            if number % 500 == 0:
                periods.put_nowait(None)  # a period passes
                await eventually(lambda n=number: len(writes) == n // 500, what=f"written after {number}")
        return progress

    async with replicas(url, {"import-episodes": many}, "airdate1", lease=3600) as (one,):
        one.jobs.pause = one_period
        event.listen(
            one.jobs.database.engine,
            "before_cursor_execute",
            lambda _c, _cur, statement, *_: (
                writes.append(statement) if statement.startswith("UPDATE") else None
            ),
        )
        local: list[Job] = []
        one.jobs.listen(local.append)
        job, _ = await one.jobs.start("import-episodes", started_by="alice")
        await one.jobs.wait(job)
        assert len(local) >= 2000, "this replica's own listeners hear of every item"
        assert len(writes) == 4 + 1, "one write per period, then the result"
        row = one.jobs.database.read(jobs.get, job.id)
        assert row is not None and (row.status, row.done, row.counts) == (
            "succeeded",
            2000,
            {"created": 2000},
        )


async def test_a_job_marked_failed_elsewhere_stops_here_and_the_action_can_run_again(url: str) -> None:
    """Regression: a replica that could not renew a job's lease in time (another replica then marked it
    failed) went on running it, beside the new run another replica could start, and overwrote the
    failure with its own result at the end."""
    action = HeldAction()
    async with replicas(url, {"sync-users": action}, "airdate1", "airdate2", lease=LEASE) as (one, two):
        job, _ = await one.jobs.start("sync-users", started_by="alice")
        later = datetime.now(UTC) + timedelta(seconds=60)  # as the other replica's clock sees it then
        assert [row.id for row in two.jobs.database.write_quietly(jobs.expire, LEASE, now=later)] == [job.id]
        await asyncio.wait_for(one.jobs.wait(job), 10)  # stopped: the held action is never released
        assert (job.status, job.error) == ("failed", LEASE_LOST)
        again, started = await two.jobs.start("sync-users", started_by="bob")
        assert started and again.id != job.id
        action.release.set()
