"""The dashboard: live stat cards, recent notifications and the log, all fed by the shared hub."""

from nicegui import run, ui

from data import Database
from live import StatsFeed
from services.jobs import Jobs

from .actions import ActionPanel
from .frame import Nav, frame
from .live_view import LiveView
from .log_viewer import LogViewer
from .recent_notifications import RecentNotifications
from .stats_grid import StatsGrid
from .time_text import TimeText


def register(database: Database, feed: StatsFeed, jobs: Jobs, nav: Nav) -> None:
    @ui.page("/")
    async def dashboard() -> None:
        with frame("Dashboard", nav) as tools:
            view = LiveView(feed.hub)
            with tools:
                with ui.row().classes("items-center gap-1 text-sm"):
                    ui.label("Last sync:")
                    last_sync = TimeText().mark("last-sync")
                LiveToggle(view)
            view.add(StatsGrid(feed, last_sync))
            ActionPanel(jobs)
            with ui.grid().classes("w-full gap-4 grid-cols-1 lg:grid-cols-3"):
                with ui.element("div").classes("lg:col-span-2"):
                    notifications = view.add(
                        RecentNotifications(lambda: run.io_bound(database.recent_notifications))
                    )
                view.add(LogViewer(feed.hub))
        await notifications.fill()


class LiveToggle(ui.row):
    """The live indicator and this viewer's Pause / Resume button."""

    def __init__(self, view: LiveView) -> None:
        super().__init__()
        self.view = view
        self.classes("items-center gap-2")
        with self:
            self.indicator = ui.badge("Live").mark("live-indicator")
            self.button = ui.button(on_click=self.toggle).props("flat dense color=white").mark("pause")
        self._render()

    async def toggle(self) -> None:
        if self.view.paused:
            await self.view.resume()
        else:
            self.view.pause()
        self._render()

    def _render(self) -> None:
        paused = self.view.paused
        label = "Resume live updates" if paused else "Pause live updates"
        self.button.set_text(label)
        self.button.props(f'icon={"play_arrow" if paused else "pause"} aria-label="{label}"')
        self.indicator.set_text("Paused" if paused else "Live")
        self.indicator.props(f"color={'grey' if paused else 'positive'}")
