"""The one shared stats feed.

One app-wide timer calls :meth:`StatsFeed.tick`; Airdate's own commits call :meth:`request_refresh`.
Either way the database is read once, off the event loop, and a snapshot whose values changed is
published through the hub to every viewer at the same moment, with the same id. Nothing here knows
how many viewers there are.
"""

import asyncio
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from data import Stats

from . import metrics
from .hub import STATS, Event, Hub

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Snapshot:
    id: int
    stats: Stats
    timestamp: datetime  # when these values were read (UTC)

    def to_json(self) -> dict:
        return stats_json(self.stats, self.timestamp)


def stats_json(stats: Stats, timestamp: datetime) -> dict:
    """The shape the seed's ``startLiveUpdates()`` reads, plus a few more counts."""
    return {
        "users": stats.users,
        "requests": {
            "total": stats.requests_total,
            "tracking": stats.requests_tracking,
            "movies": stats.requests_movies,
            "tv": stats.requests_tv,
        },
        "episodes_tracked": stats.episodes_tracked,
        "notifications": {
            "total": stats.notifications_total,
            "sent": stats.notifications_sent,
            "pending": stats.notifications_pending,
            "failed": stats.notifications_failed,
        },
        "timestamp": timestamp.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
    }


class StatsFeed:
    def __init__(self, read: Callable[[], Stats], hub: Hub) -> None:
        self._read = read
        self.hub = hub
        self.current: Event | None = None  # the latest stats event; its payload is a Snapshot
        self.error: str | None = None  # why the last read failed, while it keeps failing
        self._loop: asyncio.AbstractEventLoop | None = None
        self._refresh: asyncio.Task | None = None
        self._again = False
        self._pending_wakeup = threading.Event()

    @property
    def snapshot(self) -> Snapshot | None:
        return self.current.payload if self.current else None

    def start(self) -> None:
        """Bind to the running event loop (call from a startup hook)."""
        self._loop = asyncio.get_running_loop()

    async def tick(self) -> None:
        """The app-wide timer's callback: one read, whatever the number of viewers."""
        metrics.FEED_TICKS.inc()
        await self.refresh()

    async def refresh(self) -> None:
        """Read now (or right after a read already under way) and wait for it."""
        if self._refresh is None or self._refresh.done():
            self._refresh = asyncio.create_task(self._read_until_settled())
        else:
            self._again = True
        await asyncio.shield(self._refresh)

    def request_refresh(self) -> None:
        """Ask for a read as soon as possible; safe to call from any thread, cheap to call often."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        if self._pending_wakeup.is_set():
            return  # a wake-up is already queued; it will read after this commit
        self._pending_wakeup.set()
        loop.call_soon_threadsafe(self._wake)

    def _wake(self) -> None:
        self._pending_wakeup.clear()
        if self._refresh is None or self._refresh.done():
            self._refresh = asyncio.create_task(self._read_until_settled())
        else:
            self._again = True

    async def _read_until_settled(self) -> None:
        while True:
            self._again = False
            await self._read_once()
            if not self._again:
                return

    async def _read_once(self) -> None:
        metrics.STATS_READS.inc()
        try:
            stats = await asyncio.to_thread(self._read)
        except Exception as error:  # the database is down or locked: keep the last good values
            reason = str(getattr(error, "orig", None) or error).splitlines()[0]
            if self.error != reason:
                log.warning("reading stats failed: %s", reason)
            self.error = reason
            return
        if self.error is not None:
            log.info("reading stats works again")
            self.error = None
        self.publish(stats)

    def publish(self, stats: Stats) -> None:
        """Send a snapshot to every viewer, unless its values equal the current one's."""
        if self.snapshot is not None and self.snapshot.stats == stats:
            return
        timestamp = datetime.now(UTC)
        next_id = self.hub.last_id + 1
        snapshot = Snapshot(next_id, stats, timestamp)
        data = json.dumps(snapshot.to_json(), separators=(",", ":"))
        self.current = self.hub.publish(STATS, data, snapshot)
        metrics.observe(stats)
