"""A stand-in Sonarr v4 that answers and calls as Sonarr's own source writes it: ``/api/v3/series``,
``/api/v3/episode`` and ``/api/v3/calendar`` (System.Text.Json: camelCase, nulls left out, ``id`` last)
and the webhook's payloads (Newtonsoft: camelCase, nulls left out, ``eventType`` in PascalCase).
``tests/fixtures/upstream/sonarr/`` holds payloads written from upstream's source; a test checks these
against them, key by key.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from fastapi import FastAPI, Header
from fastapi.responses import JSONResponse


@dataclass
class SonarrWorld:
    series: list[dict] = field(default_factory=list)
    episodes: list[dict] = field(default_factory=list)

    def add_series(self, title: str, tmdb_id: int, tvdb_id: int) -> dict:
        slug = "-".join(title.lower().split())
        series = {
            "title": title,
            "sortTitle": title.lower(),
            "status": "continuing",
            "ended": False,
            "path": f"/tv/{title}",
            "seasonFolder": True,
            "monitored": True,
            "tvdbId": tvdb_id,
            "tvMazeId": 0,
            "tmdbId": tmdb_id,
            "seriesType": "standard",
            "titleSlug": slug,
            "genres": [],
            "tags": [],
            "id": len(self.series) + 1,
        }
        self.series.append(series)
        return series

    def add_episode(
        self, series: dict, season: int, number: int, title: str, *, finale: str | None = None
    ) -> dict:
        """An episode Sonarr has just imported (aired now, or when it was scheduled); returns the webhook
        payload Sonarr sends ("On Import"). ``finale``: Sonarr's ``finaleType`` (season, series,
        midseason)."""
        known = self.find(series, season, number)
        if known is not None:
            known.update(hasFile=True, episodeFileId=known["id"])
            return download_payload(series, [known])
        episode = self.schedule(series, season, number, title, datetime.now(UTC), finale=finale)
        episode.update(hasFile=True, episodeFileId=episode["id"])
        return download_payload(series, [episode])

    def find(self, series: dict, season: int, number: int) -> dict | None:
        return next(
            (
                e
                for e in self.episodes
                if (e["seriesId"], e["seasonNumber"], e["episodeNumber"]) == (series["id"], season, number)
            ),
            None,
        )

    def schedule(
        self, series: dict, season: int, number: int, title: str, airs: datetime, *, finale: str | None = None
    ) -> dict:
        """An episode in Sonarr's list that has no file yet (to air at ``airs``, or aired)."""
        aired = airs.astimezone(UTC).replace(microsecond=0)
        episode = {
            "seriesId": series["id"],
            "tvdbId": 0,
            "episodeFileId": 0,  # no file yet
            "seasonNumber": season,
            "episodeNumber": number,
            "title": title,
            "airDate": aired.date().isoformat(),
            "airDateUtc": _written(aired),
            "runtime": 50,
            **({"finaleType": finale} if finale else {}),  # System.Text.Json leaves a null out
            "overview": f"{series['title']}: {title}.",
            "hasFile": False,
            "monitored": True,
            "unverifiedSceneNumbering": False,
            "id": len(self.episodes) + 1,
        }
        self.episodes.append(episode)
        return episode

    def move(self, series: dict, season: int, number: int, airs: datetime | None) -> dict:
        """A new air date for a listed episode, as Sonarr writes it when TheTVDB changes one (``None``:
        no date any more; System.Text.Json then leaves ``airDate`` and ``airDateUtc`` out)."""
        episode = self.find(series, season, number)
        if episode is None:
            raise KeyError(f"{series['title']} has no S{season:02d}E{number:02d}")
        episode.pop("airDate", None)
        episode.pop("airDateUtc", None)
        if airs is not None:
            aired = airs.astimezone(UTC).replace(microsecond=0)
            dated = {"airDate": aired.date().isoformat(), "airDateUtc": _written(aired)}
            at = list(episode).index("runtime")  # the keys keep the resource's order
            items = list(episode.items())
            episode.clear()
            episode.update(items[:at] + list(dated.items()) + items[at:])
        return episode

    def calendar(
        self, start: datetime, end: datetime, *, unmonitored: bool = False, include_series: bool = False
    ) -> list[dict]:
        """``CalendarController.GetCalendar``: the episodes of existing series that air between ``start``
        and ``end`` (both included; an episode without an air date never), ordered by air time;
        ``unmonitored=False`` leaves out unmonitored episodes and those of unmonitored series;
        ``include_series`` puts the series resource in each, under ``series`` (before ``id``)."""
        by_id = {series["id"]: series for series in self.series}
        listed = []
        for episode in self.episodes:
            series = by_id.get(episode["seriesId"])
            if series is None or "airDateUtc" not in episode:
                continue
            if not start <= read_moment(episode["airDateUtc"]) <= end:
                continue
            if not unmonitored and not (episode["monitored"] and series["monitored"]):
                continue
            shaped = dict(episode)
            if include_series:
                shaped.pop("id")
                shaped |= {"series": series, "id": episode["id"]}
            listed.append(shaped)
        return sorted(listed, key=lambda e: read_moment(e["airDateUtc"]))


