"""The demo's world: a fictional Jellyseerr, Sonarr and mail sink, with believable users and shows."""

import random
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

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
SEASON_LENGTH = 10  # a season's tenth episode is its finale (Sonarr's finaleType "season")
FINALE_SOON = 910003  # Saltmarsh starts at its eighth episode: its season finale is on the Upcoming page
UPCOMING = 2  # episodes of each show Sonarr lists to air, a week apart
WATCHABLE = (910001, 910002, 910003, 910005)  # Jellyfin has these: their messages say "Watch now"
# Display languages chosen in Jellyseerr (settings.locale): their messages, pages and calendars speak
# them; Portuguese has no catalog, so Hana's fall back to the admin's default. The others chose none (ada,
# bruno and chiara, who have the json:// channel too, among them).
LOCALES = {
    "gustav": "de",
    "jonas": "de-AT",
    "lena": "fr",
    "noor": "fr",
    "ines": "es",
    "mateo": "es",
    "hana": "pt-BR",
}


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
            for number in range(4, 9 if tmdb_id == FINALE_SOON else 4):
                self.sonarr.add_episode(series, 1, number, planned_title(series, 1, number))
        for name in FIRST_NAMES[:users]:
            self.request(self.add_user(name))
        for tmdb_id in WATCHABLE:
            with suppress(LookupError):  # nobody requested it
                self.jellyseerr.watchable("tv", tmdb_id)

    def add_user(self, name: str) -> dict:
        """A local user with an address, or (some names) a Jellyfin user without one; in their language."""
        if name in JELLYFIN_USERS:
            user = self.jellyseerr.add_jellyfin_user(name.capitalize())
        else:
            user = self.jellyseerr.add_user(name)
        return self.jellyseerr.speaks(user, LOCALES[name]) if name in LOCALES else user

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

    def newest_landed(self, series: dict) -> tuple[int, int]:
        """(season, number) of the show's newest episode with a file; (1, 0) before the first."""
        landed = [
            (e["seasonNumber"], e["episodeNumber"])
            for e in self.sonarr.episodes
            if e["seriesId"] == series["id"] and e["hasFile"]
        ]
        return max(landed, default=(1, 0))

    def plan_upcoming(self, series: dict, now: datetime | None = None) -> None:
        """Sonarr lists the :data:`UPCOMING` episodes after the newest one landed, a week apart from a
        day or a few on (each show on a weekday of its own, 01:00 UTC: an American evening), so the
        Upcoming page is never empty. The simulator lands episodes far faster than a week each: a planned
        one already listed is moved sooner, as Sonarr does when TheTVDB changes a date."""
        now = now or datetime.now(UTC)
        airs = datetime.combine(now.date(), time(1), UTC) + timedelta(days=1 + series["id"] % 5)
        season, number = self.newest_landed(series)
        for _ in range(UPCOMING):
            season, number = following(season, number)
            if self.sonarr.find(series, season, number) is None:
                finale = "season" if number == SEASON_LENGTH else None
                self.sonarr.schedule(
                    series, season, number, planned_title(series, season, number), airs, finale=finale
                )
            else:
                self.sonarr.move(series, season, number, airs)
            airs += timedelta(days=7)


def following(season: int, number: int) -> tuple[int, int]:
    """The episode after (season, number): the next season's first after a finale."""
    return (season + 1, 1) if number >= SEASON_LENGTH else (season, number + 1)


def planned_title(series: dict, season: int, number: int) -> str:
    """A title that takes nothing from the world's random numbers (what the simulator does next stays
    as it was)."""
    return EPISODE_WORDS[(series["id"] * 3 + season * SEASON_LENGTH + number) % len(EPISODE_WORDS)]
