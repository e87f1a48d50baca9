"""PostgreSQL announces each committed change (LISTEN/NOTIFY, migration 0005) to every listener."""

import asyncio

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from data import Database, follows, jobs, seasons
from data.announcements import ChangeListener
from data.counters import COUNTERS
from services.job_rows import start_run

from ..utils.factories import make_tracked_show
from ..utils.sql import run_sql, user_sql
from ..utils.waiting import eventually

pytestmark = pytest.mark.parametrize("backend", ["postgresql"])


async def listening(database: Database, calls: list[int]) -> ChangeListener:
    listener = ChangeListener(database.url, lambda: calls.append(1), retry=0.05)
    listener.start()
    await asyncio.wait_for(listener.connected.wait(), 10)
    await eventually(lambda: calls == [1], what="one read right after connecting, to catch up")
    return listener


async def test_a_commit_by_another_program_is_announced_once_and_a_rollback_not_at_all(
    database: Database, airdate_env: str
) -> None:
    calls: list[int] = []
    listener = await listening(database, calls)
    try:
        three = ", ".join(f"('{name}', '{name}@example.org', CURRENT_TIMESTAMP)" for name in "abc")
        run_sql(airdate_env, f"INSERT INTO users (username, email, created_at) VALUES {three}")
        await eventually(lambda: listener.notifications == 1)

        engine = create_engine(airdate_env, poolclass=NullPool)
        with engine.connect() as connection:
            connection.execute(text(user_sql("rolled-back")))
            connection.rollback()
        engine.dispose()
        run_sql(airdate_env, user_sql("d"))
        await eventually(lambda: listener.notifications == 2, what="the rollback announced nothing")
        assert len(calls) == 3
    finally:
        await listener.stop()


async def test_a_lost_connection_is_made_again_and_reads_what_changed_meanwhile(
    database: Database, airdate_env: str
) -> None:
    calls: list[int] = []
    listener = await listening(database, calls)
    try:
        run_sql(
            airdate_env,
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN %'",
        )
        await eventually(lambda: len(calls) == 2, what="connected again, and read once to catch up")
        assert listener.connected.is_set()
        run_sql(airdate_env, user_sql("after"))
        await eventually(lambda: listener.notifications == 1 and len(calls) == 3)
    finally:
        await listener.stop()


async def test_every_change_to_a_job_is_announced(database: Database) -> None:
    """So that a job's progress, written by the replica that runs it, reaches the other replicas at once."""
    calls: list[int] = []
    listener = await listening(database, calls)
    try:
        job = (await asyncio.to_thread(start_run, database, "sync-users", "alice", "airdate1", 30)).job
        await eventually(lambda: listener.notifications == 1, what="the start announced")
        await asyncio.to_thread(database.write_quietly, jobs.renew, job)
        await eventually(lambda: listener.notifications == 2, what="the progress announced")
    finally:
        await listener.stop()


async def test_a_follow_and_a_schedule_change_are_announced(database: Database) -> None:
    """Regression: a follow (counted: ``airdate_followers``) reached the feed only at its next tick on
    PostgreSQL, since Airdate's own commit leaves the read to the announcement, which did not come."""
    (fan,) = make_tracked_show(database, tmdb_id=1, requesters=1)
    calls: list[int] = []
    listener = await listening(database, calls)
    try:
        await asyncio.to_thread(database.write, follows.follow, fan, 1, "alice")
        await eventually(lambda: listener.notifications == 1, what="the follow announced")
        episode = {"seasonNumber": 1, "episodeNumber": 1, "airDateUtc": "2030-01-01T00:00:00Z"}
        await asyncio.to_thread(database.write, seasons.record_schedule, 1, [episode])
        await eventually(lambda: listener.notifications == 2, what="the schedule announced")
    finally:
        await listener.stop()


def test_every_counted_table_announces_its_changes(database: Database) -> None:
    announcing = (
        "SELECT event_object_table FROM information_schema.triggers WHERE trigger_name LIKE 'announce_%'"
    )
    with database.engine.connect() as connection:
        tables = set(connection.execute(text(announcing)).scalars())
    assert {counter.table for counter in COUNTERS} <= tables
