"""The dashboard header's live controls: freshness, the refresh choice, Pause / Resume, stale banner."""

from nicegui import app, ui

from live import LiveFeed

from .live_view import MODE_LABELS, LiveView
from .time_text import TimeText

STORAGE_KEY = "refresh"  # per browser (NiceGUI user storage)


class LiveControls(ui.row):
    """The refresh choice (Live, 5 s … 1 min, Off) and Pause / Resume; Off and Pause are one state."""

    def __init__(self, view: LiveView, on_change: object = None) -> None:
        super().__init__()
        self.view = view
        self.on_change = on_change
        self.resume_to = view.mode if not view.paused else "live"
        self.classes("items-center gap-2 no-wrap")
        with self:
            self.picker = (
                ui.select(MODE_LABELS, value=view.mode, on_change=lambda e: self.choose(e.value))
                .props('dense dark borderless options-dense aria-label="Refresh interval"')
                .classes("w-20")
                .mark("refresh")
            )
            self.button = ui.button(on_click=self.toggle).props("flat dense color=white").mark("pause")
        self._render()

    def choose(self, mode: str) -> None:
        if mode == self.view.mode:
            return
        if mode != "off":
            self.resume_to = mode
        self.view.set_mode(mode)
        app.storage.user[STORAGE_KEY] = mode
        self._render()
        if callable(self.on_change):
            self.on_change()

    def toggle(self) -> None:
        self.choose(self.resume_to if self.view.paused else "off")

    def _render(self) -> None:
        paused = self.view.paused
        label = "Resume live updates" if paused else "Pause live updates"
        self.button.set_text(label)
        self.button.props(f'icon={"play_arrow" if paused else "pause"} aria-label="{label}"')
        self.picker.set_value(self.view.mode)


class Freshness:
    """ "Last sync: <local time> · updated 3 seconds ago", and a banner while the database is unreachable.

    Follows the viewer: frozen while paused or hidden, current again as soon as delivery resumes.
    """

    def __init__(self, feed: LiveFeed, view: LiveView, tools: ui.row, banner_parent: ui.element) -> None:
        self.feed = feed
        self.view = view
        self.dimmed: list[ui.element] = []
        with tools, ui.row().classes("items-center gap-1 text-sm no-wrap"):
            ui.label("Last sync:")
            self.last_sync = TimeText().mark("last-sync")
            ui.label("·").classes("max-md:hidden")
            with ui.row().classes("gap-1 max-md:hidden no-wrap"):
                ui.label("updated")
                self.updated = TimeText(mode="relative").mark("updated-ago")
        with banner_parent:
            self.banner = (
                ui.label("")
                .props('role="alert"')
                .classes("w-full rounded px-4 py-2 bg-amber-100 text-amber-900")
                .mark("stale-banner")
            )
        self.banner.move(target_index=0)
        stop = feed.watch(self._on_read)
        ui.context.client.on_delete(stop)
        self.refresh()

    def dim(self, element: ui.element) -> None:
        self.dimmed.append(element)
        self.refresh()

    def refresh(self) -> None:
        moment = self.feed.last_read_at or (self.feed.snapshot.timestamp if self.feed.snapshot else None)
        self.last_sync.set_moment(moment)
        self.updated.set_moment(moment)
        stale = self.feed.error is not None
        self.banner.set_visibility(stale)
        if stale:
            self.banner.set_text(
                f"The database is not answering ({self.feed.error}). "
                "Showing the last good values; they update again as soon as it is back."
            )
        for element in self.dimmed:
            element.classes(
                add="opacity-50 grayscale" if stale else "", remove="" if stale else "opacity-50 grayscale"
            )

    def _on_read(self) -> None:
        if self.view.active:
            self.refresh()
