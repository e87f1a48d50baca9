"""Jobs in the database: one running run per action whoever starts it, leases that expire, the rows a
dashboard reads, and a table of bounded size (on PostgreSQL, changes are announced: test_announcements)."""

import threading
from dataclasses import replace
from datetime import timedelta

import pytest

from data import Database, jobs
from data.clock import utcnow
from data.feed_read import read_live
from services.job_rows import Started, start_run

from ..utils.sql import query

pytestmark = pytest.mark.both_databases


def test_an_action_runs_once_until_it_finishes(database: Database) -> None:
    first = start_run(database, "sync-users", "alice", "airdate1", 30)
    second = start_run(database, "sync-users", "bob", "airdate2", 30)
    assert first.started and not second.started
    assert second.job == first.job, "the second start is told which run is under way"
    assert start_run(database, "sync-requests", "bob", "airdate2", 30).started, "one run per action"

    database.write_quietly(
        jobs.finish,
        replace(first.job, status="succeeded", done=3, counts={"created": 3}, finished_at=utcnow()),
    )
    third = start_run(database, "sync-users", "bob", "airdate2", 30)
    assert third.started and third.job.id != first.job.id
    finished = database.read(jobs.get, first.job.id)
    assert finished is not None
    assert (finished.status, finished.done, finished.counts) == ("succeeded", 3, {"created": 3})


def test_replicas_starting_the_same_action_at_the_same_moment_start_it_once(
    database: Database, airdate_env: str
) -> None:
    handles = [Database(airdate_env) for _ in range(6)]  # six processes, each with its own connections
    barrier = threading.Barrier(len(handles))
    outcomes: list[Started] = []

    def start(handle: Database, number: int) -> None:
        barrier.wait()
        outcomes.append(start_run(handle, "import-episodes", "someone", f"airdate{number}", 30))

    threads = [threading.Thread(target=start, args=(h, n)) for n, h in enumerate(handles)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for handle in handles:
        handle.dispose()
    assert sorted(outcome.started for outcome in outcomes) == [False] * 5 + [True]
    assert len({outcome.job.id for outcome in outcomes}) == 1
    assert query(airdate_env, "SELECT COUNT(*) FROM jobs") == [(1,)]


def test_a_job_whose_replica_stopped_renewing_it_fails_after_the_lease(database: Database) -> None:
    start = utcnow()
    running = start_run(database, "sync-users", "alice", "airdate2", 30, now=start).job
    assert database.write_quietly(jobs.renew, replace(running, done=1), now=start + timedelta(seconds=20))
    assert database.write_quietly(jobs.expire, 30, now=start + timedelta(seconds=45)) == [], "renewed at 20 s"

    (expired,) = database.write_quietly(jobs.expire, 30, now=start + timedelta(seconds=51))
    reason = "replica airdate2 stopped renewing its lease (no heartbeat for 30 s)"
    assert (expired.id, expired.status, expired.error) == (running.id, "failed", reason)
    assert database.read(jobs.get, running.id) == expired
    assert database.write_quietly(jobs.expire, 30, now=start + timedelta(seconds=52)) == [], "failed once"
    assert not database.write_quietly(jobs.renew, running), (
        "the replica, should it come back, learns it lost the job"
    )


def test_starting_an_action_whose_run_lost_its_replica_fails_that_run_and_starts_anew(
    database: Database,
) -> None:
    start = utcnow()
    dead = start_run(database, "send-pending", "alice", "airdate2", 30, now=start).job
    outcome = start_run(database, "send-pending", "bob", "airdate1", 30, now=start + timedelta(seconds=31))
    assert outcome.started
    assert [(job.id, job.status) for job in outcome.expired] == [(dead.id, "failed")]


def test_a_restarted_replica_fails_its_own_leftovers_only(database: Database) -> None:
    start = utcnow()
    left = start_run(database, "sync-users", "alice", "airdate1", 30, now=start).job
    other = start_run(database, "sync-requests", "alice", "airdate2", 30, now=start).job
    restarted = start + timedelta(seconds=1)
    fresh = start_run(database, "send-pending", "bob", "airdate1", 30, now=restarted).job  # after it

    (abandoned,) = database.write_quietly(jobs.abandon, "airdate1", before=restarted)
    assert (abandoned.id, abandoned.error) == (left.id, "replica airdate1 restarted")
    untouched = [database.read(jobs.get, job.id) for job in (other, fresh)]
    assert [job.status for job in untouched if job] == ["running", "running"]


def test_the_live_read_has_the_running_jobs_and_each_actions_newest(database: Database) -> None:
    start = utcnow()
    for minute in range(3):
        job = start_run(database, "sync-users", "a", "r1", 30, now=start + timedelta(minutes=minute)).job
        database.write_quietly(
            jobs.finish, replace(job, status="succeeded", finished_at=start + timedelta(minutes=minute))
        )
    running = start_run(database, "send-pending", "a", "r1", 30, now=start).job
    newest = start_run(database, "sync-users", "a", "r1", 30, now=start + timedelta(minutes=9)).job
    rows = database.read(jobs.current)
    assert [row.id for row in rows] == [running.id, newest.id]
    assert database.read(read_live, 0, 0).jobs == rows


def test_the_table_keeps_the_newest_runs(database: Database, airdate_env: str) -> None:
    start = utcnow()
    for second in range(jobs.KEEP_JOBS + 5):
        job = start_run(database, "send-pending", "a", "r1", 30, now=start + timedelta(seconds=second)).job
        database.write_quietly(jobs.finish, replace(job, status="succeeded", finished_at=job.started_at))
    assert query(airdate_env, "SELECT COUNT(*) FROM jobs") == [(jobs.KEEP_JOBS,)]
