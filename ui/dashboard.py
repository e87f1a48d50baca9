"""The dashboard: live stat cards, actions, recent notifications and the log, fed by the shared hub."""

from nicegui import app, run, ui

from api.policy import AccessPolicy, Need
from data import Database
from live import LiveFeed
from live.trends import Trends
from services.jobs import Jobs

from .actions import ActionPanel
from .charts import ActivityChart
from .frame import Nav, frame
from .live_controls import STORAGE_KEY, Freshness, LiveControls
from .live_view import LiveView
from .log_viewer import LogViewer
from .principal import principal_of
from .recent_notifications import RecentNotifications
from .stats_grid import StatsGrid

# A hidden tab tells the server, which then stops sending it updates until it is shown again.
VISIBILITY_SCRIPT = """<script>
document.addEventListener("visibilitychange",
  () => emitEvent("airdate_visibility", document.visibilityState));
</script>"""


def register(
    database: Database, feed: LiveFeed, trends: Trends, jobs: Jobs, policy: AccessPolicy, nav: Nav
) -> None:
    policy.allow("/", Need.VIEWER)

    @ui.page("/")
    async def dashboard() -> None:
        principal = principal_of(ui.context.client)
        with frame("Dashboard", nav) as tools:
            view = LiveView(feed.hub, app.storage.user.get(STORAGE_KEY, "live"))
            content = ui.column().classes("w-full gap-4")
            freshness = Freshness(feed, view, tools, content)
            with tools:
                LiveControls(view, on_change=freshness.refresh)
            with content:
                freshness.dim(view.add(StatsGrid(feed, trends)))
                if principal is not None and principal.is_admin:  # viewers see, but do not act
                    ActionPanel(jobs, started_by=principal.who)
                chart = view.add(ActivityChart(trends, database))
                with ui.grid().classes("w-full gap-4 grid-cols-1 lg:grid-cols-3"):
                    with ui.element("div").classes("lg:col-span-2 min-w-0"):
                        load = lambda: run.io_bound(database.recent_notifications)  # noqa: E731
                        notifications = view.add(RecentNotifications(load))
                    view.add(LogViewer(feed.hub))

        def visibility(state: str) -> None:
            view.set_hidden(state == "hidden")
            if view.active:
                freshness.refresh()

        ui.add_body_html(VISIBILITY_SCRIPT)
        ui.on("airdate_visibility", lambda event: visibility(event.args))
        await notifications.fill()
        await chart.reload()
