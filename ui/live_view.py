"""One viewer's subscription to the hub, shared by every live widget on that viewer's page."""

from typing import Protocol

from nicegui import ui

from live import Event, Hub


class LiveWidget(Protocol):
    def take(self, event: Event) -> None:
        """Show one event."""

    async def reload(self) -> None:
        """Rebuild from the current state (after a pause longer than the hub remembers)."""


class LiveView:
    """Delivers hub events to this viewer's widgets. Pause freezes everything this viewer shows;
    Resume replays what was missed from the hub's window (each event once), or reloads the widgets
    when the pause outlasted the window. Other viewers are not affected either way.
    """

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.widgets: list[LiveWidget] = []
        self.paused = False
        self.last_seen = hub.last_id
        stop = hub.listen(self._on_event)
        ui.context.client.on_delete(stop)

    def add(self, widget: LiveWidget) -> LiveWidget:
        self.widgets.append(widget)
        return widget

    def pause(self) -> None:
        self.paused = True

    async def resume(self) -> None:
        self.paused = False
        missed = self.hub.events_after(self.last_seen)
        if missed is None:
            self.last_seen = self.hub.last_id
            for widget in self.widgets:
                await widget.reload()
            return
        for event in missed:
            self._deliver(event)

    def _on_event(self, event: Event) -> None:
        if not self.paused:
            self._deliver(event)

    def _deliver(self, event: Event) -> None:
        if event.id <= self.last_seen:
            return
        self.last_seen = event.id
        for widget in self.widgets:
            widget.take(event)
