"""The notification outbox: which batches are due, claiming them, and recording how sending went.

Crash safety rests on the order of three commits: a batch is *claimed* (status ``sending``) in its own
transaction before any e-mail leaves; only after the SMTP server accepted the mail is it marked
``sent``. The one window for a duplicate is a crash after the server accepted the mail and before the
``sent`` commit: that batch is sent again.

Several processes may share one database (replicas, or a second ``main.py`` by mistake), so a claim is
one atomic ``UPDATE … WHERE status = 'pending' … RETURNING``: of two processes claiming the same user's
items at once, the database gives each row to exactly one. A claim records its owner and time; the
outcome is written only ``WHERE claimed_by = <owner>``, and :func:`release_stale` takes back only claims
older than a lease, so a live process's batch is never put back under it, while one left behind by a
process that died is sent again once its lease has run out. Attempts are counted per notification.

An operator may put ``failed`` notifications back (:func:`retry_failed`): they become ``pending`` with
no attempts and no backoff, as if new, so the next round sends them; nothing else is touched.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, Update, func, update
from sqlmodel import Session, col, or_, select

from .db import Database
from .models import Episode, Notification, NotificationStatus, User, utcnow


@dataclass(frozen=True)
class Item:
    notification_id: int
    subject: str
    body: str
    show: str | None
    season: int | None
    number: int | None
    episode_title: str | None
    air_date: date | None
    attempts: int  # this one included


@dataclass(frozen=True)
class Batch:
    user_id: int
    username: str
    email: str
    items: list[Item]
    owner: str  # who claimed it (data.outbox.claim)

    @property
    def ids(self) -> list[int]:
        return [item.notification_id for item in self.items]


def _ready(now: datetime) -> ColumnElement[bool]:
    return (Notification.status == NotificationStatus.PENDING) & or_(
        col(Notification.next_attempt_at).is_(None), col(Notification.next_attempt_at) <= now
    )


def due_users(database: Database, grouping_delay: float, now: datetime | None = None) -> list[int]:
    """Users whose newest ready item is at least ``grouping_delay`` seconds old."""
    now = now or utcnow()
    with database.session() as session:
        query = (
            select(Notification.user_id)
            .where(_ready(now))
            .group_by(Notification.user_id)
            .having(func.max(Notification.created_at) <= now - timedelta(seconds=grouping_delay))
        )
        return list(session.exec(query).all())


def claim(database: Database, user_id: int, owner: str, now: datetime | None = None) -> Batch | None:
    """Take all of a user's ready items in one atomic statement; None if there is nothing to send."""
    now = now or utcnow()
    claiming = (
        update(Notification)
        .where(col(Notification.user_id) == user_id, _ready(now))
        .values(
            status=NotificationStatus.SENDING,
            claimed_at=now,
            claimed_by=owner,
            attempts=col(Notification.attempts) + 1,
        )
        .returning(col(Notification.id))
    )
    with database.session() as session:
        ids = list(session.execute(claiming).scalars())
        session.commit()
        if not ids:
            return None
        user = session.get(User, user_id)
        assert user is not None  # notifications.user_id is a foreign key
        return _batch(session, user, col(Notification.id).in_(ids), owner)


def next_batch(database: Database, user_id: int) -> Batch:
    """What the user's next e-mail would hold: every pending item, read without claiming anything (an
    operator's preview). Its ``items`` are empty when nothing is pending; LookupError for no such user."""
    with database.session() as session:
        user = session.get(User, user_id)
        if user is None:
            raise LookupError(f"no user with id {user_id}")
        pending = (col(Notification.user_id) == user_id) & (Notification.status == NotificationStatus.PENDING)
        return _batch(session, user, pending, owner="")


def _batch(session: Session, user: User, which: ColumnElement[bool], owner: str) -> Batch:
    rows = session.exec(select(Notification).where(which)).all()
    episode_ids = [r.episode_id for r in rows if r.episode_id is not None]
    episodes = {e.id: e for e in session.exec(select(Episode).where(col(Episode.id).in_(episode_ids)))}
    items = [_item(row, episodes.get(row.episode_id)) for row in sorted(rows, key=lambda r: r.id)]
    assert user.id is not None
    return Batch(user.id, user.username, user.email, items, owner)


