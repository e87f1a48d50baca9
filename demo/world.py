"""The demo's world: a fictional Jellyseerr, Sonarr and mail sink, with believable users and shows."""

import random
from dataclasses import dataclass, field

from standins.jellyseerr import JellyseerrWorld
from standins.smtp import Sink
from standins.sonarr import SonarrWorld
from standins.webhook_sink import WebhookSink

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
JELLYFIN_USERS = ("dmitri", "hana", "kofi")  # Jellyfin users without an address (Jellyseerr keeps the name)
ONE_SEASON = ("elif",)  # asks for one season only (the second) of each show
WITH_SPECIALS = ("farah",)  # asks for the specials (season 0) too


@dataclass
class DemoWorld:
    jellyseerr: JellyseerrWorld = field(default_factory=JellyseerrWorld)
    sonarr: SonarrWorld = field(default_factory=SonarrWorld)
    sink: Sink | None = None
    webhook: WebhookSink | None = None
    rng: random.Random = field(default_factory=lambda: random.Random(7))

    def populate(self, users: int = 12) -> None:
        for tmdb_id, tvdb_id, title in SHOWS:
            series = self.sonarr.add_series(title, tmdb_id, tvdb_id)
            for number in range(1, 4):
                self.sonarr.add_episode(series, 1, number, self.episode_title())
        for name in FIRST_NAMES[:users]:
            self.request(self.add_user(name))

    def add_user(self, name: str) -> dict:
        """A local user with an address, or (some names) a Jellyfin user without one."""
        if name in JELLYFIN_USERS:
            return self.jellyseerr.add_jellyfin_user(name.capitalize())
        return self.jellyseerr.add_user(name)

    def request(self, user: dict) -> str:
        if self.rng.random() < 0.8:
            tmdb_id, tvdb_id, title = self.rng.choice(SHOWS)
            name = str(user.get("username") or user["displayName"]).lower()
            seasons = (2,) if name in ONE_SEASON else (0, *range(1, 11)) if name in WITH_SPECIALS else None
            extra = {"seasons": seasons} if seasons else {}
            self.jellyseerr.add_request(user, "tv", tmdb_id, title, tvdb_id=tvdb_id, **extra)
        else:
            tmdb_id, title = self.rng.choice(MOVIES)
            self.jellyseerr.add_request(user, "movie", tmdb_id, title)
        return title

    def episode_title(self) -> str:
        return self.rng.choice(EPISODE_WORDS)
