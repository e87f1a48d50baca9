"""Following a show: a person told of its new episodes without having requested it, as a requester of
all its seasons is (their own preferences apply). The shows there are to follow are the shows Airdate
tracks: those with an approved tv request. Every function takes the caller's session."""

from dataclasses import dataclass

from sqlalchemy import delete, update
from sqlmodel import Session, col, func, select

from .models import (
    Episode,
    Follow,
    MediaRequest,
    MediaType,
    Notification,
    NotificationStatus,
    RequestStatus,
    User,
)
from .upsert import upsert

UNFOLLOWED = "the user no longer follows this show"


@dataclass(frozen=True)
class TrackedShow:
    tmdb_id: int
    title: str
    requesters: tuple[str, ...] = ()  # user names, of people still in Jellyseerr
    followers: tuple[str, ...] = ()


def tracked_shows(session: Session, search: str = "", limit: int = 50) -> list[TrackedShow]:
    """The shows Airdate tracks whose title contains ``search`` (any case), by title, at most ``limit``,
    each with its requesters and followers."""
    query = (
        select(MediaRequest.tmdb_id, func.min(MediaRequest.title))
        .where(*_tracking())
        .group_by(MediaRequest.tmdb_id)
    )
    if search.strip():
        query = query.having(func.lower(func.min(MediaRequest.title)).contains(search.strip().lower()))
    found = session.exec(query.order_by(func.lower(func.min(MediaRequest.title))).limit(limit)).all()
    return _with_people(session, dict(found))


def tracked_show(session: Session, tmdb_id: int) -> TrackedShow | None:
    """One tracked show with its requesters and followers; None if Airdate does not track it."""
    title = session.exec(
        select(func.min(MediaRequest.title)).where(MediaRequest.tmdb_id == tmdb_id, *_tracking())
    ).one()
    return _with_people(session, {tmdb_id: title})[0] if title is not None else None


def followed(session: Session, user_id: int) -> dict[int, str]:
    """The shows the user follows: TMDB id → title (a show no longer tracked keeps its follow)."""
    rows = session.exec(
        select(Follow.tmdb_id, func.min(MediaRequest.title))
        .join(MediaRequest, col(MediaRequest.tmdb_id) == Follow.tmdb_id, isouter=True)
        .where(Follow.user_id == user_id)
        .group_by(Follow.tmdb_id)
    ).all()
    return {tmdb_id: title or f"TMDB {tmdb_id}" for tmdb_id, title in rows}


def followers(session: Session, tmdb_id: int) -> list[tuple[int, str]]:
    """(id, name) of the show's followers still in Jellyseerr, by name."""
    query = (
        select(User.id, User.username)
        .join(Follow, col(Follow.user_id) == User.id)
        .where(Follow.tmdb_id == tmdb_id, col(User.removed_at).is_(None))
        .order_by(func.lower(User.username))
    )
    return [(user_id, name) for user_id, name in session.exec(query).all() if user_id is not None]


def follower_ids(session: Session, tmdb_id: int) -> list[int]:
    """The followers of a show still in Jellyseerr."""
    query = (
        select(Follow.user_id)
        .join(User, col(User.id) == Follow.user_id)
        .where(Follow.tmdb_id == tmdb_id, col(User.removed_at).is_(None))
    )
    return sorted(session.exec(query).all())


def candidates(session: Session, tmdb_id: int, limit: int = 1000) -> list[tuple[int, str]]:
    """People who could follow the show: (id, name) of users still in Jellyseerr who neither follow nor
    requested it, by name, at most ``limit``."""
    following = select(Follow.user_id).where(Follow.tmdb_id == tmdb_id)
    asking = select(MediaRequest.requester_id).where(MediaRequest.tmdb_id == tmdb_id, *_tracking())
    query = (
        select(User.id, User.username)
        .where(col(User.removed_at).is_(None), col(User.id).not_in(following), col(User.id).not_in(asking))
        .order_by(func.lower(User.username))
        .limit(limit)
    )
    return [(user_id, name) for user_id, name in session.exec(query).all() if user_id is not None]


def follow(session: Session, user_id: int, tmdb_id: int, added_by: str) -> bool:
    """Make the user a follower of a tracked show; whether they were not one already. LookupError for no
    such user or a show Airdate does not track."""
    if session.get(User, user_id) is None:
        raise LookupError(f"there is no user {user_id}")
    if tracked_show(session, tmdb_id) is None:
        raise LookupError(f"Airdate tracks no show with TMDB id {tmdb_id}")
    values = {"user_id": user_id, "tmdb_id": tmdb_id, "added_by": added_by}
    table = Follow.__table__  # type: ignore[attr-defined]
    before = session.get(Follow, (user_id, tmdb_id)) is not None
    upsert(session, table, values, keys=("user_id", "tmdb_id"), insert_only=tuple(values))
    return not before


def unfollow(session: Session, user_id: int, tmdb_id: int) -> tuple[bool, int]:
    """Stop following; (whether they followed it, how many of their queued items of the show became
    ``skipped`` because they did not request it either). LookupError for no such user."""
    if session.get(User, user_id) is None:
        raise LookupError(f"there is no user {user_id}")
    removing = delete(Follow).where(col(Follow.user_id) == user_id, col(Follow.tmdb_id) == tmdb_id)
    gone = session.execute(removing).rowcount
    if not gone or _requested(session, user_id, tmdb_id):
        return bool(gone), 0
    of_show = select(Episode.id).where(Episode.tmdb_id == tmdb_id)
    skipping = (
        update(Notification)
        .where(
            Notification.user_id == user_id,
            col(Notification.episode_id).in_(of_show),
            col(Notification.status).in_((NotificationStatus.PENDING, NotificationStatus.HELD)),
        )
        .values(status=NotificationStatus.SKIPPED, last_error=UNFOLLOWED)
    )
    return True, session.execute(skipping).rowcount


def _tracking() -> tuple:
    return (MediaRequest.media_type == MediaType.TV, MediaRequest.status == RequestStatus.APPROVED)


def _requested(session: Session, user_id: int, tmdb_id: int) -> bool:
    query = select(MediaRequest.id).where(
        MediaRequest.requester_id == user_id, MediaRequest.tmdb_id == tmdb_id, *_tracking()
    )
    return session.exec(query).first() is not None


def _with_people(session: Session, titles: dict[int, str]) -> list[TrackedShow]:
    if not titles:
        return []
    active = col(User.removed_at).is_(None)
    asked = session.exec(
        select(MediaRequest.tmdb_id, User.username)
        .join(User, col(User.id) == MediaRequest.requester_id)
        .where(col(MediaRequest.tmdb_id).in_(titles), active, *_tracking())
    ).all()
    following = session.exec(
        select(Follow.tmdb_id, User.username)
        .join(User, col(User.id) == Follow.user_id)
        .where(col(Follow.tmdb_id).in_(titles), active)
    ).all()

    def names(rows: list, tmdb_id: int) -> tuple[str, ...]:
        return tuple(sorted({name for show, name in rows if show == tmdb_id}, key=str.lower))

    return [
        TrackedShow(tmdb_id, title, names(asked, tmdb_id), names(following, tmdb_id))
        for tmdb_id, title in titles.items()
    ]