def mark_sent(database: Database, batch: Batch) -> int:
    """Record the batch as sent; how many of its notifications this owner still held."""
    with database.session() as session:
        result = session.execute(
            _owned(batch).values(
                status=NotificationStatus.SENT,
                sent_at=utcnow(),
                claimed_at=None,
                claimed_by=None,
                last_error=None,
            )
        )
        session.commit()
        return result.rowcount


def mark_failed_attempt(
    database: Database, batch: Batch, error: str, *, attempts: int, backoff: float
) -> bool:
    """Each item back to pending after its own backoff, or ``failed`` once out of its attempts; True if
    any of them will be retried."""
    now = utcnow()
    released = {"claimed_at": None, "claimed_by": None, "last_error": error[:500]}
    with database.session() as session:
        session.execute(
            _owned(batch)
            .where(col(Notification.attempts) >= attempts)
            .values(status=NotificationStatus.FAILED, **released)
        )
        retried = 0
        for tried in sorted({item.attempts for item in batch.items if item.attempts < attempts}):
            retry_at = now + timedelta(seconds=backoff * 2 ** (tried - 1))
            retried += session.execute(
                _owned(batch)
                .where(col(Notification.attempts) == tried)
                .values(status=NotificationStatus.PENDING, next_attempt_at=retry_at, **released)
            ).rowcount
        session.commit()
    return retried > 0


def release_stale(database: Database, lease: float, now: datetime | None = None) -> int:
    """Put back to ``pending`` the items claimed more than ``lease`` seconds ago: their process died (or
    hung) before recording how sending went. Younger claims belong to a live sender and stay."""
    expired = (now or utcnow()) - timedelta(seconds=lease)
    with database.session() as session:
        result = session.execute(
            update(Notification)
            .where(
                col(Notification.status) == NotificationStatus.SENDING,
                or_(col(Notification.claimed_at).is_(None), col(Notification.claimed_at) <= expired),
            )
            .values(status=NotificationStatus.PENDING, claimed_at=None, claimed_by=None)
        )
        session.commit()
        return result.rowcount


class NotRetryable(Exception):
    """One notification asked to be retried is not ``failed`` (``status``) or does not exist (None)."""

    def __init__(self, notification_id: int, status: str | None) -> None:
        self.notification_id = notification_id
        self.status = status
        if status is None:
            message = f"there is no notification {notification_id}"
        else:
            message = f"notification {notification_id} is {status}, not failed: only failed ones are retried"
        super().__init__(message)


def retry_failed(database: Database, notification_id: int | None = None) -> int:
    """Every failed notification (or only ``notification_id``) back to ``pending``, attempts and backoff
    reset, so the mailer's next round sends it; how many moved. ``last_error`` stays until it is sent.

    A given notification that is not failed raises :class:`NotRetryable` and nothing changes."""
    retrying = (
        update(Notification)
        .where(col(Notification.status) == NotificationStatus.FAILED)
        .values(
            status=NotificationStatus.PENDING,
            attempts=0,
            next_attempt_at=None,
            claimed_at=None,
            claimed_by=None,
        )
    )
    if notification_id is not None:
        retrying = retrying.where(col(Notification.id) == notification_id)
    with database.session() as session:
        moved = session.execute(retrying).rowcount
        session.commit()
        if notification_id is not None and moved == 0:
            status = session.exec(
                select(Notification.status).where(col(Notification.id) == notification_id)
            ).first()
            raise NotRetryable(notification_id, status)
    return moved


def _owned(batch: Batch) -> Update:
    """An UPDATE of the batch's items that this claim still holds."""
    return update(Notification).where(
        col(Notification.id).in_(batch.ids),
        col(Notification.status) == NotificationStatus.SENDING,
        col(Notification.claimed_by) == batch.owner,
    )


def _item(row: Notification, episode: Episode | None) -> Item:
    return Item(
        row.id,
        row.subject,
        row.body,
        episode.show_title if episode else None,
        episode.season if episode else None,
        episode.number if episode else None,
        episode.title if episode else None,
        episode.air_date if episode else None,
        row.attempts,
    )
