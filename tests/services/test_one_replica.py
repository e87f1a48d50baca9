"""Scheduled work on several replicas: only the lease holder runs it, and another takes over once the
holder stops."""

import pytest
from sqlalchemy.exc import OperationalError

from data import Database
from services.one_replica import OneReplica

from ..utils.database import unplugged


@pytest.mark.both_databases
async def test_only_one_of_three_replicas_runs_the_work_and_another_takes_over(database: Database) -> None:
    runs: list[str] = []
    replicas = [OneReplica(database, name) for name in ("r1", "r2", "r3")]
    timers = [
        replica.alone("prune", 3600, lambda name=name: _record(runs, name))
        for replica, name in zip(replicas, ("r1", "r2", "r3"), strict=True)
    ]
    for _ in range(3):
        for timer in timers:
            await timer()
    assert runs == ["r1", "r1", "r1"], "the first to ask holds it and keeps it"
    assert [replica.held for replica in replicas] == [{"prune"}, set(), set()]

    await replicas[0].release_all()  # r1 stops cleanly
    for timer in timers[1:]:
        await timer()
    assert runs[3:] == ["r2"]


async def _record(runs: list[str], name: str) -> None:
    runs.append(name)


async def test_an_unreachable_database_skips_a_run_with_a_warning(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    runs: list[str] = []
    timer = OneReplica(database, "r1").alone("prune", 3600, lambda: _record(runs, "r1"))
    with unplugged(database):
        await timer()  # no exception for the timer to log as an ERROR with a traceback
    assert runs == []
    assert "skipped prune: cannot reach the database to take its lease: unable to open database file" in (
        caplog.text
    )
    await timer()
    assert runs == ["r1"], "the next run, with the database back"


@pytest.mark.both_databases
async def test_work_that_fails_for_the_database_is_a_warning_and_runs_again_next_time(
    database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    attempts: list[int] = []

    async def prune() -> None:
        attempts.append(1)
        if len(attempts) == 1:
            raise OperationalError("DELETE", {}, Exception("database is locked"))

    timer = OneReplica(database, "r1").alone("prune", 3600, prune)
    await timer()
    await timer()
    assert len(attempts) == 2
    assert "prune failed, the next run tries again: database is locked" in caplog.text
