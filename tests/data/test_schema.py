"""Migrations: they build what the models describe, go down and up again, adopt a database made before
migrations existed, refuse one made by a newer Airdate, and run once when replicas start together."""

import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import Connection, inspect, text

from data import Database, DatabaseError, schema
from data.changes import last_change_id
from data.counters import COUNTERS, read_stats, slots

from ..utils.factories import land_episode, make_tracked_show, send_all_pending
from ..utils.server import Server
from ..utils.sql import insert_user, query, run_sql, sessions_in_different_slots, user_sql

pytestmark = pytest.mark.both_databases

FIXTURES = Path(__file__).parent / "fixtures"


def test_the_migrations_build_exactly_what_the_models_describe(database: Database) -> None:
    assert schema.current(database) == schema.head()
    assert schema.differences(database) == []


def test_down_and_up_again_keeps_the_rows_and_the_counting(database: Database) -> None:
    make_tracked_show(database, tmdb_id=1, requesters=2)
    land_episode(database, 1)
    before = database.read(read_stats)

    assert schema.downgrade(database, "0001") == (schema.head(), "0001")
    assert database.read(read_stats) == before
    assert schema.upgrade(database) == ("0001", schema.head())
    assert schema.differences(database) == []
    land_episode(database, 1, 1, 2)  # the triggers still count, and the change log still fills
    assert database.read(read_stats).notifications_pending == before.notifications_pending + 2
    assert database.read(last_change_id) == 4

    schema.downgrade(database, "base")
    with database.engine.connect() as connection:
        assert _tables(connection) <= {"alembic_version"}
    schema.upgrade(database)
    assert database.read(read_stats).users == 0


LATER = ("notifications_skipped", "notifications_held", "followers")  # (came in 0004, 0011, 0012)
COUNTERS_0003 = [counter for counter in COUNTERS if counter.name not in LATER]
PENDING_FOR_USER_1 = (
    "INSERT INTO notifications (user_id, subject, body, status, attempts, created_at) "
    "VALUES (1, 'New episode', 'It is here', 'pending', 0, CURRENT_TIMESTAMP)"
)


def _without_skipped(stats: dict[str, int]) -> dict[str, int]:
    return {name: value for name, value in stats.items() if name not in LATER}


def test_counters_go_into_slots_and_back_keeping_their_values(database: Database, backend: str) -> None:
    url = database.url.render_as_string(hide_password=False)
    make_tracked_show(database, tmdb_id=1, requesters=2)  # (rows made through today's models, first)
    land_episode(database, 1)
    assert schema.downgrade(database, "0002") == (schema.head(), "0002")
    run_sql(url, "UPDATE stats_counters SET value = value + 40 WHERE name = 'users'")  # moved, not recounted
    before = database.read(read_stats)
    assert before.users == 42 and before.notifications_pending == 2

    assert schema.upgrade(database, "0003") == ("0002", "0003")
    assert database.read(read_stats) == before
    rows = query(url, "SELECT name, slot, value FROM stats_counters")
    assert sorted((name, slot) for name, slot, _ in rows) == sorted(
        (counter.name, slot) for counter in COUNTERS_0003 for slot in range(slots(backend))
    )
    assert {name: value for name, slot, value in rows if slot == 0} == _without_skipped(before.as_dict())

    run_sql(url, *[PENDING_FOR_USER_1] * 2)  # counted by the new triggers; on PostgreSQL in two slots:
    if backend == "postgresql":
        with sessions_in_different_slots(url) as sessions:
            for number, (connection, _slot) in enumerate(sessions):
                insert_user(connection, f"slot{number}")
                connection.commit()
        ((filled,),) = query(url, "SELECT COUNT(*) FROM stats_counters WHERE name = 'users' AND value <> 0")
        assert filled >= 2, "the users counter is spread over slots for the downgrade to add up"
    else:
        run_sql(url, *(user_sql(f"slot{number}") for number in range(2)))
    after = database.read(read_stats)
    assert (after.users, after.notifications_pending) == (44, 4)

    assert schema.downgrade(database, "0002") == ("0003", "0002")
    assert database.read(read_stats) == after
    counted = query(url, "SELECT COUNT(*), COUNT(DISTINCT name) FROM stats_counters")
    assert counted == [(len(COUNTERS_0003),) * 2]
    with database.engine.connect() as connection:
        assert "slot" not in {column["name"] for column in inspect(connection).get_columns("stats_counters")}
    run_sql(url, user_sql("old"))  # the triggers without slots count again
    assert database.read(read_stats).users == 45
    assert schema.upgrade(database) == ("0002", schema.head())
    assert database.read(read_stats).users == 45


