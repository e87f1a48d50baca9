"""One viewer's subscription to the hub, shared by every live widget on that viewer's page."""

import asyncio
from typing import Protocol

from nicegui import background_tasks, ui

from live import Event, Hub

# The refresh choices a viewer has: seconds between updates (0: live, None: off / paused).
MODES: dict[str, float | None] = {"live": 0, "5": 5, "10": 10, "30": 30, "60": 60, "off": None}
# "Live" is at most one delivery a second, as fast as the app-wide timer reads: an event after a quiet
# second at once, a burst together at the end of its second (one update: one browser frame). Event by
# event, an open dashboard took 5.9-6.4 % of a core in Chromium at the demo's ~4 events a second; paced
# (with draw_soon.js), 3.9-4.1 % (``python -m bench.viewers.tab_probe``).
LIVE_PACE = 1.0
MODE_LABELS = {"live": "Live", "5": "5 s", "10": "10 s", "30": "30 s", "60": "1 min", "off": "Off"}


class LiveWidget(Protocol):
    def take(self, event: Event) -> None:
        """Show one event."""

    async def reload(self) -> None:
        """Rebuild from the current state (after a pause longer than the hub remembers)."""


class LiveView:
    """Delivers hub events to this viewer's widgets, as this viewer chose.

    ``mode`` is how often: live (at most every ``LIVE_PACE`` seconds), every N seconds (the shared
    feed still reads once per tick; only what this viewer is sent is throttled) or off (the same as
    Pause). A hidden browser tab gets nothing until it is shown again. Whenever delivery resumes, what
    was missed is replayed from the hub's window, each event once, or the widgets reload when the gap
    outgrew the window.
    """

    def __init__(self, hub: Hub, mode: str = "live") -> None:
        self.hub = hub
        self.widgets: list[LiveWidget] = []
        self.mode = mode if mode in MODES else "live"
        self.hidden = False
        self.last_seen = hub.last_seq  # the widgets were built from the state after this event
        self._last_delivery = 0.0
        self._flush: asyncio.TimerHandle | None = None

    def start(self) -> None:
        """Subscribe (once the browser is connected) and deliver what happened since the page was built."""
        stop = self.hub.listen(self._on_event)
        ui.context.client.on_delete(stop)
        ui.context.client.on_delete(self._cancel_flush)
        if self.active:
            self.catch_up()

    @property
    def paused(self) -> bool:
        return MODES[self.mode] is None

    @property
    def active(self) -> bool:
        return not self.paused and not self.hidden

    def add(self, widget: LiveWidget) -> LiveWidget:
        self.widgets.append(widget)
        return widget

    def set_mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown refresh mode {mode!r}")
        self.mode = mode
        self._cancel_flush()
        if self.active:
            self.catch_up()

    def set_hidden(self, hidden: bool) -> None:
        self.hidden = hidden
        if self.active:
            self.catch_up()

    def catch_up(self) -> None:
        """Deliver everything after the last event this viewer saw."""
        self._cancel_flush()
        self._last_delivery = asyncio.get_running_loop().time()
        missed = self.hub.events_since(self.last_seen)
        if missed is None:
            self.last_seen = self.hub.last_seq
            background_tasks.create(self._reload_all(), name="reload live widgets")
            return
        for event in missed:
            self._deliver(event)

    def _on_event(self, event: Event) -> None:
        if not self.active:
            return
        interval = MODES[self.mode] or LIVE_PACE
        loop = asyncio.get_running_loop()
        wait = self._last_delivery + interval - loop.time()
        if wait <= 0:
            self.catch_up()
        elif self._flush is None:
            self._flush = loop.call_later(wait, self.catch_up)

    def _deliver(self, event: Event) -> None:
        if event.seq <= self.last_seen:
            return
        self.last_seen = event.seq
        for widget in self.widgets:
            widget.take(event)

    async def _reload_all(self) -> None:
        for widget in self.widgets:
            await widget.reload()

    def _cancel_flush(self) -> None:
        if self._flush is not None:
            self._flush.cancel()
            self._flush = None
