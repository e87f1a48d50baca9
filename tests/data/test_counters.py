import re
from pathlib import Path

import pytest
from sqlalchemy import event, text

from data import Database, DatabaseError, Stats, schema
from data.counters import COUNTERS, read_stats, recount, slots
from data.models import RequestStatus

from ..utils.factories import (
    land_episode,
    make_movie_request,
    make_tracked_show,
    make_users,
    send_all_pending,
)
from ..utils.sql import insert_user, query, run_sql, sessions_in_different_slots

pytestmark = pytest.mark.both_databases


class RawConnection:
    """A second connection that knows nothing of Airdate, as another process would have."""

    def __init__(self, database: Database) -> None:
        self.url = database.url.render_as_string(hide_password=False)

    def execute(self, statement: str) -> None:
        run_sql(self.url, statement)

    def close(self) -> None:
        pass


def raw_connection(database: Database) -> RawConnection:
    return RawConnection(database)


def test_new_database_counts_nothing(database: Database) -> None:
    assert database.read(read_stats) == Stats()


def test_writes_through_airdate_are_counted(database: Database) -> None:
    users = make_tracked_show(database, tmdb_id=7, requesters=3)
    make_movie_request(database, users[0])
    land_episode(database, 7, 1, 1)
    land_episode(database, 7, 1, 2)
    land_episode(database, 7, 1, 2)  # a repeated delivery creates nothing

    stats = database.read(read_stats)
    assert (stats.users, stats.requests_total, stats.requests_tv, stats.requests_movies) == (3, 4, 3, 1)
    assert stats.requests_tracking == 3
    assert stats.episodes_tracked == 2
    assert (stats.notifications_total, stats.notifications_pending, stats.notifications_sent) == (6, 6, 0)

    assert send_all_pending(database) == 6
    stats = database.read(read_stats)
    assert (stats.notifications_pending, stats.notifications_sent, stats.notifications_total) == (0, 6, 6)


def test_rows_written_by_raw_sql_on_another_connection_are_counted(database: Database) -> None:
    make_tracked_show(database, tmdb_id=1, requesters=1)
    other = raw_connection(database)
    other.execute("INSERT INTO users (username, email, created_at) VALUES ('raw', 'raw@x', '2026-01-01')")
    other.execute(
        "INSERT INTO notifications (user_id, subject, body, status, attempts, created_at) "
        "VALUES (1, 's', 'b', 'pending', 0, '2026-01-01'), (1, 's', 'b', 'failed', 3, '2026-01-01')"
    )
    other.execute("UPDATE media_requests SET status = 'available'")  # the show is complete
    stats = database.read(read_stats)
    assert stats.users == 2
    assert (stats.notifications_total, stats.notifications_pending, stats.notifications_failed) == (2, 1, 1)
    assert stats.requests_tracking == 0 and stats.requests_total == 1

    other.execute("UPDATE notifications SET status = 'sent' WHERE status = 'pending'")
    other.execute("DELETE FROM notifications WHERE status = 'failed'")
    other.execute("UPDATE notifications SET subject = 'renamed'")  # not a counted column
    stats = database.read(read_stats)
    assert (stats.notifications_total, stats.notifications_pending, stats.notifications_sent) == (1, 0, 1)
    assert stats.notifications_failed == 0
    other.close()


def test_recount_rebuilds_counters_that_went_wrong(database: Database, backend: str) -> None:
    make_users(database, 5)
    make_tracked_show(database, tmdb_id=3, requesters=2)
    land_episode(database, 3)
    expected = database.read(read_stats)
    with database.engine.begin() as connection:
        connection.execute(text("UPDATE stats_counters SET value = 999"))  # every slot of every counter
    assert database.read(read_stats).users == 999 * slots(backend)

    assert database.write(recount) == expected
    assert database.read(read_stats) == expected


UPCOMING_TRIGGERS = (
    ("scheduled_episodes", ("insert", "update", "delete")),
    ("follows", ("insert", "delete")),
    ("media_requests", ("insert", "update", "delete")),
    ("users", ("update",)),
    ("muted_shows", ("insert", "delete")),
)


