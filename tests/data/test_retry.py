"""Putting failed notifications back to pending by hand, on SQLite and PostgreSQL."""

from datetime import timedelta

import pytest
from sqlmodel import col, select

from data import Database, outbox, requeue
from data.changes import last_change_id
from data.counters import read_stats
from data.feed_read import read_live
from data.models import Notification, NotificationStatus, utcnow
from data.requeue import NotRetryable

from ..utils.factories import make_notifications, send_all_pending

pytestmark = pytest.mark.both_databases


def fail_all_pending(database: Database) -> None:
    """Every pending notification claimed and failed on its last attempt, as the mailer records it."""
    for user_id, channel_id in database.read(outbox.due_batches, grouping_delay=0):
        batch = database.write(outbox.claim, user_id, channel_id, owner="tests")
        database.write(outbox.mark_failed_attempt, batch, "451 Mailbox busy", attempts=1, backoff=60)


def rows(database: Database) -> dict[int, Notification]:
    with database.reading() as session:
        return {row.id: row for row in session.exec(select(Notification)).all()}


def columns(database: Database) -> dict[int, dict]:
    return {nid: row.model_dump() for nid, row in rows(database).items()}


def failed_with_backoff(database: Database, count: int) -> list[int]:
    """``count`` failed notifications of one new user, each still carrying a backoff from an earlier try."""
    ids = make_notifications(database, count)
    fail_all_pending(database)
    with database.transaction() as session:
        for row in session.exec(select(Notification).where(col(Notification.id).in_(ids))):
            row.next_attempt_at = utcnow() + timedelta(hours=1)
            session.add(row)
    return ids


def test_every_failed_notification_goes_back_to_pending_with_no_attempts(database: Database) -> None:
    (sent,) = make_notifications(database, 1)
    send_all_pending(database)
    failed = failed_with_backoff(database, 2) + failed_with_backoff(database, 1)
    (pending,) = make_notifications(database, 1)
    before = database.read(read_stats)
    assert (before.notifications_failed, before.notifications_pending) == (3, 1)
    cursor = database.read(last_change_id)

    assert database.write(requeue.retry_failed) == 3

    after = rows(database)
    for nid in failed:
        row = after[nid]
        assert (row.status, row.attempts, row.next_attempt_at) == (NotificationStatus.PENDING, 0, None)
        assert (row.claimed_at, row.claimed_by) == (None, None)
        assert row.last_error == "451 Mailbox busy", "why it failed stays until it is sent"
    assert after[sent].status == NotificationStatus.SENT
    assert (after[pending].status, after[pending].attempts) == (NotificationStatus.PENDING, 0)
    stats = database.read(read_stats)
    assert (stats.notifications_failed, stats.notifications_pending, stats.notifications_sent) == (0, 4, 1)
    assert stats.notifications_total == before.notifications_total
    changes = database.read(read_live, cursor, 0).changes
    assert sorted((row.id, row.status) for _, row in changes) == [(nid, "pending") for nid in failed]
    assert len(database.read(outbox.due_batches, grouping_delay=0)) == 3, "due now: the backoff is gone"
    assert database.write(requeue.retry_failed) == 0, "nothing failed any more"


def test_one_failed_notification_is_retried_by_its_id(database: Database) -> None:
    first, second = failed_with_backoff(database, 2)
    assert database.write(requeue.retry_failed, second) == 1
    after = rows(database)
    assert (after[first].status, after[first].attempts) == (NotificationStatus.FAILED, 1)
    assert (after[second].status, after[second].attempts) == (NotificationStatus.PENDING, 0)
    stats = database.read(read_stats)
    assert (stats.notifications_failed, stats.notifications_pending) == (1, 1)


def test_a_notification_that_is_not_failed_is_refused_and_left_alone(database: Database) -> None:
    (sent,) = make_notifications(database, 1)
    send_all_pending(database)
    (failed,) = failed_with_backoff(database, 1)
    (pending,) = make_notifications(database, 1)
    before, stats_before = columns(database), database.read(read_stats)

    for nid, status in ((sent, "sent"), (pending, "pending")):
        with pytest.raises(NotRetryable, match=f"notification {nid} is {status}, not failed") as refused:
            database.write(requeue.retry_failed, nid)
        assert refused.value.status == status
    with pytest.raises(NotRetryable, match="there is no notification 999") as missing:
        database.write(requeue.retry_failed, 999)
    assert missing.value.status is None

    assert columns(database) == before
    assert database.read(read_stats) == stats_before
    assert rows(database)[failed].status == NotificationStatus.FAILED
