"""The samples table behind the charts' longer ranges: writing, reading a range, thinning, rebuilding."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlmodel import select

from data import Database, Stats, samples, schema
from data.clock import as_utc
from data.models import NotificationStatus, StatsSample

from ..utils.factories import make_notifications, make_users, send_all_pending, set_status

pytestmark = pytest.mark.both_databases

NOW = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)


def sample(database: Database, at: datetime, users: int) -> None:
    database.write_quietly(samples.record, at, Stats(users=users))


def rows(database: Database) -> list[tuple[datetime, int]]:
    with database.reading() as session:
        found = session.exec(select(StatsSample).order_by(StatsSample.at)).all()
    return [(as_utc(row.at), row.counts["users"]) for row in found]


def test_one_row_a_minute_and_the_later_values_win(database: Database) -> None:
    sample(database, NOW + timedelta(seconds=5), 1)
    sample(database, NOW + timedelta(seconds=50), 2)
    sample(database, NOW + timedelta(minutes=1, seconds=1), 3)
    assert rows(database) == [(NOW, 2), (NOW + timedelta(minutes=1), 3)]


def test_a_range_is_at_most_the_points_asked_for_starting_from_the_value_in_force(database: Database) -> None:
    sample(database, NOW - timedelta(hours=30), 5)  # before the range: in force at its start
    for minute in range(24 * 60):
        sample(database, NOW - timedelta(hours=24) + timedelta(minutes=minute + 1), 10 + minute)
    points = database.read(samples.series, NOW - timedelta(hours=24), NOW, ("users",), 96)
    assert len(points) <= 97
    assert points[0] == (NOW - timedelta(hours=24), {"users": 5})
    assert points[-1][1] == {"users": 10 + 24 * 60 - 1}
    assert [p[0] for p in points] == sorted(p[0] for p in points)


def test_older_minutes_thin_to_the_last_of_each_hour_and_a_month_is_kept(database: Database) -> None:
    sample(database, NOW - timedelta(days=40), 1)
    for minute in (0, 30, 59):
        sample(database, NOW - timedelta(days=3) + timedelta(minutes=minute), minute)
    sample(database, NOW - timedelta(hours=1), 7)
    sample(database, NOW - timedelta(hours=1) + timedelta(minutes=1), 8)
    database.write_quietly(samples.thin, NOW)
    assert rows(database) == [
        (NOW - timedelta(days=3) + timedelta(minutes=59), 59),
        (NOW - timedelta(hours=1), 7),
        (NOW - timedelta(hours=1) + timedelta(minutes=1), 8),
    ]


def test_a_database_without_samples_gets_a_week_rebuilt_from_its_tables(database: Database) -> None:
    now = datetime.now(UTC)
    users = make_users(database, 3)
    notes = make_notifications(database, 4, user_id=users[0])
    set_status(database, notes[3], NotificationStatus.FAILED)
    send_all_pending(database)
    with database.engine.begin() as connection:  # two users signed up a day and more ago
        connection.execute(
            text("UPDATE users SET created_at = :t WHERE id IN (1, 2)"), {"t": now - timedelta(hours=30)}
        )
    assert database.write_quietly(samples.backfill_if_empty) == 7 * 24
    assert database.write_quietly(samples.backfill_if_empty) == 0, "only once: samples exist now"
    day_ago = database.read(samples.value_at, now - timedelta(hours=24, minutes=30))
    latest = database.read(samples.value_at, datetime.now(UTC))
    assert day_ago["users"] == 2
    assert latest["users"] == 3 and latest["notifications_sent"] == 3
    assert latest["notifications_pending"] == 0, "sent and failed ones are not pending"


def test_samples_kept_in_columns_keep_their_values_by_name_and_a_later_stat_reads_as_a_gap(
    database: Database,
) -> None:
    assert schema.downgrade(database, "0012") == (schema.head(), "0012")
    with database.engine.begin() as connection:  # a sample as 0001-0012 kept it
        connection.execute(
            text(
                "INSERT INTO stats_samples (at, users, requests_total, requests_tracking, episodes_tracked,"
                " notifications_sent, notifications_pending) VALUES (:at, 4, 3, 2, 9, 7, 1)"
            ),
            {"at": NOW - timedelta(minutes=5)},
        )
    assert schema.upgrade(database) == ("0012", schema.head())
    assert database.read(samples.value_at, NOW) == {
        "users": 4,
        "requests_total": 3,
        "requests_tracking": 2,
        "episodes_tracked": 9,
        "notifications_sent": 7,
        "notifications_pending": 1,
    }
    sample(database, NOW, 5)  # the feed's next sample holds every stat
    points = database.read(samples.series, NOW - timedelta(minutes=10), NOW, ("users", "followers"), 10)
    assert [values for _, values in points] == [{"users": 4, "followers": None}, {"users": 5, "followers": 0}]

    assert schema.downgrade(database, "0012") == (schema.head(), "0012")  # and back, losing no value
    with database.engine.connect() as connection:
        kept = connection.execute(text("SELECT users, notifications_sent FROM stats_samples ORDER BY at"))
        assert kept.all() == [(4, 7), (5, 0)]
