"""What a message tells beyond "S02E01": the show's poster, overview and "Watch now" link (kept from
Jellyseerr at each request sync, :func:`keep`) and each episode's air time, runtime and overview (from
Sonarr: the import itself, else its episode list). Read when a batch is made (:func:`shows`,
:func:`episodes`), from
the database only: sending never waits for Jellyseerr, Sonarr or TMDB. Each function takes the caller's
session.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import tuple_
from sqlmodel import Session, col, select

from .clock import utcnow
from .models import Episode, MediaRequest, ScheduledEpisode, ShowFacts
from .upsert import upsert


@dataclass(frozen=True)
class Show:
    tmdb_id: int
    poster_path: str | None = None  # TMDB's, e.g. "/abc.jpg"
    overview: str = ""
    media_url: str | None = None  # where to watch it (Jellyseerr's mediaUrl)
    requested: bool = True  # (as a batch reads it) whether its person requested it, or only follows it


@dataclass(frozen=True)
class EpisodeFacts:
    air_at: datetime | None = None
    runtime: int | None = None  # minutes
    overview: str | None = None


def keep(session: Session, show: Show) -> None:
    """Store (or replace) what Jellyseerr says of the show."""
    values = {
        "tmdb_id": show.tmdb_id,
        "poster_path": show.poster_path,
        "overview": show.overview,
        "media_url": show.media_url,
        "updated_at": utcnow(),
    }
    upsert(session, ShowFacts.__table__, values, keys=("tmdb_id",))  # type: ignore[attr-defined]


def shows(session: Session, tmdb_ids: Iterable[int], user_id: int) -> dict[int, Show]:
    """What is known of these shows (those never synced are missing), and whether the user requested
    each (a follower has no request of theirs to link to)."""
    wanted = sorted(set(tmdb_ids))
    if not wanted:
        return {}
    rows = session.exec(select(ShowFacts).where(col(ShowFacts.tmdb_id).in_(wanted))).all()
    asked = select(MediaRequest.tmdb_id).where(
        MediaRequest.requester_id == user_id, col(MediaRequest.tmdb_id).in_(wanted)
    )
    requested = set(session.exec(asked).all())
    return {
        row.tmdb_id: Show(row.tmdb_id, row.poster_path, row.overview, row.media_url, row.tmdb_id in requested)
        for row in rows
    }


def episodes(session: Session, landed: Iterable[Episode]) -> dict[int, EpisodeFacts]:
    """Each episode's (by id) air time, runtime and overview: what came with its import, else what
    Sonarr's episode list or calendar said of it."""
    landed = [episode for episode in landed if episode.id is not None]
    seasons = sorted({(episode.tmdb_id, episode.season) for episode in landed})
    listing = select(ScheduledEpisode).where(
        tuple_(ScheduledEpisode.tmdb_id, ScheduledEpisode.season).in_(seasons)
    )  # one read for the batch's seasons, however many
    rows = session.exec(listing).all() if seasons else []
    listed = {(row.tmdb_id, row.season, row.number): row for row in rows}
    found = {}
    for episode in landed:
        schedule = listed.get((episode.tmdb_id, episode.season, episode.number))
        found[episode.id] = EpisodeFacts(
            air_at=episode.air_at or (schedule.air_at if schedule else None),
            runtime=schedule.runtime if schedule else None,
            overview=episode.overview or (schedule.overview if schedule else None),
        )
    return found  # type: ignore[return-value]