def test_a_database_made_before_migrations_is_adopted_without_losing_a_row(
    airdate_env: str, backend: str, request: pytest.FixtureRequest
) -> None:
    _load(airdate_env, backend, request)
    old = Database(airdate_env)
    assert schema.current(old) is None
    rows_before = _row_counts(airdate_env)

    assert schema.upgrade(old) == (None, schema.head())
    assert schema.differences(old) == []
    added = {"airdate_meta": rows_before["airdate_meta"] + 1}  # the upcoming revision (0012)
    assert _row_counts(airdate_env) == rows_before | added
    stats = old.read(read_stats)
    assert (stats.users, stats.requests_tracking, stats.notifications_sent, stats.notifications_pending) == (
        2,
        2,
        3,
        3,
    )
    land_episode(old, 95396, 2, 4)  # new writes are counted by the new triggers
    assert old.read(read_stats).notifications_pending == 5
    assert send_all_pending(old) == 5
    old.dispose()


def test_a_database_from_a_newer_airdate_is_refused_with_a_clear_message(database: Database) -> None:
    with database.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    with pytest.raises(DatabaseError, match=r"revision 0099, which this Airdate .* does not know"):
        schema.upgrade(database)


def test_an_unknown_revision_to_go_down_to_is_refused(database: Database) -> None:
    revisions = ", ".join(f"{n:04d}" for n in range(1, 17))
    expected = f"no revision 'nope': choose one of {revisions} or base"
    with pytest.raises(DatabaseError, match=expected):
        schema.downgrade(database, "nope")


def test_two_servers_starting_together_on_an_empty_database_migrate_once(
    airdate_env: str, backend: str
) -> None:
    servers = [Server(airdate_env), Server(airdate_env)]
    problems: list[BaseException] = []

    def start(server: Server) -> None:
        try:
            server.start(timeout=60)
        except BaseException as error:
            problems.append(error)

    threads = [threading.Thread(target=start, args=(server,)) for server in servers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert problems == []
        assert [server.stats()["users"] for server in servers] == [0, 0]
        assert query(airdate_env, "SELECT version_num FROM alembic_version") == [(schema.head(),)]
        assert query(airdate_env, "SELECT COUNT(*) FROM stats_counters") == [
            (len(COUNTERS) * slots(backend),)
        ]
    finally:
        outputs = [server.stop() for server in servers]
    assert all("Traceback" not in output for output in outputs), outputs


def _load(url: str, backend: str, request: pytest.FixtureRequest) -> None:
    script = FIXTURES / f"before_migrations.{backend}.sql"
    if backend == "sqlite":
        connection = sqlite3.connect(url.removeprefix("sqlite:///"))
        connection.executescript(script.read_text())
        connection.close()
    else:
        request.getfixturevalue("postgres_cluster").load(script, url.rsplit("/", 1)[1])


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


def _row_counts(url: str) -> dict[str, int]:
    tables = ("users", "media_requests", "episodes", "notifications", "notification_changes", "airdate_meta")
    return {table: query(url, f"SELECT COUNT(*) FROM {table}")[0][0] for table in tables}
