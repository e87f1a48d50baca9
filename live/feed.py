"""The one shared feed of stats and notification changes.

One app-wide timer calls :meth:`LiveFeed.tick`; Airdate's own commits call :meth:`request_refresh`.
Either way the database is read once, off the event loop: all stats plus the notification changes
since the last read. Each change becomes a ``notification`` event, and a snapshot whose values
changed becomes a stats event; both go through the hub to every viewer at the same moment, with the
same id. Nothing here knows how many viewers there are.

Ids come from the database, so they mean the same on every replica: a notification event's id is its
change id; a stats event's id is the change id it is current to, and a snapshot is sent again when
that id moved even if no number changed, so a client's last id is never behind the changes it has.
"""

import asyncio
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from data import JobRow, LiveRead, NotificationRow, Stats, counters
from data.changes import READ_LIMIT
from data.clock import iso_utc
from data.errors import first_line
from data.listeners import Listeners
from data.shared_logs import LogLine
from data.upcoming import Upcoming

from . import metrics
from .hub import NOTIFICATION, STATS, Event, Hub

log = logging.getLogger("airdate.feed")


@dataclass(frozen=True, slots=True)
class Snapshot:
    id: int  # the change-log id these values are current to
    stats: Stats
    timestamp: datetime  # when these values were read (UTC)

    def to_json(self) -> dict:
        return stats_json(self.stats, self.timestamp)


def iso(moment: datetime | None) -> str | None:
    return iso_utc(moment, "milliseconds")


def stats_json(stats: Stats, timestamp: datetime) -> dict:
    """The shape the seed's ``startLiveUpdates()`` reads, plus the notifications' total, failures and
    skips: every counter that has a ``wire`` place (:data:`data.counters.COUNTERS`, in its order), then
    the time.

    Kept near 200 bytes an event (the seed's promise: "~200 bytes per update"; 205 at the demo's
    scale): the split of requests into movies and tv is in ``/metrics`` (``airdate_requests{kind}``),
    not in every event; the time is to the second."""
    payload: dict = {}
    for counter in counters.COUNTERS:
        if counter.wire is not None:
            *groups, key = counter.wire.split(".")
            place = payload
            for group in groups:
                place = place.setdefault(group, {})
            place[key] = getattr(stats, counter.name)
    payload["timestamp"] = iso_utc(timestamp)
    return payload


def tiles() -> list[counters.Counter]:
    """The counters a dashboard shows as cards (those whose definition has a ``tile``), in their order."""
    return [counter for counter in counters.COUNTERS if counter.tile is not None]


def notification_json(row: NotificationRow) -> dict:
    return {
        "id": row.id,
        "user": row.user,
        "subject": row.subject,
        "status": row.status,
        "created_at": iso(row.created_at),
        "sent_at": iso(row.sent_at),
        "channel": row.channel,
    }


def dumps(value: dict) -> str:
    return json.dumps(value, separators=(",", ":"))


class LiveFeed:
    def __init__(
        self,
        read: Callable[[int, int, str | None], LiveRead],
        hub: Hub,
        *,
        changes_after: int = 0,
        log_lines_after: int = 0,
    ) -> None:
        self._read = read
        self.hub = hub
        self.current: Event | None = None  # the latest stats event; its payload is a Snapshot
        self.error: str | None = None  # why the last read failed, while it keeps failing
        self.last_read_at: datetime | None = None  # the last successful read (fresh values)
        self._watchers: Listeners[[]] = Listeners(log, "a feed watcher failed")
        self._cursor = changes_after  # the last notification change already published
        hub.start_after(changes_after)
        self._log_cursor = log_lines_after  # the last shared log line already handed on
        # What else the one read brings, for whoever takes it (set by the app):
        self.on_log_lines: Callable[[list[LogLine]], None] | None = None  # the replicas' warnings
        self.on_jobs: Callable[[list[JobRow]], None] | None = None  # running jobs, each action's newest
        self.on_upcoming: Callable[[Upcoming], None] | None = None  # what airs next, when it changed
        self.upcoming: Upcoming | None = None  # the latest read of it
        self._loop: asyncio.AbstractEventLoop | None = None
        self._refresh: asyncio.Task | None = None
        self._again = False
        self._pending_wakeup = threading.Event()

    @property
    def snapshot(self) -> Snapshot | None:
        return self.current.payload if self.current else None

    def watch(self, watcher: Callable[[], None]) -> Callable[[], None]:
        """Call ``watcher`` after every read attempt (see ``error``, ``last_read_at``); returns the stop."""
        return self._watchers.add(watcher)

    def start(self) -> None:
        """Bind to the running event loop (call from a startup hook)."""
        self._loop = asyncio.get_running_loop()

    async def tick(self) -> None:
        """The app-wide timer's callback: one read, whatever the number of viewers."""
        metrics.FEED_TICKS.inc()
        await self.refresh()

    async def refresh(self) -> None:
        """Read now (or right after a read already under way) and wait for it."""
        self._wake()
        await asyncio.shield(self._refresh)

    def request_refresh(self) -> None:
        """Ask for a read as soon as possible; safe to call from any thread, cheap to call often."""
        loop = self._loop
        if loop is None or loop.is_closed() or self._pending_wakeup.is_set():
            return  # not started, stopped, or a wake-up is already queued and will read after this
        self._pending_wakeup.set()
        metrics.WRITE_WAKEUPS.inc()
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
        try:
            await self._read_and_publish()
        finally:
            self._watchers.notify()

    async def _read_and_publish(self) -> None:
        metrics.STATS_READS.inc()
        try:
            seen = self.upcoming.key if self.upcoming else None
            result = await asyncio.to_thread(self._read, self._cursor, self._log_cursor, seen)
        except Exception as error:  # the database is down or locked: keep the last good values
            reason = first_line(error)
            if self.error != reason:
                log.warning("reading stats failed: %s", reason)
            self.error = reason
            return
        self.last_read_at = datetime.now(UTC)
        if self.error is not None:
            log.info("reading stats works again")
            self.error = None
        if result.changes:
            self._cursor = max(self._cursor, result.changes[-1][0])
            await self.hub.publish_all(
                [(NOTIFICATION, dumps(notification_json(row)), row, change) for change, row in result.changes]
            )
        if len(result.changes) >= READ_LIMIT:
            self._again = True  # more changes are waiting
        self.publish(result.stats)
        if result.log_lines:
            self._log_cursor = result.log_lines[-1].id
            _hand_on(self.on_log_lines, result.log_lines)
        _hand_on(self.on_jobs, result.jobs)
        if result.upcoming is not None:
            self.upcoming = result.upcoming
            _hand_on(self.on_upcoming, result.upcoming)

    def publish(self, stats: Stats) -> None:
        """Send a snapshot to every viewer, unless it equals the current one in values and id."""
        current = self.snapshot
        if current is not None and current.stats == stats and current.id == self._cursor:
            return
        snapshot = Snapshot(self._cursor, stats, datetime.now(UTC))
        self.current = self.hub.publish(STATS, dumps(snapshot.to_json()), snapshot, snapshot.id)
        metrics.observe(stats)


def _hand_on(hook: Callable[[Any], None] | None, rows: object) -> None:
    if hook is not None:
        try:
            hook(rows)
        except Exception:
            log.exception("handing on what the feed read failed")
