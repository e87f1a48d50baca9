"""The notification outbox: which batches are due, claiming them, and recording how sending went.

Crash safety rests on the order of three commits (each function takes the caller's session, and the
caller commits each step as its own unit of work): a batch is *claimed* (status ``sending``) in its own
transaction before any e-mail leaves; only after the SMTP server accepted the mail is it marked
``sent``. The one window for a duplicate is a crash after the server accepted the mail and before the
``sent`` commit: that batch is sent again.

Several processes may share one database (replicas, or a second ``main.py`` by mistake), so a claim is
one atomic ``UPDATE … WHERE status = 'pending' … RETURNING``: of two processes claiming the same user's
items at once, the database gives each row to exactly one. A claim records its owner and time; the
outcome is written only ``WHERE claimed_by = <owner>``, and :func:`release_stale` takes back only claims
older than a lease, so a live process's batch is never put back under it, while one left behind by a
process that died is sent again once its lease has run out. Attempts are counted per notification.

A notification is one item for one user on one channel (``channel_id``; None is the user's e-mail), so
a batch (:mod:`data.batches`) is a user's ready items on one channel, and a channel that is down is
retried on its own while the user's other channels are not sent again. When a batch is due depends on
the user's mode: *as they land* once the newest item is ``grouping_delay`` old, *digest* once the oldest
item is older than the user's latest daily digest time, *off* never
(:func:`data.unwanted.skip_unwanted` makes such items ``skipped``).

An operator may put ``failed`` notifications back (:func:`data.requeue.retry_failed`).
"""

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Update, func, update
from sqlmodel import Session, col, or_, select

from .batches import Batch, on_channel, read_batch
from .clock import as_utc, last_daily
from .models import Channel, Notification, NotificationStatus, NotifyMode, User, utcnow


def _ready(now: datetime) -> ColumnElement[bool]:
    return (Notification.status == NotificationStatus.PENDING) & or_(
        col(Notification.next_attempt_at).is_(None), col(Notification.next_attempt_at) <= now
    )


def due_batches(
    session: Session,
    grouping_delay: float,
    now: datetime | None = None,
    *,
    now_please: bool = False,
) -> list[tuple[int, int | None]]:
    """(user, channel) pairs whose ready items are due by the user's mode (see above); ``now_please``
    takes every ready item, mode or not (the operator's *Send pending*)."""
    now = now or utcnow()
    query = (
        select(
            Notification.user_id,
            Notification.channel_id,
            func.min(Notification.created_at),
            func.max(Notification.created_at),
            User.notify_mode,
            User.digest_at,
            User.time_zone,
        )
        .join(User, col(User.id) == Notification.user_id)
        .where(_ready(now))
        .group_by(Notification.user_id, Notification.channel_id)
        .group_by(User.notify_mode, User.digest_at, User.time_zone)
        .order_by(Notification.user_id, Notification.channel_id)
    )
    rows = session.exec(query).all()
    due = []
    for user_id, channel_id, oldest, newest, mode, digest_at, time_zone in rows:
        if now_please:
            due.append((user_id, channel_id))
        elif mode == NotifyMode.DIGEST:
            if as_utc(oldest) <= last_daily(now, digest_at, time_zone):
                due.append((user_id, channel_id))
        elif mode != NotifyMode.OFF and as_utc(newest) <= now - timedelta(seconds=grouping_delay):
            due.append((user_id, channel_id))
    return due


def claim(
    session: Session, user_id: int, channel_id: int | None, owner: str, now: datetime | None = None
) -> Batch | None:
    """Take all of a user's ready items on one channel in one atomic statement; None if there is
    nothing to send."""
    now = now or utcnow()
    claiming = (
        update(Notification)
        .where(col(Notification.user_id) == user_id, on_channel(channel_id), _ready(now))
        .values(
            status=NotificationStatus.SENDING,
            claimed_at=now,
            claimed_by=owner,
            attempts=col(Notification.attempts) + 1,
        )
        .returning(col(Notification.id))
    )
    ids = list(session.execute(claiming).scalars())
    if not ids:
        return None
    user = session.get(User, user_id)
    assert user is not None  # notifications.user_id is a foreign key
    channel = session.get(Channel, channel_id) if channel_id is not None else None
    return read_batch(session, user, col(Notification.id).in_(ids), owner, channel)


def next_batch(session: Session, user_id: int) -> Batch:
    """What the user's next e-mail would hold: every pending e-mail item, read without claiming anything
    (an operator's preview). Its ``items`` are empty when nothing is pending; LookupError for no user."""
    user = session.get(User, user_id)
    if user is None:
        raise LookupError(f"no user with id {user_id}")
    pending = (col(Notification.user_id) == user_id) & (Notification.status == NotificationStatus.PENDING)
    return read_batch(session, user, pending & on_channel(None), owner="")


def mark_sent(session: Session, batch: Batch) -> int:
    """Record the batch as sent; how many of its notifications this owner still held."""
    result = session.execute(
        _owned(batch).values(
            status=NotificationStatus.SENT,
            sent_at=utcnow(),
            claimed_at=None,
            claimed_by=None,
            last_error=None,
        )
    )
    return result.rowcount


def mark_failed_attempt(session: Session, batch: Batch, error: str, *, attempts: int, backoff: float) -> bool:
    """Each item back to pending after its own backoff, or ``failed`` once out of its attempts; True if
    any of them will be retried."""
    now = utcnow()
    released = {"claimed_at": None, "claimed_by": None, "last_error": error[:500]}
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
    return retried > 0


def release_stale(session: Session, lease: float, now: datetime | None = None) -> int:
    """Put back to ``pending`` the items claimed more than ``lease`` seconds ago: their process died (or
    hung) before recording how sending went. Younger claims belong to a live sender and stay."""
    expired = (now or utcnow()) - timedelta(seconds=lease)
    result = session.execute(
        update(Notification)
        .where(
            col(Notification.status) == NotificationStatus.SENDING,
            or_(col(Notification.claimed_at).is_(None), col(Notification.claimed_at) <= expired),
        )
        .values(status=NotificationStatus.PENDING, claimed_at=None, claimed_by=None)
    )
    return result.rowcount


def _owned(batch: Batch) -> Update:
    """An UPDATE of the batch's items that this claim still holds."""
    return update(Notification).where(
        col(Notification.id).in_(batch.ids),
        col(Notification.status) == NotificationStatus.SENDING,
        col(Notification.claimed_by) == batch.owner,
    )
