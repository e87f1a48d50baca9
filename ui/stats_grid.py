"""The stat cards: values, "% vs 1 h ago" and sparklines, drawn by the browser (``live_tiles.js``); a
card for every counter whose definition has a tile (:data:`data.counters.COUNTERS`).

Per changed snapshot every viewer is sent the same small payload, which :class:`live.Trends` computes
once for all of them; the browser does the drawing.
"""

from nicegui import ui

from live import Event, LiveFeed, Trends, tiles
from live.hub import STATS

SPARK_POINTS = 30


def cards() -> list[dict]:
    """A card per counter that has a ``tile`` (:data:`data.counters.COUNTERS`, in its order)."""
    return [{"title": c.tile.title, "icon": c.tile.icon, "key": c.tile.key, "field": c.name} for c in tiles()]


class StatsGrid(ui.element, component="live_tiles.js", dependencies=["draw_soon.js"]):
    """Six per row on a wide screen, two on a tablet, one on a phone (a seventh starts a new row)."""

    def __init__(self, feed: LiveFeed, trends: Trends) -> None:
        super().__init__()
        self.feed = feed
        self.trends = trends
        self.props["cards"] = cards()
        self.fields = tuple(card["field"] for card in self.props["cards"])  # the Stats field of each card
        self.props["payload"] = (
            trends.tiles(feed.snapshot, self.fields, SPARK_POINTS) if feed.snapshot else None
        )
        self.classes("w-full").mark("stat-cards")

    def value(self, key: str) -> int | None:
        """The number a card shows (what the page was last sent), by its key (``users``, ``sent``…)."""
        field = next(card["field"] for card in self.props["cards"] if card["key"] == key)
        payload = self.props["payload"]
        return payload["values"][field] if payload else None

    def take(self, event: Event) -> None:
        if event.kind == STATS:
            self._show(self.trends.tiles(event.payload, self.fields, SPARK_POINTS))

    async def reload(self) -> None:
        if self.feed.snapshot is not None:
            self._show(self.trends.tiles(self.feed.snapshot, self.fields, SPARK_POINTS))

    def _show(self, payload: dict) -> None:
        with self.props.suspend_updates():  # kept for a page rendered anew; sent below, not as a prop
            self.props["payload"] = payload
        self.run_method("show", payload)
