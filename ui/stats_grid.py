from nicegui import ui

from live import Event, Snapshot, StatsFeed
from live.hub import STATS

from .stat_card import StatCard
from .time_text import TimeText

CARDS = (  # (title, icon, key, Stats field)
    ("Users", "group", "users", "users"),
    ("Requests", "playlist_add", "requests", "requests_total"),
    ("Tracking", "visibility", "tracking", "requests_tracking"),
    ("Episodes tracked", "movie", "episodes", "episodes_tracked"),
    ("Notifications sent", "mark_email_read", "sent", "notifications_sent"),
    ("Notifications pending", "schedule_send", "pending", "notifications_pending"),
)


class StatsGrid(ui.grid):
    """The six stat cards; ``last_sync`` (placed by the page) shows when their values were read."""

    def __init__(self, feed: StatsFeed, last_sync: TimeText) -> None:
        super().__init__()
        self.classes("w-full gap-4 grid-cols-1 sm:grid-cols-2 lg:grid-cols-3 xl:grid-cols-6")
        self.feed = feed
        self.last_sync = last_sync
        with self:
            self.cards = {field: StatCard(title, icon, key) for title, icon, key, field in CARDS}
        if feed.snapshot is not None:
            self.show(feed.snapshot)

    def show(self, snapshot: Snapshot) -> None:
        for field, card in self.cards.items():
            card.show(getattr(snapshot.stats, field))
        self.last_sync.set_moment(snapshot.timestamp)

    def take(self, event: Event) -> None:
        if event.kind == STATS:
            self.show(event.payload)

    async def reload(self) -> None:
        if self.feed.snapshot is not None:
            self.show(self.feed.snapshot)
