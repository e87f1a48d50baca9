"""Which episodes a person is told of (:class:`~data.models.EpisodeRule`), and when a season is complete.

A person has a default rule and may have one per show. *Each* episode is told as it lands. With *season
premieres only*, the first episode of a season to land is told and the others are ``skipped`` with that
reason. With *season complete*, items are ``held`` until every episode of their season that has aired
(by Sonarr's schedule, :class:`~data.models.ScheduledEpisode`) is in and the season is over (see
:func:`is_complete`; a mid-season finale does not end a season), and then become ``pending`` together,
so the season is one message. Every function takes the caller's session.
"""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import ColumnElement, update
from sqlmodel import Session, col, func, select

from .clock import as_utc, utcnow
from .models import Episode, EpisodeRule, Notification, NotificationStatus, ScheduledEpisode, ShowRule, User
from .upsert import upsert

PREMIERES_ONLY = "this user is told of season premieres only"
SEASON_ENDS = ("season", "series")  # Sonarr's finaleType values that end a season ("midseason" does not)


def rules_for(session: Session, user_ids: Iterable[int], tmdb_id: int) -> dict[int, EpisodeRule]:
    """Each user's rule for the show: their rule for it, else their default."""
    user_ids = list(user_ids)
    if not user_ids:
        return {}
    defaults = dict(session.exec(select(User.id, User.episode_rule).where(col(User.id).in_(user_ids))).all())
    own = dict(
        session.exec(
            select(ShowRule.user_id, ShowRule.rule).where(
                col(ShowRule.user_id).in_(user_ids), ShowRule.tmdb_id == tmdb_id
            )
        ).all()
    )
    return {
        user_id: EpisodeRule(own.get(user_id, defaults.get(user_id, EpisodeRule.EACH)))
        for user_id in user_ids
    }


def is_premiere(session: Session, episode: Episode) -> bool:
    """Whether the episode is the first of its season to land (no episode of the season came before it)."""
    earlier = select(func.count()).where(
        Episode.tmdb_id == episode.tmdb_id, Episode.season == episode.season, col(Episode.id) < episode.id
    )
    return session.exec(earlier).one() == 0


def first_status(rule: EpisodeRule, premiere: bool) -> tuple[NotificationStatus, str | None]:
    """The status (and the reason, for ``skipped``) a new item starts with under ``rule``."""
    if rule == EpisodeRule.PREMIERES and not premiere:
        return NotificationStatus.SKIPPED, PREMIERES_ONLY
    if rule == EpisodeRule.SEASON_COMPLETE:
        return NotificationStatus.HELD, None
    return NotificationStatus.PENDING, None


def is_complete(session: Session, tmdb_id: int, season: int, now: datetime | None = None) -> bool:
    """Every episode of the season that has aired is in, and the season is over: a season (or series)
    finale has aired, or — TheTVDB, Sonarr's source, lacks many finales — every episode of the season
    Sonarr lists has aired and a later season is listed."""
    now = now or utcnow()
    listed = session.exec(
        select(
            ScheduledEpisode.season, ScheduledEpisode.number, ScheduledEpisode.finale, ScheduledEpisode.air_at
        ).where(ScheduledEpisode.tmdb_id == tmdb_id, ScheduledEpisode.season >= season)
    ).all()
    ours = [
        (number, finale, air_at)
        for listed_season, number, finale, air_at in listed
        if listed_season == season
    ]
    aired = [
        (number, finale) for number, finale, air_at in ours if air_at is not None and as_utc(air_at) <= now
    ]
    ended = any(finale in SEASON_ENDS for _, finale in aired)
    all_aired = bool(ours) and len(aired) == len(ours)
    later = any(listed_season > season for listed_season, *_ in listed)
    if not (ended or (all_aired and later)):
        return False
    landed = set(
        session.exec(select(Episode.number).where(Episode.tmdb_id == tmdb_id, Episode.season == season)).all()
    )
    return all(number in landed for number, _ in aired)


def release_if_complete(session: Session, tmdb_id: int, season: int, now: datetime | None = None) -> int:
    """The season's held items become ``pending`` (one batch per person and channel) once it is
    complete; how many."""
    if not is_complete(session, tmdb_id, season, now):
        return 0
    return _release(session, _of_season(tmdb_id, season))


