"""The charts' longer ranges: one sample a minute written from the shared feed's snapshot, and each
range read once for every viewer that asks for it in the same minute.

Viewers never query the tables for a chart: they ask this module, which reads the small samples
table (see :mod:`data.samples`) at most once a minute per range, sharing a read that is under way.
"""

import asyncio
import logging
from collections.abc import Awaitable
from datetime import UTC, datetime, timedelta

from data import Database, samples

from .feed import LiveFeed

log = logging.getLogger("airdate.samples")

RANGES = {"24h": timedelta(days=1), "7d": timedelta(days=7)}
CHART_POINTS = 96


class Samples:
    def __init__(self, database: Database, feed: LiveFeed) -> None:
        self.database = database
        self.feed = feed
        self.reads = 0  # database reads of ranges, whatever the number of viewers (for the tests and bench)
        self._shared: dict[tuple[str, tuple[str, ...], datetime], asyncio.Future] = {}

    async def write(self) -> None:
        """The app-wide minute timer: this minute's sample, from the snapshot the feed already has."""
        snapshot = self.feed.snapshot
        if snapshot is not None and self.feed.error is None:
            at = datetime.now(UTC)
            await asyncio.to_thread(self.database.write_quietly, samples.record, at, snapshot.stats)

    async def thin(self) -> None:
        await asyncio.to_thread(self.database.write_quietly, samples.thin)

    async def backfill(self) -> None:
        """Once, for a database that has rows but no samples yet (in the background, at start)."""
        written = await asyncio.to_thread(self.database.write_quietly, samples.backfill_if_empty)
        if written:
            log.info("rebuilt %d hourly chart samples from the tables (once)", written)

    def series(self, name: str, fields: tuple[str, ...]) -> Awaitable[list[tuple[datetime, dict[str, int]]]]:
        """A range's points, read at most once a minute for everybody (a read under way is shared)."""
        now = datetime.now(UTC)
        minute = now.replace(second=0, microsecond=0)
        key = (name, fields, minute)
        shared = self._shared.get(key)
        if shared is None:
            for old in [k for k in self._shared if k[2] != minute]:
                del self._shared[old]
            shared = asyncio.ensure_future(self._read(now - RANGES[name], now, fields))
            shared.add_done_callback(lambda done, key=key: self._forget_failure(key, done))
            self._shared[key] = shared
        return asyncio.shield(shared)

    def _forget_failure(self, key: tuple, done: asyncio.Future) -> None:
        if done.cancelled() or done.exception() is not None:
            self._shared.pop(key, None)  # the next viewer tries again

    async def _read(
        self, since: datetime, until: datetime, fields: tuple[str, ...]
    ) -> list[tuple[datetime, dict[str, int]]]:
        self.reads += 1
        series = (samples.series, since, until, fields, CHART_POINTS)
        return await asyncio.to_thread(self.database.read, *series)
