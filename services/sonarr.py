"""Sonarr → Airdate: the "episode imported" webhook, importing the episodes Sonarr already has, and
reading what its calendar lists to air soon."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session, or_, select

from data import Database, seasons
from data.clock import iso_utc, utcnow
from data.models import MediaRequest, MediaType, RequestStatus
from data.writes import track_episode

from .progress import Progress
from .upstream import Upstream, UpstreamError

IMPORT_EVENTS = {"Download", "Import", "ImportComplete"}
SERIES_ADDED = "SeriesAdd"  # sent once Sonarr has added a show and read its episode list
CALENDAR_PAST = timedelta(days=1)  # the calendar is read from yesterday: what aired late or was moved
log = logging.getLogger("airdate.webhooks")


class WebhookSeries(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: int | None = None  # Sonarr's own id of the series
    title: str
    tvdbId: int | None = None
    tmdbId: int | None = None


class WebhookEpisode(BaseModel):
    model_config = ConfigDict(extra="ignore")
    seasonNumber: int = Field(ge=0)
    episodeNumber: int = Field(ge=0)
    title: str = ""
    airDateUtc: datetime | None = None
    overview: str | None = None  # WebhookEpisode.cs: absent when Sonarr has none


class Webhook(BaseModel):
    """The parts of Sonarr's webhook payload Airdate reads (Sonarr v3 and v4)."""

    model_config = ConfigDict(extra="ignore")
    eventType: str
    series: WebhookSeries | None = None
    episodes: list[WebhookEpisode] = []
    isUpgrade: bool = False  # a better file for episodes that were there: never news


ScheduleReader = Callable[[WebhookSeries], Awaitable[int]]


async def receive_import(
    database: Database, hook: Webhook, read_schedule: ScheduleReader | None = None
) -> dict[str, int]:
    """The webhook's use case: record an import event's episodes (an upgrade tells nobody), logged; then
    (Sonarr being configured) read the show's schedule, which may complete a season."""
    if hook.series is None or not hook.episodes:
        raise ValueError(f"a {hook.eventType} event needs series and episodes")
    notify = not hook.isUpgrade
    result = await asyncio.to_thread(record_import, database, hook.series, hook.episodes, notify=notify)
    if result["new"]:
        what = "new episode(s)" if notify else "episode(s), upgraded: nobody told"
        log.info("Sonarr: %d %s of %s", result["new"], what, hook.series.title)
    if read_schedule is not None:
        await receive_series(hook.series, read_schedule)
    return result


async def receive_series(series: WebhookSeries, read_schedule: ScheduleReader) -> int:
    """Read a tracked show's schedule after Sonarr's webhook about it — an import, or the show just
    added (so what it lists to air is known before its first import); how many held items it released.
    Sonarr unreachable: logged, and read again next time (the scheduled calendar read, the next hook)."""
    if not series.id:
        return 0
    try:
        return await read_schedule(series)
    except UpstreamError as error:
        log.warning("Sonarr's schedule of %s could not be read: %s", series.title, error)
        return 0


def record_import(
    database: Database, series: WebhookSeries, episodes: list[WebhookEpisode], *, notify: bool = True
) -> dict[str, int]:
    """Track each new episode of a requested show and queue one notification per requester whose
    request covers its season (``notify=False``: record the episodes as known, tell nobody)."""
    with database.transaction() as session:
        tmdb_id = tracked_tmdb_id(session, series.tmdbId, series.tvdbId)
        if tmdb_id is None:
            return {"new": 0, "known": 0, "untracked": len(episodes)}
        new = sum(
            track_episode(
                session,
                tmdb_id,
                series.title,
                e.seasonNumber,
                e.episodeNumber,
                e.title,
                _day(e.airDateUtc),
                notify=notify,
                air_at=_moment(e.airDateUtc),
                overview=e.overview,
            )
            is not None
            for e in episodes
        )
    return {"new": new, "known": len(episodes) - new, "untracked": 0}


def tracked_tmdb_id(session: Session, tmdb_id: int | None, tvdb_id: int | None) -> int | None:
    """The TMDB id of a show somebody is tracking, matched by TMDB or TVDB id."""
    matches = [MediaRequest.tmdb_id == tmdb_id] if tmdb_id else []
    matches += [MediaRequest.tvdb_id == tvdb_id] if tvdb_id else []
    if not matches:
        return None
    return session.exec(
        select(MediaRequest.tmdb_id).where(
            or_(*matches),
            MediaRequest.media_type == MediaType.TV,
            MediaRequest.status == RequestStatus.APPROVED,
        )
    ).first()


