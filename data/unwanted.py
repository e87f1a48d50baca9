"""Notifications nobody wants any more: pending (and held) items become ``skipped``, the reason in
``last_error``, before the outbox would send them.

An item is unwanted when its user is gone from Jellyseerr, turned notifications off or muted the show;
when its request was removed (and the user does not follow the show); when its channel was removed; or
when it is e-mail and the user turned e-mail off or has no address.
"""

from sqlalchemy import ColumnElement, update
from sqlmodel import Session, col, select

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
)

USER_REMOVED = "the user was removed from Jellyseerr"
REQUEST_REMOVED = "the request was removed from Jellyseerr"
NO_ADDRESS = "the user has no e-mail address"


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
