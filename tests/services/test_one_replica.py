"""Scheduled work on several replicas: only the lease holder runs it, and another takes over once the
holder stops."""

import pytest

from data import Database
from services.one_replica import OneReplica

pytestmark = pytest.mark.both_databases


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
