"""Everything a page reads live, built once per process and shared by every viewer."""

import asyncio
from dataclasses import dataclass
from datetime import timedelta

from data import samples

from .feed import LiveFeed
from .hub import Hub
from .latest import LatestNotifications
from .samples import Samples
from .trends import Trends
from .upcoming import UpcomingBoard


@dataclass(frozen=True)
class LiveSources:
    feed: LiveFeed
    trends: Trends  # the last hours in memory: sparklines, "% vs 1 h ago", the chart's last hour
    samples: Samples  # the chart's longer ranges
    latest: LatestNotifications  # the newest notifications
    upcoming: UpcomingBoard  # what airs next (the Upcoming page)

    @property
    def hub(self) -> Hub:
        return self.feed.hub

    async def warm_up(self) -> None:
        """At start, in the background: the chart samples (rebuilt once if a database has none yet),
        then the stats of an hour ago for "% vs 1 h ago"."""
        await self.samples.backfill()
        hour_ago = self.trends.started - timedelta(hours=1)
        values = await asyncio.to_thread(self.samples.database.read, samples.value_at, hour_ago)
        if values is not None:
            self.trends.seed(hour_ago, values)
