"""The change log under several writer processes: the feed turns every change into exactly one
``notification`` event, in commit order, however the writers' transactions interleave."""

import asyncio
import subprocess
import sys
from functools import partial

import pytest

from data import Database
from data.changes import last_change_id
from data.feed_read import read_live
from data.models import Notification
from live import Event, Hub, LiveFeed

from ..utils.factories import make_users
from ..utils.server import ROOT
from ..utils.sql import query

# alone: eight writer processes load both cores
pytestmark = [pytest.mark.both_databases, pytest.mark.slow, pytest.mark.alone]

WRITERS = 8
SECONDS = 10


async def test_every_change_by_eight_writers_reaches_the_feed_once_and_in_order(
    database: Database, airdate_env: str
) -> None:
    users = make_users(database, WRITERS)
    modes = {user: "insert" if i % 2 else "flip" for i, user in enumerate(users)}
    with database.transaction() as session:  # a row in flight for each flipper
        session.add_all(
            Notification(user_id=u, subject="s", body="b", status="sending")
            for u, m in modes.items()
            if m == "flip"
        )
    first_change = database.read(last_change_id)
    hub = Hub()
    events: list[Event] = []
    hub.listen(events.append)
    feed = LiveFeed(partial(database.read, read_live), hub, changes_after=first_change)
    writers = [
        subprocess.Popen(  # noqa: ASYNC220  (started at once; the loop below polls them)
            [sys.executable, "-m", "tests.utils.writer", airdate_env, str(SECONDS), str(user), modes[user]],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for user in users
    ]
    deadline = asyncio.get_running_loop().time() + SECONDS + 60
    while any(writer.poll() is None for writer in writers):
        assert asyncio.get_running_loop().time() < deadline, "the writers did not finish"
        await feed.tick()  # the feed reads while the writers commit, as its timer would
        await asyncio.sleep(0.005)  # (a tick's pace, not a wait for something to happen)
    assert all(writer.returncode == 0 for writer in writers)
    written = sum(int(writer.stdout.read()) for writer in writers)
    await feed.tick()

    seen = [(e.payload.id, e.payload.status) for e in events if e.kind == "notification"]
    logged = query(
        airdate_env,
        f"SELECT notification_id, status FROM notification_changes WHERE id > {first_change} ORDER BY id",
    )
    assert written == len(logged) > 200, "the writers overlapped for long enough to matter"
    assert len(seen) == len(logged), f"{len(logged) - len(seen)} changes never became events"
    assert seen == [tuple(row) for row in logged], "the same changes, in the log's (commit) order"
    flips = [status for _, status in seen if status != "pending"]
    assert len(flips) > 50 and {"sending", "failed"} <= set(flips)
