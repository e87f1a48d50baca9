"""A stand-in Sonarr: series and their episodes behind an API key, and the webhook payload it sends."""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from fastapi import FastAPI, Header, HTTPException


@dataclass
class SonarrWorld:
    series: list[dict] = field(default_factory=list)
    episodes: list[dict] = field(default_factory=list)

    def add_series(self, title: str, tmdb_id: int, tvdb_id: int) -> dict:
        series = {"id": len(self.series) + 1, "title": title, "tmdbId": tmdb_id, "tvdbId": tvdb_id}
        self.series.append(series)
        return series

    def add_episode(self, series: dict, season: int, number: int, title: str) -> dict:
        """An episode Sonarr has just imported; returns the webhook payload Sonarr would send."""
        episode = {
            "id": len(self.episodes) + 1,
            "seriesId": series["id"],
            "seasonNumber": season,
            "episodeNumber": number,
            "title": title,
            "airDateUtc": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
            "hasFile": True,
        }
        self.episodes.append(episode)
        return download_payload(series, [episode])


def download_payload(series: dict, episodes: list[dict]) -> dict:
    """Shaped like Sonarr v4's "On Import" webhook (eventType Download)."""
    return {
        "eventType": "Download",
        "instanceName": "Sonarr",
        "series": {k: series[k] for k in ("id", "title", "tvdbId", "tmdbId")} | {"type": "standard"},
        "episodes": [
            {k: e[k] for k in ("id", "episodeNumber", "seasonNumber", "title", "airDateUtc")}
            for e in episodes
        ],
        "episodeFile": {"id": episodes[0]["id"], "relativePath": "episode.mkv", "quality": "WEBDL-1080p"},
        "isUpgrade": False,
    }


def create_app(world: SonarrWorld, api_key: str) -> FastAPI:
    app = FastAPI(title="Sonarr stand-in")

    def check(key: str | None) -> None:
        if key != api_key:
            raise HTTPException(401, "Unauthorized")

    @app.get("/api/v3/series")
    def series(x_api_key: str | None = Header(None)) -> list[dict]:
        check(x_api_key)
        return world.series

    @app.get("/api/v3/episode")
    def episodes(seriesId: int, x_api_key: str | None = Header(None)) -> list[dict]:
        check(x_api_key)
        return [e for e in world.episodes if e["seriesId"] == seriesId]

    return app
