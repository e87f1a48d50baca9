"""Making the test database misbehave for real."""

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from data import Database


@contextmanager
def unplugged(database: Database) -> Iterator[None]:
    """Make the SQLite file unreachable for real: a link to nowhere stands where the file was.

    Each swap is one atomic rename: the app's timers (the feed, the pages' sweep) open connections at
    any moment, and one that came in a gap (no file at the path) made a new, empty database there."""
    path = Path(database.url.database)
    away = path.with_name(path.name + ".away")
    nowhere = path.with_name(path.name + ".nowhere")
    database.engine.dispose()
    os.link(path, away)  # the data stays, under another name
    nowhere.symlink_to(path.parent / "no-such-folder" / path.name)
    os.replace(nowhere, path)
    try:
        yield
    finally:
        os.replace(away, path)
        database.engine.dispose()


@contextmanager
def locked(database: Database) -> Iterator[None]:
    """Hold the SQLite file's exclusive lock from another connection, as a stuck process would:
    every other connection waits for it (up to its busy timeout)."""
    deadline = time.monotonic() + 30
    while True:  # the app's timers (the feed's tick, the pages' sweep) may open a connection again meanwhile
        while database.engine.pool.checkedout():  # a read still running in a thread
            assert time.monotonic() < deadline, "the app kept a database connection busy"
            time.sleep(0.01)
        database.engine.dispose()  # open connections would keep the lock from being taken
        # a fresh connection for each try: one in exclusive locking mode keeps any lock it once got, and a
        # shared one kept from a failed try blocked the app's next write, which blocked the next try
        holder = sqlite3.connect(database.url.database, isolation_level=None, timeout=0.2)
        holder.execute("PRAGMA locking_mode=EXCLUSIVE")
        try:
            holder.execute("BEGIN EXCLUSIVE")
            break
        except sqlite3.OperationalError:
            holder.close()
            assert time.monotonic() < deadline, "the app kept the database open"
    holder.execute("UPDATE stats_counters SET value = value WHERE name = 'users'")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()
