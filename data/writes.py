"""Airdate's own write paths. Each takes a session and leaves committing to the caller."""

from datetime import date, datetime

from sqlmodel import Session, col, or_, select

from . import follows, seasons
from .clock import utcnow
from .models import (
    Channel,
    Episode,
    MediaRequest,
    MediaType,
    Notification,
    RequestSeason,
    RequestStatus,
    User,
)
from .upsert import upsert


def add_user(session: Session, username: str, email: str, *, jellyseerr_id: int | None = None) -> User:
    user = User(username=username, email=email, jellyseerr_id=jellyseerr_id)
    session.add(user)
    session.flush()
    return user


def add_request(
    session: Session,
    requester: User,
    media_type: MediaType,
    title: str,
    tmdb_id: int,
    *,
    status: RequestStatus = RequestStatus.APPROVED,
) -> MediaRequest:
    request = MediaRequest(
        requester_id=requester.id, media_type=media_type, title=title, tmdb_id=tmdb_id, status=status
    )
    session.add(request)
    session.flush()
    return request


def track_episode(
    session: Session,
    tmdb_id: int,
    show_title: str,
    season: int,
    number: int,
    title: str,
    air_date: date | None = None,
    *,
    notify: bool = True,
    air_at: datetime | None = None,
    overview: str | None = None,
) -> Episode | None:
    """Record an episode of a show; queue one notification per requester who is tracking it and per
    channel of theirs (their e-mail unless they turned it off, and each Apprise channel), as each one's
    episode rule says (:mod:`data.seasons`: pending, held for the season, or skipped).

    Returns None when the episode was already tracked: a repeated delivery creates nothing, even when
    two identical deliveries arrive at the same moment (the insert is ``ON CONFLICT DO NOTHING``, so
    only the one that inserted the row queues notifications).
    """
    values = {
        "tmdb_id": tmdb_id,
        "show_title": show_title,
        "season": season,
        "number": number,
        "title": title,
        "air_date": air_date,
        "created_at": utcnow(),
        "air_at": air_at,
        "overview": overview or None,
    }
    keys = ("tmdb_id", "season", "number")
    inserted = upsert(
        session, Episode.__table__, values, keys=keys, insert_only=tuple(values), returning=("id",)
    )
    episode_id = inserted.id if inserted else None
    if episode_id is None:
        return None
    episode = session.get(Episode, episode_id)
    if notify:
        label = f"{show_title} S{season:02d}E{number:02d}"
        told = told_of(session, tmdb_id, season)
        rules = seasons.rules_for(session, told, tmdb_id)
        premiere = seasons.is_premiere(session, episode)
        for user_id, channel_id in channels_of(session, told):
            status, reason = seasons.first_status(rules[user_id], premiere)
            session.add(
                Notification(
                    user_id=user_id,
                    episode_id=episode.id,
                    channel_id=channel_id,
                    subject=f"New episode: {label}",
                    body=f"{label} \u201c{title}\u201d is now available.",
                    status=status,
                    last_error=reason,
                )
            )
    session.flush()
    seasons.release_if_complete(session, tmdb_id, season)
    return episode


def channels_of(session: Session, user_ids: list[int]) -> list[tuple[int, int | None]]:
    """(user, channel) for each channel of these users; None stands for the e-mail address."""
    if not user_ids:
        return []
    emailed = session.exec(
        select(User.id).where(col(User.id).in_(user_ids), col(User.email_enabled).is_(True), User.email != "")
    ).all()
    others = session.exec(
        select(Channel.user_id, Channel.id).where(
            col(Channel.user_id).in_(user_ids), col(Channel.removed_at).is_(None)
        )
    ).all()
    pairs: list[tuple[int, int | None]] = [(user_id, None) for user_id in emailed if user_id is not None]
    pairs += [(user_id, channel_id) for user_id, channel_id in others if channel_id is not None]
    return sorted(pairs, key=lambda pair: (pair[0], pair[1] or 0))


def told_of(session: Session, tmdb_id: int, season: int) -> list[int]:
    """The users to tell of an episode of ``season``: each one tracking a request of this show that asks
    for that season (specials are season 0), that asked for all seasons (a later one counts, specials do
    not), or that names no seasons (one from before Airdate read them); and the show's followers, as if
    they had asked for all seasons. Not users gone from Jellyseerr."""
    asked_for = select(RequestSeason.request_id).where(RequestSeason.request_id == MediaRequest.id)
    covers = [asked_for.where(RequestSeason.season == season).exists(), ~asked_for.exists()]
    if season > 0:
        covers.append(col(MediaRequest.all_seasons).is_(True))
    query = (
        select(MediaRequest.requester_id)
        .join(User, col(User.id) == MediaRequest.requester_id)
        .where(
            MediaRequest.tmdb_id == tmdb_id,
            MediaRequest.media_type == MediaType.TV,
            MediaRequest.status == RequestStatus.APPROVED,
            col(User.removed_at).is_(None),
            or_(*covers),
        )
    )
    followers = follows.follower_ids(session, tmdb_id) if season > 0 else []
    return sorted({*session.exec(query).all(), *followers})
