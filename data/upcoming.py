"""What airs next: the episodes of tracked shows Sonarr lists to air soon, with who will be told; and one
person's episodes, for their calendar feed.

The console's *Upcoming* page is fed by the live feed's one read per tick (:func:`read_if_changed`):
that reads one value, the *upcoming revision* (raised by triggers whenever the schedule, the follows,
the requests, mutes or users change; migration 0012), and reads the window itself only when the
revision moved or a minute passed (the window moves with the clock). Every function takes the caller's
session.
"""

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from . import meta, seasons
from .clock import as_utc, utcnow
from .models import (
    Episode,
    EpisodeRule,
    Follow,
    MediaRequest,
    MediaType,
    MutedShow,
    NotifyMode,
    RequestStatus,
    ScheduledEpisode,
    User,
)
from .writes import told_of

REVISION_KEY = "upcoming.revision"
WHOLE_SEASON = " (whole season)"  # after the name of a person told once the season is complete
WINDOW = timedelta(days=14)  # the Upcoming page's
CALENDAR_PAST = timedelta(days=7)  # a calendar feed keeps the last week's episodes too


@dataclass(frozen=True, slots=True)
class UpcomingEpisode:
    tmdb_id: int
    show: str
    season: int
    number: int
    title: str
    air_at: datetime  # UTC
    runtime: int | None = None  # minutes
    finale: str | None = None
    told: tuple[str, ...] = ()  # who will be told of it (by their rules; see :func:`read`)

    @property
    def label(self) -> str:
        return f"{self.show} S{self.season:02d}E{self.number:02d}"


@dataclass(frozen=True, slots=True)
class UpcomingShow:
    tmdb_id: int
    title: str
    episodes: tuple[UpcomingEpisode, ...]
    told: tuple[str, ...]  # who hears of the show (user names): requesters and followers who want it


@dataclass(frozen=True, slots=True)
class Upcoming:
    """The next :data:`WINDOW` of episodes, by show (the soonest first)."""

    key: str  # the revision and minute it is current to
    shows: tuple[UpcomingShow, ...] = field(default=())

    @property
    def episode_count(self) -> int:
        return sum(len(show.episodes) for show in self.shows)


def read_if_changed(session: Session, seen: str | None, now: datetime | None = None) -> Upcoming | None:
    """The upcoming episodes, unless they cannot have changed since the read whose key is ``seen``."""
    now = now or utcnow()
    key = f"{meta.get(session, REVISION_KEY) or 0}@{now:%Y-%m-%dT%H:%M}"
    return None if key == seen else read(session, key, now)


def read(session: Session, key: str = "", now: datetime | None = None) -> Upcoming:
    """The next :data:`WINDOW` of episodes by show, each with who will be told of it by their rule: a
    *premieres only* person for a season's first episode to land only, a *season complete* person marked
    :data:`WHOLE_SEASON` (told once the season is complete)."""
    now = now or utcnow()
    shows: dict[int, list[UpcomingEpisode]] = {}
    for episode in _between(session, now, now + WINDOW):
        shows.setdefault(episode.tmdb_id, []).append(episode)
    return Upcoming(key, tuple(_show(session, tmdb_id, listed) for tmdb_id, listed in shows.items()))


def of_user(session: Session, user_id: int, now: datetime | None = None) -> list[UpcomingEpisode]:
    """The episodes of the user's shows (requested for that season, or followed; not muted) that aired
    in the last week or are listed to air, soonest first."""
    now = now or utcnow()
    requested = select(MediaRequest.tmdb_id).where(
        MediaRequest.requester_id == user_id,
        MediaRequest.media_type == MediaType.TV,
        MediaRequest.status == RequestStatus.APPROVED,
    )
    shows = set(session.exec(requested).all()) | set(
        session.exec(select(Follow.tmdb_id).where(Follow.user_id == user_id)).all()
    )
    shows -= set(session.exec(select(MutedShow.tmdb_id).where(MutedShow.user_id == user_id)).all())
    listed = _between(session, now - CALENDAR_PAST, None, shows)
    seasons = {(e.tmdb_id, e.season) for e in listed}
    theirs = {pair for pair in seasons if user_id in told_of(session, *pair)}
    return [e for e in listed if (e.tmdb_id, e.season) in theirs]


def _between(
    session: Session, start: datetime, end: datetime | None, shows: set[int] | None = None
) -> list[UpcomingEpisode]:
    titles = (
        select(MediaRequest.tmdb_id, MediaRequest.title)
        .where(MediaRequest.media_type == MediaType.TV)
        .distinct()
    )
    query = select(ScheduledEpisode).where(col(ScheduledEpisode.air_at) >= start)
    if end is not None:
        query = query.where(col(ScheduledEpisode.air_at) < end)
    if shows is not None:
        query = query.where(col(ScheduledEpisode.tmdb_id).in_(shows))
    rows = session.exec(query.order_by(col(ScheduledEpisode.air_at), col(ScheduledEpisode.tmdb_id))).all()
    if not rows:
        return []
    named = dict(session.exec(titles.where(col(MediaRequest.tmdb_id).in_({r.tmdb_id for r in rows}))).all())
    return [
        UpcomingEpisode(
            r.tmdb_id,
            named.get(r.tmdb_id, f"TMDB {r.tmdb_id}"),
            r.season,
            r.number,
            r.title,
            as_utc(r.air_at),
            r.runtime,
            r.finale,
        )
        for r in rows
        if r.air_at is not None and r.tmdb_id in named  # only shows Airdate tracks or tracked
    ]


def _show(session: Session, tmdb_id: int, listed: list[UpcomingEpisode]) -> UpcomingShow:
    by_season = {season: set(told_of(session, tmdb_id, season)) for season in {e.season for e in listed}}
    muted = select(MutedShow.user_id).where(MutedShow.tmdb_id == tmdb_id)
    names = dict(
        session.exec(
            select(User.id, User.username).where(
                col(User.id).in_(set().union(*by_season.values())),
                User.notify_mode != NotifyMode.OFF,
                col(User.id).not_in(muted),
            )
        ).all()
    )
    rules = seasons.rules_for(session, names, tmdb_id)
    landed = set(session.exec(select(Episode.season).where(Episode.tmdb_id == tmdb_id)).all())
    first = {season: min(e.number for e in listed if e.season == season) for season in by_season}

    def told(episode: UpcomingEpisode) -> tuple[str, ...]:
        premiere = episode.season not in landed and episode.number == first[episode.season]
        return tuple(
            names[user_id] + (WHOLE_SEASON if rules[user_id] == EpisodeRule.SEASON_COMPLETE else "")
            for user_id in sorted(by_season[episode.season] & names.keys(), key=lambda u: names[u].lower())
            if premiere or rules[user_id] != EpisodeRule.PREMIERES
        )

    episodes = tuple(replace(episode, told=told(episode)) for episode in listed)
    return UpcomingShow(tmdb_id, listed[0].show, episodes, tuple(sorted(names.values(), key=str.lower)))