def read_moment(text: str) -> datetime:
    """A date or date-time as Sonarr takes one in a query (or writes one): without a zone, UTC (the
    stand-in's local time)."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _written(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


def download_payload(series: dict, episodes: list[dict], *, upgrade: bool = False) -> dict:
    """Sonarr v4's "On Import" webhook (``WebhookBase.BuildOnDownloadPayload``): one file, its episodes;
    an upgrade names the files it replaced in ``deletedFiles``."""
    file = {
        "id": episodes[0]["episodeFileId"],
        "relativePath": f"Season {episodes[0]['seasonNumber']:02d}/{series['title']} - episode.mkv",
        "path": f"{series['path']}/Season {episodes[0]['seasonNumber']:02d}/{series['title']} - episode.mkv",
        "quality": "WEBDL-1080p",
        "qualityVersion": 1,
        "size": 1_500_000_000,
        "dateAdded": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
        "languages": [{"id": 1, "name": "English"}],
    }
    payload = {
        "series": webhook_series(series),
        "episodes": [webhook_episode(e) for e in episodes],
        "episodeFile": file,
        "isUpgrade": upgrade,
        "downloadClient": "SABnzbd",
        "downloadClientType": "SABnzbd",
        "downloadId": f"SABnzbd_nzo_{episodes[0]['id']}",
        "customFormatInfo": {"customFormats": [], "customFormatScore": 0},
        "release": {
            "releaseTitle": series["title"],
            "indexer": "Stand-in",
            "size": 1,
            "releaseType": "singleEpisode",
        },
    }
    if upgrade:
        payload["deletedFiles"] = [file | {"id": file["id"] + 10_000, "quality": "HDTV-720p"}]
    return payload | {"eventType": "Download", "instanceName": "Sonarr", "applicationUrl": ""}


def webhook_series(series: dict) -> dict:
    """``WebhookSeries``: missing ids are 0 (plain ints), ``type`` rather than the API's ``seriesType``."""
    return {
        "id": series["id"],
        "title": series["title"],
        "titleSlug": series["titleSlug"],
        "path": series["path"],
        "tvdbId": series["tvdbId"],
        "tvMazeId": series["tvMazeId"],
        "tmdbId": series["tmdbId"] or 0,
        "type": series["seriesType"],
        "year": 0,
        "genres": series["genres"],
        "images": [],
        "tags": series["tags"],
    }


def webhook_episode(episode: dict) -> dict:
    """``WebhookEpisode``; ``finaleType`` only when Sonarr knows one."""
    keys = (
        "id",
        "episodeNumber",
        "seasonNumber",
        "title",
        "overview",
        "airDate",
        "airDateUtc",
        "seriesId",
        "tvdbId",
    )
    shaped = {key: episode[key] for key in keys if key in episode}
    if "finaleType" in episode:
        shaped["finaleType"] = episode["finaleType"]
    return shaped


def create_app(world: SonarrWorld, api_key: str) -> FastAPI:
    app = FastAPI(title="Sonarr stand-in")

    def unauthorized() -> JSONResponse:
        return JSONResponse({"message": "Unauthorized"}, 401)

    @app.get("/api/v3/series", response_model=None)
    def series(x_api_key: str | None = Header(None)) -> list[dict] | JSONResponse:
        return world.series if x_api_key == api_key else unauthorized()

    @app.get("/api/v3/episode", response_model=None)
    def episodes(seriesId: int, x_api_key: str | None = Header(None)) -> list[dict] | JSONResponse:
        if x_api_key != api_key:
            return unauthorized()
        return [e for e in world.episodes if e["seriesId"] == seriesId]

    @app.get("/api/v3/calendar", response_model=None)
    def calendar(
        start: str | None = None,
        end: str | None = None,
        unmonitored: bool = False,
        includeSeries: bool = False,
        x_api_key: str | None = Header(None),
    ) -> list[dict] | JSONResponse:
        if x_api_key != api_key:
            return unauthorized()
        today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
        try:
            first = read_moment(start) if start else today
            last = read_moment(end) if end else today + timedelta(days=2)
        except ValueError as error:
            return JSONResponse({"message": f"The value is not valid: {error}"}, 400)
        return world.calendar(first, last, unmonitored=unmonitored, include_series=includeSeries)

    return app
