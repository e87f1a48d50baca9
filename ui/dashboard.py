"""The dashboard: live stat cards, actions, the chart, recent notifications and the log.

A page is built from what the shared feed already holds (no query of its own), answered at once, and
subscribes to the hub only when its browser has connected: a page that never opens its websocket holds
no subscription and receives nothing.
"""

from nicegui import app, ui

from api.policy import Need, requires
from data import Database
from live import LiveSources
from services.jobs import Jobs

from .actions import ActionPanel
from .charts import ActivityChart
from .frame import Nav, frame
from .live_controls import STORAGE_KEY, Freshness, LiveControls
from .live_view import LiveView
from .log_viewer import LogViewer
from .principal import principal_of
from .recent_notifications import RecentNotifications, retrier
from .stats_grid import StatsGrid

# A hidden tab tells the server, which then stops sending it updates until it is shown again.
VISIBILITY_SCRIPT = """<script>
document.addEventListener("visibilitychange",
  () => emitEvent("airdate_visibility", document.visibilityState));
</script>"""


def register(live: LiveSources, jobs: Jobs, database: Database, nav: Nav) -> None:

    @ui.page("/", dependencies=[requires(Need.VIEWER)])
    async def dashboard() -> None:
        principal = principal_of(ui.context.client)
        is_admin = principal is not None and principal.is_admin  # viewers see, but do not act
        with frame("Dashboard", nav) as tools:
            view = LiveView(live.hub, app.storage.user.get(STORAGE_KEY, "live"))
            content = ui.column().classes("w-full gap-4")
            freshness = view.add(Freshness(live.feed, view, tools, content))
            with tools:
                LiveControls(view, on_change=freshness.refresh)
            with content:
                freshness.dim(view.add(StatsGrid(live.feed, live.trends)))
                if is_admin:
                    ActionPanel(jobs, started_by=principal.who)
                view.add(ActivityChart(live.trends, live.samples))
                with ui.grid().classes("w-full gap-4 grid-cols-1 lg:grid-cols-3"):
                    with ui.element("div").classes("lg:col-span-2 min-w-0"):
                        retry = retrier(database, principal.who) if is_admin else None
                        view.add(RecentNotifications(live.latest, on_retry=retry))
                    view.add(LogViewer(live.hub))

        def visibility(state: str) -> None:
            view.set_hidden(state == "hidden")
            if view.active:
                freshness.refresh()

        ui.add_body_html(VISIBILITY_SCRIPT)
        ui.on("airdate_visibility", lambda event: visibility(event.args))
        await ui.context.client.connected()  # the page is answered; from here on it is live
        if not ui.context.client.is_deleted:  # (a page that never connected is deleted after a while)
            view.start()
            freshness.start()
