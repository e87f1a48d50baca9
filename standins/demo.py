"""The demo's world: a fictional Jellyseerr, Sonarr and mailbox, and a simulator that keeps them busy.

The simulator only ever acts the way the real services would: it adds users and requests to the
stand-in Jellyseerr and asks Airdate to sync, imports episodes into the stand-in Sonarr and sends
Airdate Sonarr's webhook, all over real HTTP. Airdate's own mailer then sends the e-mails to the sink.
"""

import asyncio
import logging
import random
from dataclasses import dataclass, field

import httpx

from .jellyseerr import JellyseerrWorld
from .smtp import Sink
from .sonarr import SonarrWorld

log = logging.getLogger("airdate.demo")

API_KEY = "demo-key"
WEBHOOK_SECRET = "demo-secret"
FIRST_NAMES = (
    "ada", "bruno", "chiara", "dmitri", "elif", "farah", "gustav", "hana", "ines", "jonas", "kofi",
    "lena", "mateo", "noor", "oskar", "priya", "quinn", "rosa", "sami", "tove", "umar", "vera",
)  # fmt: skip
SHOWS = (  # fictional: (tmdb id, tvdb id, title)
    (910001, 810001, "The Lighthouse Keepers"),
    (910002, 810002, "Orbital Kitchen"),
    (910003, 810003, "Saltmarsh"),
    (910004, 810004, "Night Shift at Ward 9"),
    (910005, 810005, "The Cartographer's Daughter"),
    (910006, 810006, "Parallel Lines"),
)
MOVIES = ((920001, "A Winter in Lisbon"), (920002, "Paper Satellites"), (920003, "The Last Tram"))
EPISODE_WORDS = ("Arrival", "Undertow", "Signals", "Low Tide", "The Ledger", "Static", "Homecoming", "Fault")


@dataclass
class DemoWorld:
    jellyseerr: JellyseerrWorld = field(default_factory=JellyseerrWorld)
    sonarr: SonarrWorld = field(default_factory=SonarrWorld)
    sink: Sink | None = None
    rng: random.Random = field(default_factory=lambda: random.Random(7))

    def populate(self, users: int = 12) -> None:
        for tmdb_id, tvdb_id, title in SHOWS:
            series = self.sonarr.add_series(title, tmdb_id, tvdb_id)
            for number in range(1, 4):
                self.sonarr.add_episode(series, 1, number, self._episode_title())
        for name in FIRST_NAMES[:users]:
            self._request(self.jellyseerr.add_user(name))

    def _request(self, user: dict) -> str:
        if self.rng.random() < 0.8:
            tmdb_id, tvdb_id, title = self.rng.choice(SHOWS)
            self.jellyseerr.add_request(user, "tv", tmdb_id, title, tvdb_id=tvdb_id)
        else:
            tmdb_id, title = self.rng.choice(MOVIES)
            self.jellyseerr.add_request(user, "movie", tmdb_id, title)
        return title

    def _episode_title(self) -> str:
        return self.rng.choice(EPISODE_WORDS)


class Simulator:
    """One believable event per step, delivered to Airdate over HTTP as the real services would."""

    def __init__(self, world: DemoWorld, airdate_url: str) -> None:
        self.world = world
        self.client = httpx.AsyncClient(base_url=airdate_url, timeout=10)

    async def start(self) -> None:
        """What an admin does first: sync users and requests, then import what Sonarr already has."""
        for action in ("sync-users", "sync-requests", "import-episodes"):
            await self.run(action)

    async def run(self, action: str) -> dict:
        """Start an action through Airdate's REST API and wait for its job to finish."""
        job = (await self.client.post(f"/api/actions/{action}")).json()
        while job["status"] == "running":
            await asyncio.sleep(0.1)
            job = (await self.client.get(f"/api/jobs/{job['id']}")).json()
        return job

    async def step(self) -> None:
        if self.world.rng.random() < 0.3:
            await self._new_request()
        else:
            await self._new_episode()

    async def _new_request(self) -> None:
        users = self.world.jellyseerr.users
        if len(users) < len(FIRST_NAMES) and self.world.rng.random() < 0.3:
            user = self.world.jellyseerr.add_user(FIRST_NAMES[len(users)])
        else:
            user = self.world.rng.choice(users)
        title = self.world._request(user)
        log.info("%s requested %s in Jellyseerr", user["displayName"], title)
        await self.run("sync-users")
        await self.run("sync-requests")

    async def _new_episode(self) -> None:
        series = self.world.rng.choice(self.world.sonarr.series)
        existing = [e for e in self.world.sonarr.episodes if e["seriesId"] == series["id"]]
        season, number = max((e["seasonNumber"], e["episodeNumber"]) for e in existing)
        season, number = (season + 1, 1) if number >= 10 else (season, number + 1)
        payload = self.world.sonarr.add_episode(series, season, number, self.world._episode_title())
        response = await self.client.post("/webhooks/sonarr", params={"secret": WEBHOOK_SECRET}, json=payload)
        response.raise_for_status()

    async def close(self) -> None:
        await self.client.aclose()
