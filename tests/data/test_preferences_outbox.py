"""When a user's items are due by their preferences, with the clock frozen: a daily digest at a local
time in two time zones (and across a daylight-saving change), and what mute, off and a removed channel
do to what is queued."""

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from data import Database, outbox, preferences, unwanted
from data.counters import read_stats
from data.models import Notification

from ..utils.factories import land_episode, make_tracked_show

pytestmark = pytest.mark.both_databases


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def queue(database: Database, user_id: int, created: str, channel_id: int | None = None) -> None:
    with database.transaction() as session:
        session.add(
            Notification(
                user_id=user_id, channel_id=channel_id, subject="s", body="b", created_at=at(created)
            )
        )


def due_users(database: Database, now: str) -> list[int]:
    return sorted({user for user, _ in database.read(outbox.due_batches, grouping_delay=300, now=at(now))})


def statuses(database: Database) -> list[str]:
    with database.reading() as session:
        return list(session.exec(select(Notification.status).order_by(Notification.id)).all())


@pytest.fixture
def berlin_and_new_york(database: Database) -> tuple[int, int]:
    """Two users who want a digest at 08:00 their time."""
    berlin, new_york = make_tracked_show(database, tmdb_id=1, requesters=2)
    database.write(preferences.update, berlin, mode="digest", digest_at="08:00", time_zone="Europe/Berlin")
    database.write(
        preferences.update, new_york, mode="digest", digest_at="08:00", time_zone="America/New_York"
    )
    return berlin, new_york


def test_a_digest_is_due_once_its_local_time_has_passed_in_each_users_time_zone(
    database: Database, berlin_and_new_york: tuple[int, int]
) -> None:
    berlin, new_york = berlin_and_new_york
    queue(database, berlin, "2026-01-14T18:00")  # the evening before
    queue(database, new_york, "2026-01-14T18:00")
    # 08:00 in Berlin is 07:00 UTC in winter; in New York it is 13:00 UTC
    assert due_users(database, "2026-01-15T06:59") == []
    assert due_users(database, "2026-01-15T07:00") == [berlin]
    assert due_users(database, "2026-01-15T12:59") == [berlin]
    assert due_users(database, "2026-01-15T13:00") == [berlin, new_york]


def test_an_item_that_lands_after_the_digest_time_waits_for_the_next_day(
    database: Database, berlin_and_new_york: tuple[int, int]
) -> None:
    berlin, _ = berlin_and_new_york
    queue(database, berlin, "2026-01-15T07:01")  # 08:01 in Berlin: just missed today's digest
    assert due_users(database, "2026-01-15T07:30") == []
    assert due_users(database, "2026-01-15T23:59") == []
    assert due_users(database, "2026-01-16T07:00") == [berlin]


def test_the_digest_stays_at_eight_local_time_across_the_daylight_saving_change(
    database: Database, berlin_and_new_york: tuple[int, int]
) -> None:
    berlin, new_york = berlin_and_new_york
    # 2026-03-08: New York moves to daylight time, so 08:00 there is 12:00 UTC, not 13:00 as the day before
    queue(database, new_york, "2026-03-08T11:30")
    assert due_users(database, "2026-03-08T11:59") == []
    assert due_users(database, "2026-03-08T12:00") == [new_york]
    # 2026-03-29: Berlin moves to summer time, so 08:00 there is 06:00 UTC
    queue(database, berlin, "2026-03-29T05:30")
    assert berlin not in due_users(database, "2026-03-29T05:59")
    assert berlin in due_users(database, "2026-03-29T06:00")


def test_as_they_land_waits_for_the_grouping_delay_and_off_is_never_due(database: Database) -> None:
    eager, quiet = make_tracked_show(database, tmdb_id=1, requesters=2)
    queue(database, eager, "2026-01-15T10:00")
    assert due_users(database, "2026-01-15T10:04") == []
    assert due_users(database, "2026-01-15T10:05") == [eager]
    with database.transaction() as session:  # off, as raw SQL could leave it: never due, even if pending
        from data.models import User

        user = session.get(User, quiet)
        user.notify_mode = "off"
    queue(database, quiet, "2026-01-15T10:00")
    assert due_users(database, "2026-01-16T10:00") == [eager]


def test_a_muted_shows_new_episode_is_skipped_and_counted(database: Database) -> None:
    lena, max_ = make_tracked_show(database, tmdb_id=1, requesters=2)
    database.write(preferences.update, lena, muted={1})
    land_episode(database, 1, 1, 1)  # queued for both; the round that sends skips hers first
    assert database.write(unwanted.skip_unwanted) == 1
    with database.reading() as session:
        rows = session.exec(select(Notification).order_by(Notification.id)).all()
        assert [(row.user_id, row.status) for row in rows] == [(lena, "skipped"), (max_, "pending")]
    assert database.read(read_stats).notifications_skipped == 1
    assert [user for user, _ in database.read(outbox.due_batches, 0)] == [max_]
    assert database.read(preferences.read, lena).shows[0].muted is True

    database.write(preferences.update, lena, muted=set())  # unmuted: the next episode is hers again
    land_episode(database, 1, 1, 2)
    assert database.write(unwanted.skip_unwanted) == 0
    assert database.read(read_stats).notifications_skipped == 1


def test_turning_notifications_off_skips_what_is_queued_on_every_channel(database: Database) -> None:
    lena, max_ = make_tracked_show(database, tmdb_id=1, requesters=2)
    database.write(preferences.add_channel, lena, "ntfy://127.0.0.1:9/lena", "ntfy://127.0.0.1:9/lena")
    land_episode(database, 1, 1, 1)
    assert statuses(database) == ["pending"] * 3  # her e-mail, her ntfy, his e-mail
    assert database.write(preferences.update, lena, mode="off") == 2
    assert statuses(database) == ["skipped", "skipped", "pending"]
    assert database.read(read_stats).notifications_skipped == 2
    land_episode(database, 1, 1, 2)  # while off, new episodes are skipped for her too
    assert database.write(unwanted.skip_unwanted) == 2
    assert database.read(outbox.due_batches, 0) == [(max_, None)]


def test_a_removed_channels_queue_is_skipped_and_the_email_still_goes(database: Database) -> None:
    (lena,) = make_tracked_show(database, tmdb_id=1, requesters=1)
    channel = database.write(
        preferences.add_channel, lena, "ntfy://127.0.0.1:9/lena", "ntfy://127.0.0.1:9/lena"
    )
    land_episode(database, 1, 1, 1)
    assert database.write(preferences.remove_channel, lena, channel) == 1
    assert statuses(database) == ["pending", "skipped"]
    assert database.read(outbox.due_batches, 0) == [(lena, None)]
    land_episode(database, 1, 1, 2)  # nothing is queued for a removed channel any more
    assert statuses(database) == ["pending", "skipped", "pending"]
    with pytest.raises(LookupError):
        database.write(preferences.remove_channel, lena, channel)
    assert database.read(preferences.read, lena).channels == []
