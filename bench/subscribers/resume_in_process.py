"""Resumes in process: the cost of ``live.resume.opening`` for a reader that missed 1,000
notifications, with a real LiveFeed and Hub on a SQLite database, from the Hub's window and from the
change log."""

import time
from functools import partial
from pathlib import Path

from sqlalchemy import text

from data import Database, schema
from data.changes import changes_between, last_change_id
from data.feed_read import read_live
from live import KINDS, Hub, LiveFeed, opening

from .missed import KEPT, MISSED, NOT_KEPT, NOTIFICATIONS, USER

OPENING_RUNS = 2_000
OPENING_DATABASE_RUNS = 200


async def opening_costs(folder: Path) -> dict[str, list[float]]:
    """Seconds per ``await opening()`` for a reader that missed 1,000 notifications, in process: a real
    LiveFeed and Hub on a SQLite database, one Hub keeping them in its window, one keeping none."""
    database = Database(f"sqlite:///{folder / 'opening.sqlite3'}")
    schema.upgrade(database)
    with database.engine.begin() as connection:
        connection.execute(text(USER))
    start = database.read(last_change_id)
    feeds = {
        "memory": LiveFeed(partial(database.read, read_live), Hub(replay_events=KEPT), changes_after=start),
        "database": LiveFeed(
            partial(database.read, read_live), Hub(replay_events=NOT_KEPT), changes_after=start
        ),
    }
    for feed in feeds.values():
        feed.start()
        await feed.tick()
    with database.engine.begin() as connection:
        connection.execute(text(NOTIFICATIONS.format(count=MISSED)))
    for feed in feeds.values():
        await feed.tick()
    last, after = database.read(last_change_id), str(start)
    if feeds["memory"].hub.complete_after > start or feeds["database"].hub.complete_after < last:
        raise AssertionError("the memory hub's window should hold every missed change, the other's none")
    first = {
        name: await opening(feed, partial(database.read, changes_between), after, KINDS)
        for name, feed in feeds.items()
    }
    for name, chunks in first.items():
        if len(chunks) != MISSED + 1 or chunks[-1] != feeds[name].current.wire:
            raise AssertionError(
                f"opening() from {name} is not the {MISSED:,} missed changes and the snapshot"
            )
    if first["memory"][:-1] != first["database"][:-1]:
        raise AssertionError("opening() from memory and from the change log differ")
    durations: dict[str, list[float]] = {}
    for name, runs in (("memory", OPENING_RUNS), ("database", OPENING_DATABASE_RUNS)):
        feed = feeds[name]
        durations[name] = []
        for run_ in range(runs + runs // 20):  # the first twentieth warms up
            started = time.perf_counter()
            await opening(feed, partial(database.read, changes_between), after, KINDS)
            if run_ >= runs // 20:
                durations[name].append(time.perf_counter() - started)
    database.dispose()
    return durations