def test_existing_data_without_counters_is_counted_on_first_start(database: Database) -> None:
    make_users(database, 4)
    with database.engine.begin() as connection:  # a database from before the counters and migrations
        # first, while stats_counters exists: SQLite checks every trigger when it alters a table
        postgres = connection.dialect.name == "postgresql"
        for table, events in UPCOMING_TRIGGERS:  # (0012) they read columns dropped below
            for event in events:
                on = f" ON {table}" if postgres else ""
                connection.execute(text(f"DROP TRIGGER upcoming_{table}_{event}{on}"))
        connection.execute(text("DELETE FROM airdate_meta WHERE key = 'upcoming.revision'"))
        connection.execute(text("DROP TABLE follows"))
        on_table = " ON notifications" if connection.dialect.name == "postgresql" else ""
        for trigger in ("log_notifications_insert", "log_notifications_status"):  # they write sent_at
            connection.execute(text(f"DROP TRIGGER {trigger}{on_table}"))
        connection.execute(text("ALTER TABLE notification_changes DROP COLUMN sent_at"))
        connection.execute(text("DROP TABLE log_entries"))
        connection.execute(text("ALTER TABLE notifications DROP COLUMN claimed_by"))
        connection.execute(text("ALTER TABLE notifications DROP COLUMN channel_id"))
        on_users = " ON users" if connection.dialect.name == "postgresql" else ""
        for trigger in ("insert", "delete", "update"):  # they read removed_at
            connection.execute(text(f"DROP TRIGGER count_users_{trigger}{on_users}"))
        connection.execute(text("DROP TABLE request_seasons"))
        connection.execute(text("ALTER TABLE media_requests DROP COLUMN all_seasons"))
        for column in ("notify_mode", "digest_at", "time_zone", "email_enabled", "upstream_email"):
            connection.execute(text(f"ALTER TABLE users DROP COLUMN {column}"))
        for column in ("email_set_by_admin", "removed_at"):
            connection.execute(text(f"ALTER TABLE users DROP COLUMN {column}"))
        connection.execute(text("DROP TABLE muted_shows"))
        connection.execute(text("DROP TABLE channels"))
        connection.execute(text("DROP TABLE leases"))
        connection.execute(text("DROP TABLE jobs"))
        connection.execute(text("DROP TABLE sign_in_attempts"))
        connection.execute(text("ALTER TABLE users DROP COLUMN link_key"))
        connection.execute(text("ALTER TABLE users DROP COLUMN episode_rule"))
        connection.execute(text("ALTER TABLE users DROP COLUMN locale"))  # (0015)
        connection.execute(text("DROP TABLE show_rules"))
        connection.execute(text("DROP TABLE scheduled_episodes"))
        connection.execute(text("DROP TABLE stats_samples"))  # (0013 keeps its stats by name)
        connection.execute(text("DROP TABLE show_facts"))  # (0014, with the episodes' facts)
        connection.execute(text("DROP TABLE message_templates"))  # (0016)
        for column in ("air_at", "overview"):
            connection.execute(text(f"ALTER TABLE episodes DROP COLUMN {column}"))
        connection.execute(text("DROP TABLE stats_counters"))
        connection.execute(  # empty, and one row per counter as back then
            text("CREATE TABLE stats_counters (name VARCHAR PRIMARY KEY, value INTEGER NOT NULL)")
        )
        connection.execute(text("DROP TABLE alembic_version"))
    reopened = Database(str(database.url))
    schema.upgrade(reopened)
    assert reopened.read(read_stats).users == 4
    make_users(reopened, 1, prefix="new")
    assert reopened.read(read_stats).users == 5
    reopened.dispose()


def test_reading_stats_is_one_statement(database: Database) -> None:
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(database.engine, "before_cursor_execute", record)
    database.read(read_stats)
    assert statements == ["SELECT name, SUM(value) FROM stats_counters GROUP BY name"]


def test_recount_after_tampering_puts_each_count_in_slot_0_and_zeroes_the_other_slots(
    database: Database, backend: str
) -> None:
    url = database.url.render_as_string(hide_password=False)
    make_users(database, 3)
    make_tracked_show(database, tmdb_id=3, requesters=2)
    land_episode(database, 3)
    if backend == "postgresql":  # counts spread over slots, as concurrent sessions leave them
        with sessions_in_different_slots(url) as sessions:
            for number, (connection, _slot) in enumerate(sessions):
                insert_user(connection, f"spread{number}")
                connection.commit()
        assert query(url, "SELECT COUNT(*) FROM stats_counters WHERE slot <> 0 AND value <> 0") != [(0,)]
    expected = database.read(read_stats)
    run_sql(url, "UPDATE stats_counters SET value = value + 3 * slot + 1")  # every slot off, differently
    assert database.read(read_stats) != expected

    assert database.write(recount) == expected
    rows = query(url, "SELECT name, slot, value FROM stats_counters")
    assert sorted((name, slot) for name, slot, _ in rows) == sorted(
        (counter.name, slot) for counter in COUNTERS for slot in range(slots(backend))
    )
    assert {name: value for name, slot, value in rows if slot == 0} == expected.as_dict()
    assert [value for _, slot, value in rows if slot != 0] == [0] * (len(rows) - len(COUNTERS))
    make_users(database, 1, prefix="after")
    assert database.read(read_stats).users == expected.users + 1


def test_tracking_means_an_approved_tv_request(database: Database) -> None:
    users = make_users(database, 1)
    make_movie_request(database, users[0], status=RequestStatus.APPROVED)
    assert database.read(read_stats).requests_tracking == 0


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("not a url", "is not a database URL"),
        ("nosuchdb://x", "database 'nosuchdb' is not supported"),
        ("mysql://u@h/airdate", "database 'mysql' is not supported"),
        ("postgresql+psycopg2://u@h/airdate", "is not installed: pip install 'psycopg2-binary'"),
        ("sqlite:///no/such/folder/a.sqlite3", "the folder no/such/folder of the SQLite database"),
    ],
)
def test_bad_database_url_is_a_clear_error(url: str, message: str) -> None:
    with pytest.raises(DatabaseError, match=re.escape(message)):
        Database(url)


def test_a_missing_sqlite_folder_is_not_created(tmp_path: Path) -> None:
    with pytest.raises(DatabaseError, match="does not exist: create it"):
        Database(f"sqlite:///{tmp_path}/typo/airdate.sqlite3")
    assert not (tmp_path / "typo").exists()
