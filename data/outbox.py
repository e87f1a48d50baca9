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
a batch is a user's ready items on one channel, and a channel that is down is retried on its own while
the user's other channels are not sent again. When a batch is due depends on the user's mode: *as they
land* once the newest item is ``grouping_delay`` old, *digest* once the oldest item is older than the
user's latest daily digest time, *off* never (:func:`skip_unwanted` makes such items ``skipped``).

An operator may put ``failed`` notifications back (:func:`retry_failed`): they become ``pending`` with
no attempts and no backoff, as if new, so the next round sends them; nothing else is touched.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, Update, func, update
from sqlmodel import Session, col, or_, select

from . import show_facts
from .clock import as_utc, last_daily
from .models import (
    Channel,
    Episode,
    Follow,
    MediaRequest,
    MediaType,
    MutedShow,
    Notification,
    NotificationStatus,
    NotifyMode,
    RequestStatus,
    User,
    utcnow,
)

USER_REMOVED = "the user was removed from Jellyseerr"
REQUEST_REMOVED = "the request was removed from Jellyseerr"
NO_ADDRESS = "the user has no e-mail address"


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
    tmdb_id: int | None = None
    facts: show_facts.EpisodeFacts = field(default_factory=show_facts.EpisodeFacts)  # air time, runtime…


@dataclass(frozen=True)
class Batch:
    user_id: int
    username: str
    email: str
    items: list[Item]
    owner: str  # who claimed it (data.outbox.claim)
    channel_id: int | None = None  # None: e-mail
    channel_url: str | None = None  # the Apprise URL (secrets included: never shown)
    channel_label: str = "e-mail"  # what to call the channel where people read it (secrets masked)
    link_key: int = 0  # what the links in it carry (services.links)
    time_zone: str = "UTC"  # the user's (IANA), for the air times
    shows: dict[int, show_facts.Show] = field(default_factory=dict)  # by TMDB id: poster, links

    @property
    def ids(self) -> list[int]:
        return [item.notification_id for item in self.items]


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


def skip_unwanted(session: Session, user_id: int | None = None) -> int:
    """Pending (and held) items nobody wants any more become ``skipped``, the reason in ``last_error``:
    their user is gone from Jellyseerr, turned notifications off or muted the show; their request was
    removed; their channel was removed; or it is e-mail and the user turned it off or has no address."""
    skipped = 0
    for reason, unwanted in _unwanted():
        waiting = col(Notification.status).in_((NotificationStatus.PENDING, NotificationStatus.HELD))
        skipping = update(Notification).where(waiting, unwanted)
        if user_id is not None:
            skipping = skipping.where(col(Notification.user_id) == user_id)
        values = {"status": NotificationStatus.SKIPPED, "last_error": reason}
        skipped += session.execute(skipping.values(**values)).rowcount
    return skipped


def _unwanted() -> list[tuple[str, ColumnElement[bool]]]:
    """(reason, which pending items), first reason first."""

    def users(*where: ColumnElement[bool]) -> ColumnElement[bool]:
        return col(Notification.user_id).in_(select(User.id).where(*where))

    e_mail = col(Notification.channel_id).is_(None)
    show_requests = (  # the user's requests of the item's show (the EXISTS below correlate to the item)
        select(MediaRequest.id)
        .join(Episode, col(Episode.tmdb_id) == MediaRequest.tmdb_id)
        .where(
            col(Episode.id) == Notification.episode_id,
            MediaRequest.requester_id == Notification.user_id,
            MediaRequest.media_type == MediaType.TV,
        )
    )
    follows_show = (
        select(Follow.tmdb_id)
        .join(Episode, col(Episode.tmdb_id) == Follow.tmdb_id)
        .where(col(Episode.id) == Notification.episode_id, Follow.user_id == Notification.user_id)
        .exists()
    )
    request_removed = (
        show_requests.where(MediaRequest.status == RequestStatus.REMOVED).exists()
        & ~show_requests.where(MediaRequest.status != RequestStatus.REMOVED).exists()
        & ~follows_show  # a follower is still told
    )
    muted = col(Notification.episode_id).in_(
        select(Episode.id)
        .join(MutedShow, col(MutedShow.tmdb_id) == Episode.tmdb_id)
        .where(MutedShow.user_id == Notification.user_id)
    )
    return [
        (USER_REMOVED, users(col(User.removed_at).is_not(None))),
        (REQUEST_REMOVED, request_removed),
        ("notifications are off for this user", users(User.notify_mode == NotifyMode.OFF)),
        ("the user muted this show", muted),
        (
            "the channel was removed",
            col(Notification.channel_id).in_(select(Channel.id).where(col(Channel.removed_at).is_not(None))),
        ),
        ("e-mail is off for this user", e_mail & users(col(User.email_enabled).is_(False))),
        (NO_ADDRESS, e_mail & users(User.email == "")),
    ]


