"""Counter slots on PostgreSQL: concurrent sessions count in rows of their own, the sums stay exact, and
migrating to the slots neither loses a write that comes meanwhile nor deadlocks with it."""

import threading
from collections.abc import Callable

import pytest
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.pool import NullPool

from data import Database, schema
from data.counters import read_stats

from ..utils.factories import make_users
from ..utils.sql import insert_user, query, run_sql, sessions_in_different_slots, user_sql
from ..utils.waiting import until

pytestmark = pytest.mark.parametrize("backend", ["postgresql"])

NOTIFY = text(
    "INSERT INTO notifications (user_id, subject, body, status, attempts, created_at) "
    "VALUES (:user, 's', 'b', 'pending', 0, CURRENT_TIMESTAMP)"
)


def test_concurrent_sessions_count_in_their_own_slots_and_the_sums_are_exact(database: Database) -> None:
    url = database.url.render_as_string(hide_password=False)
    (user,) = make_users(database, 1)
    per_session = 100
    with sessions_in_different_slots(url) as sessions:
        start = threading.Barrier(len(sessions))

        def insert(connection: Connection) -> None:
            start.wait(timeout=30)
            for _ in range(per_session):
                connection.execute(NOTIFY, {"user": user})
                connection.commit()

        outcome: dict[str, object] = {}
        writers = [_in_thread(outcome, str(slot), insert, connection) for connection, slot in sessions]
        for writer in writers:
            writer.join(timeout=60)
        assert not any(writer.is_alive() for writer in writers), "the writers did not finish"
        assert outcome == {str(slot): None for _, slot in sessions}
        used = {slot for _, slot in sessions}

    stats = database.read(read_stats)
    (rows,) = query(url, "SELECT COUNT(*) FROM notifications")
    assert stats.notifications_total == stats.notifications_pending == rows[0] == 2 * per_session
    by_slot = query(url, "SELECT slot, value FROM stats_counters WHERE name = 'notifications_total'")
    assert {slot: value for slot, value in by_slot if value} == {slot: per_session for slot in used}


def test_a_writer_does_not_wait_for_an_open_transaction_that_counted_in_another_slot(
    database: Database,
) -> None:
    with sessions_in_different_slots(database.url.render_as_string(hide_password=False)) as sessions:
        (first, _), (second, _) = sessions
        insert_user(first, "first")  # its slot's row of 'users' stays locked until it commits
        second.execute(text("SET lock_timeout = '5s'"))  # with one row per counter it would wait here
        insert_user(second, "second")
        second.commit()
        assert database.read(read_stats).users == 1
        first.commit()
    assert database.read(read_stats).users == 2


def test_a_write_that_comes_while_the_slots_are_made_waits_and_is_counted(airdate_env: str) -> None:
    database = Database(airdate_env)
    schema.upgrade(database, "0002")
    run_sql(airdate_env, user_sql("before"))  # (raw SQL: today's models describe a newer schema)
    engine = create_engine(airdate_env, poolclass=NullPool)
    outcome: dict[str, object] = {}
    with engine.connect() as holder:
        holder.execute(text("SELECT 1 FROM episodes"))  # the migration waits for this to replace a trigger
        migration = _in_thread(outcome, "migration", schema.upgrade, database, "0003")
        _wait_for_lock(engine, "DROP TRIGGER%")
        write = _in_thread(outcome, "write", run_sql, airdate_env, user_sql("during"))
        _wait_for_lock(engine, "INSERT INTO users%")
        holder.rollback()
    for thread in (migration, write):
        thread.join(timeout=60)
    engine.dispose()

    assert outcome == {"migration": ("0002", "0003"), "write": None}
    assert database.read(read_stats).users == 2
    run_sql(airdate_env, user_sql("after"))
    assert database.read(read_stats).users == 3
    database.dispose()


def _in_thread(outcome: dict[str, object], key: str, work: Callable, *args) -> threading.Thread:
    """Run ``work(*args)`` in a thread that records what it returned or raised under ``key``."""

    def run() -> None:
        try:
            outcome[key] = work(*args)
        except Exception as error:
            outcome[key] = error

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def _wait_for_lock(engine: Engine, statement: str, within: float = 30) -> None:
    """Until a session running a statement LIKE ``statement`` waits for a lock."""
    waiting = text("SELECT COUNT(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE :q")
    with engine.connect() as connection:

        def waits() -> bool:
            found = connection.execute(waiting, {"q": statement}).scalar_one()
            connection.rollback()  # a fresh snapshot of pg_stat_activity each time
            return bool(found)

        until(waits, within, f"a session running {statement} waits for a lock")
