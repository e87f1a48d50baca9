"""Sparklines for the stat cards and the notifications chart, drawn from the shared feed's trends."""

from datetime import UTC, datetime, timedelta

from nicegui import run, ui

from data import Database
from data.past_stats import sent_and_pending
from live import Event
from live.hub import STATS
from live.trends import Trends

# Neutral greys read on a light and on a dark page alike; the page background shows through.
MUTED = "#9ca3af"
GRID = "rgba(156, 163, 175, 0.25)"
SENT, PENDING = "#16a34a", "#f59e0b"
RANGES = {"1h": "Last hour", "24h": "24 hours", "7d": "7 days"}


def sparkline(color: str = "#4f46e5") -> ui.echart:
    return ui.echart(
        {
            "animation": False,
            "backgroundColor": "transparent",
            "grid": {"left": 0, "right": 0, "top": 2, "bottom": 2},
            "xAxis": {"type": "time", "show": False},
            "yAxis": {"type": "value", "show": False, "scale": True},
            "series": [
                {"type": "line", "data": [], "showSymbol": False, "lineStyle": {"color": color, "width": 1.5}}
            ],
            "tooltip": {"show": False},
        }
    ).classes("h-8 w-full")


def set_points(chart: ui.echart, index: int, points: list[tuple[datetime, int]]) -> None:
    chart.options["series"][index]["data"] = [[moment.isoformat(), value] for moment, value in points]
    chart.update()


class ActivityChart(ui.card):
    """Notifications sent vs pending over time: the last hour from memory, longer ranges from the database."""

    def __init__(self, trends: Trends, database: Database) -> None:
        super().__init__()
        self.classes("w-full").mark("activity-chart")
        self.trends = trends
        self.database = database
        with self:
            with ui.row().classes("w-full items-center justify-between"):
                ui.label("Notifications sent vs pending").classes("text-lg font-medium")
                self.range = (
                    ui.toggle(RANGES, value="1h", on_change=self.reload)
                    .props('dense no-caps aria-label="Chart range"')
                    .mark("chart-range")
                )
            self.chart = ui.echart(
                {
                    "animation": False,
                    "backgroundColor": "transparent",
                    "textStyle": {"color": MUTED},
                    "legend": {"data": ["Sent", "Pending"], "top": 0, "textStyle": {"color": MUTED}},
                    "tooltip": {"trigger": "axis"},
                    "grid": {"left": 40, "right": 16, "top": 32, "bottom": 24},
                    "xAxis": {"type": "time", "axisLabel": {"color": MUTED}},
                    "yAxis": {
                        "type": "value",
                        "minInterval": 1,
                        "axisLabel": {"color": MUTED},
                        "splitLine": {"lineStyle": {"color": GRID}},
                    },
                    "series": [
                        {
                            "name": "Sent",
                            "type": "line",
                            "step": "end",
                            "data": [],
                            "color": SENT,
                            "showSymbol": False,
                        },
                        {
                            "name": "Pending",
                            "type": "line",
                            "step": "end",
                            "data": [],
                            "color": PENDING,
                            "showSymbol": False,
                        },
                    ],
                }
            ).classes("w-full h-64")

    @property
    def point_count(self) -> int:
        return len(self.chart.options["series"][0]["data"])

    def take(self, event: Event) -> None:
        if event.kind == STATS and self.range.value == "1h":
            self._from_memory()

    async def reload(self) -> None:
        if self.range.value == "1h":
            self._from_memory()
            return
        until = datetime.now(UTC)
        since = until - (timedelta(days=1) if self.range.value == "24h" else timedelta(days=7))
        rows = await run.io_bound(sent_and_pending, self.database, since, until, 25)
        set_points(self.chart, 0, [(moment, sent) for moment, sent, _ in rows])
        set_points(self.chart, 1, [(moment, pending) for moment, _, pending in rows])

    def _from_memory(self) -> None:
        set_points(self.chart, 0, self.trends.last_hour("notifications_sent"))
        set_points(self.chart, 1, self.trends.last_hour("notifications_pending"))
