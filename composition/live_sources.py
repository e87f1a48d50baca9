"""The live side: the hub that fans events out, the feed that reads the database once per tick, and what
pages read from it (trends, the latest notifications, the Upcoming board, the chart samples)."""

from functools import partial

from data import Database, changes, feed_read, shared_logs
from live import Hub, LiveFeed, LiveSources, Trends
from live.latest import LatestNotifications
from live.samples import Samples
from live.upcoming import UpcomingBoard
from settings import Settings


def build_live(settings: Settings, database: Database) -> LiveSources:
    """The hub and the feed (from the newest change and log line), with the listeners pages read."""
    sse = settings.sse
    hub = Hub(
        sse.queue_size,
        sse.replay_events,
        sse.replay_seconds,
        keepalive=sse.keepalive,
        send_timeout=sse.send_timeout,
    )
    feed = LiveFeed(
        partial(database.read, feed_read.read_live),
        hub,
        changes_after=database.read(changes.last_change_id),
        log_lines_after=database.read(shared_logs.last_id),
    )
    return _live_sources(database, feed)


def _live_sources(database: Database, feed: LiveFeed) -> LiveSources:
    """What pages read: listeners registered before any page's, so they are current when a page asks."""
    trends = Trends()
    feed.hub.listen(trends.take, viewer=False)
    latest = LatestNotifications(partial(database.read, changes.recent_notifications))
    latest.fill()
    feed.hub.listen(latest.take, viewer=False)
    upcoming = UpcomingBoard()
    feed.on_upcoming = upcoming.take
    return LiveSources(feed, trends, Samples(database, feed), latest, upcoming)
