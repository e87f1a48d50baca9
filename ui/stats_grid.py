"""The six stat cards: values, "% vs 1 h ago" and sparklines, drawn by the browser (``live_tiles.js``).

Per changed snapshot every viewer is sent the same small payload, which :class:`live.Trends` computes
once for all of them; the browser does the drawing.
"""

from nicegui import ui

from live import Event, LiveFeed, Trends
from live.hub import STATS

CARDS = (  # (title, icon, key, Stats field)
    ("Users", "group", "users", "users"),
    ("Requests", "playlist_add", "requests", "requests_total"),
    ("Tracking", "visibility", "tracking", "requests_tracking"),
    ("Episodes tracked", "movie", "episodes", "episodes_tracked"),
    ("Notifications sent", "mark_email_read", "sent", "notifications_sent"),
    ("Notifications pending", "schedule_send", "pending", "notifications_pending"),
)
FIELDS = tuple(field for *_, field in CARDS)
SPARK_POINTS = 30


class StatsGrid(ui.element, component="live_tiles.js"):
    """Six per row on a wide screen, two on a tablet, one on a phone."""

    def __init__(self, feed: LiveFeed, trends: Trends) -> None:
        super().__init__()
        self.feed = feed
        self.trends = trends
        self.props["cards"] = [{"title": t, "icon": i, "key": k, "field": f} for t, i, k, f in CARDS]
        self.props["payload"] = trends.tiles(feed.snapshot, FIELDS, SPARK_POINTS) if feed.snapshot else None
        self.classes("w-full").mark("stat-cards")

    def value(self, key: str) -> int | None:
        """The number a card shows (what the page was last sent), by its key (``users``, ``sent``…)."""
        field = next(f for _, _, k, f in CARDS if k == key)
        payload = self.props["payload"]
        return payload["values"][field] if payload else None

    def take(self, event: Event) -> None:
        if event.kind == STATS:
            self._show(self.trends.tiles(event.payload, FIELDS, SPARK_POINTS))

    async def reload(self) -> None:
        if self.feed.snapshot is not None:
            self._show(self.trends.tiles(self.feed.snapshot, FIELDS, SPARK_POINTS))

    def _show(self, payload: dict) -> None:
        with self.props.suspend_updates():  # kept for a page rendered anew; sent below, not as a prop
            self.props["payload"] = payload
        self.run_method("show", payload)
