"""The notification outbox: which batches are due, claiming them, and recording how sending went.

Crash safety rests on the order of three commits: a batch is *claimed* (status ``sending``) in its own
transaction before any e-mail leaves; only after the SMTP server accepted the mail is it marked
``sent``. A process that dies in between leaves ``sending`` rows, which :func:`release_stale` puts
back to ``pending`` at the next start, so nothing is lost. The one window for a duplicate is a crash
after the server accepted the mail and before the ``sent`` commit: that batch is sent again.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, func, update
from sqlmodel import col, or_, select

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


@dataclass(frozen=True)
class Batch:
    user_id: int
    username: str
    email: str
    items: list[Item]
    attempt: int  # 1 for the first try

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


def claim(database: Database, user_id: int, now: datetime | None = None) -> Batch | None:
    """Take all of a user's ready items in one transaction; None if there is nothing to send."""
    now = now or utcnow()
    with database.session() as session:
        user = session.get(User, user_id)
        rows = session.exec(select(Notification).where(Notification.user_id == user_id, _ready(now))).all()
        if user is None or not rows:
            return None
        for row in rows:
            row.status = NotificationStatus.SENDING
            row.claimed_at = now
            row.attempts += 1
            session.add(row)
        session.commit()
        attempt = max(row.attempts for row in rows)
        episodes = {
            e.id: e
            for e in session.exec(
                select(Episode).where(col(Episode.id).in_([r.episode_id for r in rows]))
            ).all()
        }
        items = [_item(row, episodes.get(row.episode_id)) for row in sorted(rows, key=lambda r: r.id)]
        return Batch(user_id, user.username, user.email, items, attempt)


def mark_sent(database: Database, batch: Batch) -> None:
    now = utcnow()
    with database.session() as session:
        session.exec(
            update(Notification)
            .where(col(Notification.id).in_(batch.ids))
            .values(status=NotificationStatus.SENT, sent_at=now, claimed_at=None, last_error=None)
        )
        session.commit()


def mark_failed_attempt(
    database: Database, batch: Batch, error: str, *, attempts: int, backoff: float
) -> bool:
    """Back to pending with a delay, or ``failed`` once out of attempts; True if it will be retried."""
    retry = batch.attempt < attempts
    values: dict = {"claimed_at": None, "last_error": error[:500]}
    if retry:
        delay = timedelta(seconds=backoff * 2 ** (batch.attempt - 1))
        values |= {"status": NotificationStatus.PENDING, "next_attempt_at": utcnow() + delay}
    else:
        values |= {"status": NotificationStatus.FAILED}
    with database.session() as session:
        session.exec(update(Notification).where(col(Notification.id).in_(batch.ids)).values(**values))
        session.commit()
    return retry


def release_stale(database: Database) -> int:
    """Put batches left ``sending`` by a process that died back to ``pending`` (call at start-up)."""
    with database.session() as session:
        result = session.exec(
            update(Notification)
            .where(Notification.status == NotificationStatus.SENDING)
            .values(status=NotificationStatus.PENDING, claimed_at=None)
        )
        session.commit()
        return result.rowcount


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
    )
