"""The dashboard: live stat cards fed by the shared stats feed."""

from nicegui import ui

from live import Event, Snapshot, StatsFeed
from live.hub import STATS

from .frame import frame
from .local_time import LocalTime
from .stat_card import StatCard

CARDS = (  # (title, icon, key, Stats field)
    ("Users", "group", "users", "users"),
    ("Requests", "playlist_add", "requests", "requests_total"),
    ("Tracking", "visibility", "tracking", "requests_tracking"),
    ("Episodes tracked", "movie", "episodes", "episodes_tracked"),
    ("Notifications sent", "mark_email_read", "sent", "notifications_sent"),
    ("Notifications pending", "schedule_send", "pending", "notifications_pending"),
)


def register(feed: StatsFeed) -> None:
    @ui.page("/")
    def dashboard() -> None:
        with frame("Dashboard") as tools:
            LiveStats(feed, tools)


class LiveStats:
    """One viewer's dashboard. It only listens to the shared feed; Pause freezes this viewer alone."""

    def __init__(self, feed: StatsFeed, tools: ui.row) -> None:
        self.feed = feed
        self.paused = False
        with tools:
            with ui.row().classes("items-center gap-1 text-sm"):
                ui.label("Last sync:")
                self.last_sync = LocalTime().mark("last-sync")
            self.indicator = ui.badge("Live").mark("live-indicator")
            self.toggle = ui.button(on_click=self.toggle_pause).props("flat dense color=white").mark("pause")
        with ui.grid().classes("w-full gap-4 grid-cols-1 sm:grid-cols-2 lg:grid-cols-3 xl:grid-cols-6"):
            self.cards = {field: StatCard(title, icon, key) for title, icon, key, field in CARDS}
        self._render_state()
        if feed.snapshot is not None:
            self.show(feed.snapshot)
        stop = feed.hub.listen(self._on_event)
        ui.context.client.on_delete(stop)

    def show(self, snapshot: Snapshot) -> None:
        for field, card in self.cards.items():
            card.show(getattr(snapshot.stats, field))
        self.last_sync.set_moment(snapshot.timestamp)

    def toggle_pause(self) -> None:
        self.paused = not self.paused
        self._render_state()
        if not self.paused and self.feed.snapshot is not None:
            self.show(self.feed.snapshot)  # catch up with whatever arrived while paused

    def _on_event(self, event: Event) -> None:
        if event.kind == STATS and not self.paused:
            self.show(event.payload)

    def _render_state(self) -> None:
        label = "Resume live updates" if self.paused else "Pause live updates"
        self.toggle.set_text(label)
        self.toggle.props(f'icon={"play_arrow" if self.paused else "pause"} aria-label="{label}"')
        self.indicator.set_text("Paused" if self.paused else "Live")
        self.indicator.props(f"color={'grey' if self.paused else 'positive'}")
