"""The six actions of the console and the REST API, wired to their services."""

from dataclasses import dataclass, field

from data import Database

from .jellyseerr import sync_requests, sync_users
from .jobs import Action
from .notifier import Notifier
from .progress import Progress
from .requeue import retry_all
from .sonarr import ScheduleReader, WebhookSeries, import_episodes, read_calendar, read_schedule
from .upstream import Upstream

ACTIONS = ("sync-users", "sync-requests", "import-episodes", "read-calendar", "send-pending", "retry-failed")
SCHEDULED_SYNC = ("sync-users", "sync-requests")  # every AIRDATE_SYNC_INTERVAL, with a Jellyseerr
SCHEDULED_READ = ("read-calendar",)  # … and with a Sonarr


def scheduled_sync(jellyseerr: bool, sonarr: bool) -> tuple[str, ...]:
    """What runs every AIRDATE_SYNC_INTERVAL, one after the other, for the upstreams configured: the
    calendar read last, so a show whose request was just synced is tracked by then."""
    return SCHEDULED_SYNC * jellyseerr + SCHEDULED_READ * sonarr


@dataclass(frozen=True)
class Upstreams:
    jellyseerr_url: str
    jellyseerr_api_key: str = field(repr=False)
    sonarr_url: str
    sonarr_api_key: str = field(repr=False)
    timeout: float = 10.0
    retries: int = 3

    def jellyseerr(self) -> Upstream:
        return Upstream(
            "Jellyseerr",
            self.jellyseerr_url,
            self.jellyseerr_api_key,
            timeout=self.timeout,
            retries=self.retries,
        )

    def sonarr(self) -> Upstream:
        return Upstream(
            "Sonarr", self.sonarr_url, self.sonarr_api_key, timeout=self.timeout, retries=self.retries
        )


def schedule_reader(database: Database, upstreams: Upstreams) -> ScheduleReader | None:
    """What reads a show's schedule from Sonarr after its webhook (None without a Sonarr to ask)."""
    if not upstreams.sonarr_url:
        return None

    async def read(series: WebhookSeries) -> int:
        async with upstreams.sonarr() as sonarr:
            return await read_schedule(database, sonarr, series)

    return read


def build_actions(database: Database, upstreams: Upstreams, notifier: Notifier) -> dict[str, Action]:
    async def users(progress: Progress) -> Progress:
        async with upstreams.jellyseerr() as jellyseerr:
            return await sync_users(database, jellyseerr, progress)

    async def requests(progress: Progress) -> Progress:
        async with upstreams.jellyseerr() as jellyseerr:
            return await sync_requests(database, jellyseerr, progress)

    async def episodes(progress: Progress) -> Progress:
        async with upstreams.sonarr() as sonarr:
            return await import_episodes(database, sonarr, progress)

    async def calendar(progress: Progress) -> Progress:
        async with upstreams.sonarr() as sonarr:
            return await read_calendar(database, sonarr, progress)

    async def send(progress: Progress) -> Progress:
        return await notifier.send_due(progress, now_please=True)

    async def retry(progress: Progress) -> Progress:
        return await retry_all(database, notifier, progress)

    return dict(zip(ACTIONS, (users, requests, episodes, calendar, send, retry), strict=True))
