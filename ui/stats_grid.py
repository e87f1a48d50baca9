from nicegui import ui

from live import Event, LiveFeed, Snapshot
from live.hub import STATS
from live.trends import Trends

from .stat_card import StatCard

CARDS = (  # (title, icon, key, Stats field)
    ("Users", "group", "users", "users"),
    ("Requests", "playlist_add", "requests", "requests_total"),
    ("Tracking", "visibility", "tracking", "requests_tracking"),
    ("Episodes tracked", "movie", "episodes", "episodes_tracked"),
    ("Notifications sent", "mark_email_read", "sent", "notifications_sent"),
    ("Notifications pending", "schedule_send", "pending", "notifications_pending"),
)


class StatsGrid(ui.grid):
    """The six stat cards: six per row on a wide screen, two on a tablet, one on a phone."""

    def __init__(self, feed: LiveFeed, trends: Trends) -> None:
        super().__init__()
        self.trends = trends
        self.classes("w-full gap-4 grid-cols-1 sm:grid-cols-2 xl:grid-cols-6").mark("stat-cards")
        self.feed = feed
        with self:
            self.cards = {field: StatCard(title, icon, key) for title, icon, key, field in CARDS}
        if feed.snapshot is not None:
            self.show(feed.snapshot)

    def show(self, snapshot: Snapshot) -> None:
        for field, card in self.cards.items():  # the trends compute these once for every viewer
            value = getattr(snapshot.stats, field)
            card.show(value, self.trends.last_hour(field, 30), self.trends.change_in_last_hour(field, value))

    def take(self, event: Event) -> None:
        if event.kind == STATS:
            self.show(event.payload)

    async def reload(self) -> None:
        if self.feed.snapshot is not None:
            self.show(self.feed.snapshot)