def settle_rules(session: Session, user_id: int) -> int:
    """After the user's rules changed, what is queued follows them: waiting items of shows now *premieres
    only* that are no premiere become ``skipped``; held items of shows no longer *season complete* become
    ``pending``. How many were skipped."""
    waiting = session.exec(
        select(Notification.id, Notification.status, Episode)
        .join(Episode, col(Episode.id) == Notification.episode_id)
        .where(
            Notification.user_id == user_id,
            col(Notification.status).in_((NotificationStatus.HELD, NotificationStatus.PENDING)),
        )
    ).all()
    shows = {episode.tmdb_id for *_, episode in waiting}  # one look-up per show, not per queued item
    rules = {tmdb_id: rules_for(session, [user_id], tmdb_id)[user_id] for tmdb_id in shows}
    freed, skipped = [], []
    for notification_id, status, episode in waiting:
        rule = rules[episode.tmdb_id]
        if rule == EpisodeRule.PREMIERES and not is_premiere(session, episode):
            skipped.append(notification_id)
        elif status == NotificationStatus.HELD and rule != EpisodeRule.SEASON_COMPLETE:
            freed.append(notification_id)
    if freed:
        _release(session, col(Notification.id).in_(freed))
    if not skipped:
        return 0
    skipping = (
        update(Notification)
        .where(
            col(Notification.id).in_(skipped),
            col(Notification.status).in_((NotificationStatus.HELD, NotificationStatus.PENDING)),
        )
        .values(status=NotificationStatus.SKIPPED, last_error=PREMIERES_ONLY)
    )
    return session.execute(skipping).rowcount


def record_schedule(session: Session, tmdb_id: int, episodes: Iterable[dict]) -> set[int]:
    """Keep Sonarr's episode list of a show (its ``/api/v3/episode`` resources); the seasons it named."""
    seasons = set()
    for episode in episodes:
        air_at = episode.get("airDateUtc")
        values = {
            "tmdb_id": tmdb_id,
            "season": int(episode["seasonNumber"]),
            "number": int(episode["episodeNumber"]),
            "title": episode.get("title") or "",
            "air_at": datetime.fromisoformat(air_at.replace("Z", "+00:00")) if air_at else None,
            "finale": episode.get("finaleType"),
            "runtime": episode.get("runtime") or None,  # Sonarr writes 0 for unknown
            "overview": episode.get("overview") or None,  # absent when Sonarr has none
        }
        upsert(session, ScheduledEpisode.__table__, values, keys=("tmdb_id", "season", "number"))
        seasons.add(values["season"])
    return seasons


def forget_moved(
    session: Session,
    tmdb_ids: Iterable[int],
    listed: set[tuple[int, int, int]],
    after: datetime,
    until: datetime,
) -> int:
    """After a read of Sonarr's calendar up to ``until``: the episodes of these shows held to air after
    ``after`` and by ``until`` that it did not list (``listed``: tmdb id, season, number) had their date
    moved out of the window. Where to, only the show's whole episode list says (its next read); until
    then their air time is unknown, so they leave the Upcoming page. How many."""
    tmdb_ids = list(tmdb_ids)
    if not tmdb_ids:
        return 0
    held = session.exec(
        select(ScheduledEpisode).where(
            col(ScheduledEpisode.tmdb_id).in_(tmdb_ids),
            col(ScheduledEpisode.air_at) > after,
            col(ScheduledEpisode.air_at) <= until,
        )
    ).all()
    moved = [e for e in held if (e.tmdb_id, e.season, e.number) not in listed]
    for episode in moved:
        episode.air_at = None
        session.add(episode)
    return len(moved)


def _of_season(tmdb_id: int, season: int) -> ColumnElement[bool]:
    episodes = select(Episode.id).where(Episode.tmdb_id == tmdb_id, Episode.season == season)
    return col(Notification.episode_id).in_(episodes)


def _release(session: Session, which: ColumnElement[bool]) -> int:
    releasing = (
        update(Notification)
        .where(Notification.status == NotificationStatus.HELD, which)
        .values(status=NotificationStatus.PENDING)
    )
    return session.execute(releasing).rowcount
