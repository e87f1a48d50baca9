"""Notifications sent vs pending over time: the last hour from the feed's memory, 24 hours and 7 days
from the minute samples (:mod:`live.samples`). A new snapshot changes only the chart's data: the
browser gets the two series, not the whole chart again.

The last-hour chart follows the snapshots at most once every :data:`REDRAW_EVERY` seconds (the newest
series always arrives, at the latest that long after it was taken). Redrawing the canvas was most of
what an open dashboard cost the browser (``make bench``: about 3 % of a core at the demo's rate, with
the chart removed from the page the tab used half its CPU), while its points are a minute apart.
"""

import asyncio

from nicegui import ui

from live import Event, Trends
from live.hub import STATS
from live.samples import Samples

# Neutral greys read on a light and on a dark page alike; the page background shows through.
MUTED = "#9ca3af"
GRID = "rgba(156, 163, 175, 0.25)"
SENT, PENDING = "#16a34a", "#f59e0b"
RANGES = {"1h": "Last hour", "24h": "24 hours", "7d": "7 days"}
FIELDS = ("notifications_sent", "notifications_pending")
REDRAW_EVERY = 5.0  # seconds between two redraws of the last-hour chart
# The browser makes the chart a moment after the page arrives; a redraw sent before that is lost (and,
# with redraws this far apart, the page would show its build-time series for seconds).
FIRST_REDRAW_AFTER = 1.0


def _series(name: str, color: str) -> dict:
    return {"name": name, "type": "line", "step": "end", "data": [], "color": color, "showSymbol": False}


class ActivityChart(ui.card):
    def __init__(self, trends: Trends, samples: Samples) -> None:
        super().__init__()
        self.classes("w-full").mark("activity-chart")
        self.trends = trends
        self.samples = samples
        # event-loop time of the last redraw; the page's series counts as one, a little in the past
        self._drawn_at = asyncio.get_running_loop().time() - REDRAW_EVERY + FIRST_REDRAW_AFTER
        self._waiting: list[list[list[int]]] | None = None  # the newest series, until its redraw
        self._redraw: asyncio.TimerHandle | None = None
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
                    "series": [_series("Sent", SENT), _series("Pending", PENDING)],
                }
            ).classes("w-full h-64")
        self._show(self.trends.chart_last_hour(FIELDS), push=False)

    @property
    def point_count(self) -> int:
        return len(self.chart.options["series"][0]["data"])

    def take(self, event: Event) -> None:
        if event.kind != STATS or self.range.value != "1h":
            return
        self._waiting = self.trends.chart_last_hour(FIELDS)  # as of this event (a paused view stays put)
        loop = asyncio.get_running_loop()
        wait = self._drawn_at + REDRAW_EVERY - loop.time()
        if wait <= 0:
            self._draw_waiting()
        elif self._redraw is None:
            self._redraw = loop.call_later(wait, self._draw_waiting)

    def _draw_waiting(self) -> None:
        self._redraw = None
        if self._waiting is None or self.is_deleted or self.range.value != "1h":
            return
        self._drawn_at = asyncio.get_running_loop().time()
        self._show(self._waiting)
        self._waiting = None

    async def reload(self) -> None:
        self._waiting = None
        if self.range.value == "1h":
            self._drawn_at = asyncio.get_running_loop().time()
            self._show(self.trends.chart_last_hour(FIELDS))
            return
        wanted = self.range.value
        points = await self.samples.series(wanted, FIELDS)
        if self.range.value != wanted:  # the viewer chose another range meanwhile: that one is shown
            return
        self._show([[[int(at.timestamp() * 1000), values[f]] for at, values in points] for f in FIELDS])

    def _show(self, series: list[list[list[int]]], *, push: bool = True) -> None:
        if push and series == [s["data"] for s in self.chart.options["series"]]:
            return  # the browser shows these already: a redraw of the same canvas costs as much
        with self.chart.props.suspend_updates():  # kept for a page rendered anew, not sent as a whole
            for index, data in enumerate(series):
                self.chart.options["series"][index]["data"] = data
        if push:
            update = {"series": [{"data": data} for data in series]}
            self.chart.run_chart_method("setOption", update, {"lazyUpdate": True})  # at the next frame