async def import_episodes(database: Database, upstream: Upstream, progress: Progress) -> Progress:
    """Record the episodes Sonarr already has for tracked shows, without notifying anybody."""
    series_list = await upstream.get("/api/v3/series")
    progress.total = len(series_list)
    for series in series_list:
        tmdb_id = await asyncio.to_thread(_tracked, database, series.get("tmdbId"), series.get("tvdbId"))
        if tmdb_id is None:
            progress.step("series not tracked")
            continue
        episodes = await upstream.get("/api/v3/episode", seriesId=series["id"])
        await asyncio.to_thread(_keep_schedule, database, tmdb_id, episodes)
        have = [e for e in episodes if e.get("hasFile")]
        added = await asyncio.to_thread(_record_silently, database, tmdb_id, series.get("title", ""), have)
        progress.counts["episodes recorded"] += added
        progress.step("series imported")
    return progress


async def read_schedule(database: Database, upstream: Upstream, series: WebhookSeries) -> int:
    """Keep Sonarr's episode list of a tracked show (air times, finales); how many held items it
    released (seasons it shows complete)."""
    tmdb_id = await asyncio.to_thread(_tracked, database, series.tmdbId, series.tvdbId)
    if tmdb_id is None or series.id is None:
        return 0
    episodes = await upstream.get("/api/v3/episode", seriesId=series.id)
    return await asyncio.to_thread(_keep_schedule, database, tmdb_id, episodes)


async def read_calendar(
    database: Database, upstream: Upstream, progress: Progress, days: int = 30
) -> Progress:
    """Keep what Sonarr's calendar lists to air in the next ``days`` for tracked shows, monitored or not
    (one call for every show, where import-episodes reads each show's whole list), which may complete a
    season; and forget the air times of the shows' episodes held to air in the window that it no longer
    lists (moved out of it)."""
    now = utcnow()
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    start, end = today - CALENDAR_PAST, today + timedelta(days=days)
    series_list = await upstream.get("/api/v3/series")
    calendar = await upstream.get(
        "/api/v3/calendar", start=iso_utc(start), end=iso_utc(end), unmonitored="true"
    )
    tracked = await asyncio.to_thread(_tracked_series, database, series_list)
    by_series: dict[int, list[dict]] = {}
    for episode in calendar:
        by_series.setdefault(episode["seriesId"], []).append(episode)
    progress.total = len(by_series)
    for series_id, episodes in by_series.items():
        tmdb_id = tracked.get(series_id)
        if tmdb_id is None:
            progress.step("series not tracked")
            continue
        await asyncio.to_thread(_keep_schedule, database, tmdb_id, episodes)
        progress.counts["episodes scheduled"] += len(episodes)
        progress.step("series read")
    listed = {
        (tracked[e["seriesId"]], int(e["seasonNumber"]), int(e["episodeNumber"]))
        for e in calendar
        if e["seriesId"] in tracked
    }
    shows = set(tracked.values())
    moved = await asyncio.to_thread(database.write, seasons.forget_moved, shows, listed, now, end)
    if moved:
        progress.counts["moved out of the calendar"] += moved
    return progress


def _tracked_series(database: Database, series_list: list[dict]) -> dict[int, int]:
    """Sonarr's id → our TMDB id, of the series somebody tracks."""
    with database.reading() as session:
        found = {s["id"]: tracked_tmdb_id(session, s.get("tmdbId"), s.get("tvdbId")) for s in series_list}
    return {series_id: tmdb_id for series_id, tmdb_id in found.items() if tmdb_id is not None}


def _keep_schedule(database: Database, tmdb_id: int, episodes: list[dict]) -> int:
    with database.transaction() as session:
        named = seasons.record_schedule(session, tmdb_id, episodes)
        return sum(seasons.release_if_complete(session, tmdb_id, season) for season in sorted(named))


def _tracked(database: Database, tmdb_id: int | None, tvdb_id: int | None) -> int | None:
    with database.reading() as session:
        return tracked_tmdb_id(session, tmdb_id, tvdb_id)


def _record_silently(database: Database, tmdb_id: int, show: str, episodes: list[dict]) -> int:
    with database.transaction() as session:
        added = sum(
            track_episode(
                session,
                tmdb_id,
                show,
                int(e["seasonNumber"]),
                int(e["episodeNumber"]),
                e.get("title") or "",
                _day(e.get("airDateUtc")),
                notify=False,
                air_at=_moment(e.get("airDateUtc")),
                overview=e.get("overview"),
            )
            is not None
            for e in episodes
        )
    return added


def _day(moment: datetime | str | None) -> date | None:
    moment = _moment(moment)
    return moment.date() if moment else None


def _moment(moment: datetime | str | None) -> datetime | None:
    """Sonarr's ``airDateUtc`` (``2025-01-17T02:00:00Z``) as an aware datetime."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment.replace("Z", "+00:00"))
    if moment is not None and moment.tzinfo is None:  # Sonarr's are UTC, whatever a payload says
        moment = moment.replace(tzinfo=UTC)
    return moment