def claim(
    session: Session, user_id: int, channel_id: int | None, owner: str, now: datetime | None = None
) -> Batch | None:
    """Take all of a user's ready items on one channel in one atomic statement; None if there is
    nothing to send."""
    now = now or utcnow()
    claiming = (
        update(Notification)
        .where(col(Notification.user_id) == user_id, _on(channel_id), _ready(now))
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
    return _batch(session, user, col(Notification.id).in_(ids), owner, channel)


def next_batch(session: Session, user_id: int) -> Batch:
    """What the user's next e-mail would hold: every pending e-mail item, read without claiming anything
    (an operator's preview). Its ``items`` are empty when nothing is pending; LookupError for no user."""
    user = session.get(User, user_id)
    if user is None:
        raise LookupError(f"no user with id {user_id}")
    pending = (col(Notification.user_id) == user_id) & (Notification.status == NotificationStatus.PENDING)
    return _batch(session, user, pending & _on(None), owner="")


def _on(channel_id: int | None) -> ColumnElement[bool]:
    if channel_id is None:
        return col(Notification.channel_id).is_(None)
    return col(Notification.channel_id) == channel_id


def _batch(
    session: Session, user: User, which: ColumnElement[bool], owner: str, channel: Channel | None = None
) -> Batch:
    rows = session.exec(select(Notification).where(which)).all()
    episode_ids = [r.episode_id for r in rows if r.episode_id is not None]
    episodes = {e.id: e for e in session.exec(select(Episode).where(col(Episode.id).in_(episode_ids)))}
    facts = show_facts.episodes(session, episodes.values())
    items = [
        _item(row, episodes.get(row.episode_id), facts.get(row.episode_id))
        for row in sorted(rows, key=lambda r: r.id)
    ]
    assert user.id is not None
    shows = show_facts.shows(session, (e.tmdb_id for e in episodes.values()), user.id)
    dressed = {"link_key": user.link_key, "time_zone": user.time_zone, "shows": shows}
    if channel is None:
        return Batch(user.id, user.username, user.email, items, owner, **dressed)
    return Batch(
        user.id, user.username, user.email, items, owner, channel.id, channel.url, channel.label, **dressed
    )


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


def retry_failed(session: Session, notification_id: int | None = None, *, email: bool = True) -> int:
    """Every failed notification (or only ``notification_id``) back to ``pending``, attempts and backoff
    reset, so the mailer's next round sends it; how many moved. ``last_error`` stays until it is sent.

    ``email=False`` leaves failed e-mails alone (there is no mail server to send them). A given
    notification that is not failed raises :class:`NotRetryable` and nothing changes."""
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
    if not email:
        retrying = retrying.where(col(Notification.channel_id).is_not(None))
    moved = session.execute(retrying).rowcount
    if notification_id is not None and moved == 0:
        status = session.exec(
            select(Notification.status).where(col(Notification.id) == notification_id)
        ).first()
        raise NotRetryable(notification_id, status)
    return moved


def failed_emails(session: Session) -> int:
    """How many e-mail items are ``failed``."""
    failed = (Notification.status == NotificationStatus.FAILED) & _on(None)
    return session.exec(select(func.count()).select_from(Notification).where(failed)).one()


def _owned(batch: Batch) -> Update:
    """An UPDATE of the batch's items that this claim still holds."""
    return update(Notification).where(
        col(Notification.id).in_(batch.ids),
        col(Notification.status) == NotificationStatus.SENDING,
        col(Notification.claimed_by) == batch.owner,
    )


def _item(row: Notification, episode: Episode | None, facts: show_facts.EpisodeFacts | None) -> Item:
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
        episode.tmdb_id if episode else None,
        facts or show_facts.EpisodeFacts(),
    )
