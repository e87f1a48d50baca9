"""The dashboard header's live controls: freshness, the refresh choice, Pause / Resume, stale banner."""

from datetime import datetime, timedelta

from nicegui import app, ui

from live import Event, LiveFeed
from live.hub import STATS

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
    Sends this viewer something only when it changes: a new snapshot (it carries its time), the
    database failing or recovering, or — when nothing changes — at most every ``QUIET`` seconds, so
    that a quiet feed reading every few seconds costs a viewer nothing.
    """

    QUIET = timedelta(seconds=30)

    def __init__(self, feed: LiveFeed, view: LiveView, tools: ui.row, banner_parent: ui.element) -> None:
        self.feed = feed
        self.view = view
        self.dimmed: list[ui.element] = []
        self._shown_at: datetime | None = None
        self._shown_error: str | None = None
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
        self.banner.set_visibility(False)
        self.refresh()

    def start(self) -> None:
        """Follow the feed's reads (once the browser is connected)."""
        stop = self.feed.watch(self._on_read)
        ui.context.client.on_delete(stop)
        self.refresh()

    def dim(self, element: ui.element) -> None:
        self.dimmed.append(element)
        self._show_error(self.feed.error, force=True)

    def refresh(self) -> None:
        """Show the feed's current state (after a pause, when the tab shows again, at start)."""
        moment = self.feed.last_read_at or (self.feed.snapshot.timestamp if self.feed.snapshot else None)
        self._show_moment(moment)
        self._show_error(self.feed.error)

    def take(self, event: Event) -> None:
        """A live widget: a new snapshot brings its own time."""
        if event.kind == STATS:
            self._show_moment(event.payload.timestamp)

    async def reload(self) -> None:
        self.refresh()

    def _on_read(self) -> None:
        if not self.view.active:
            return
        self._show_error(self.feed.error)
        moment = self.feed.last_read_at
        if moment is not None and (self._shown_at is None or moment - self._shown_at > self.QUIET):
            self._show_moment(moment)

    def _show_moment(self, moment: datetime | None) -> None:
        self._shown_at = moment
        self.last_sync.set_moment(moment)
        self.updated.set_moment(moment)

    def _show_error(self, error: str | None, *, force: bool = False) -> None:
        if error == self._shown_error and not force:
            return
        self._shown_error = error
        stale = error is not None
        self.banner.set_visibility(stale)
        if stale:
            self.banner.set_text(
                f"The database is not answering ({error}). "
                "Showing the last good values; they update again as soon as it is back."
            )
        for element in self.dimmed:
            element.classes(
                add="opacity-50 grayscale" if stale else "", remove="" if stale else "opacity-50 grayscale"
            )
