"""The dashboard: live stat cards, actions, the chart, recent notifications and the log.

The answer to ``GET /`` is the frame alone; the content is built from what the shared feed holds (no
query of its own) once the browser's websocket has connected, and then subscribes to the hub. A page
that never connects (a crawler, a health check, a link preview) holds no subscription and costs a few
elements, not the ~130 of the content: 300 such pages held ~230 MiB until forgotten (~770 KiB each,
NiceGUI's elements and their observable props; ``python -m bench.viewers.probe``). The content arrives
one websocket message after the page, as every later update does.
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
            content = ui.column().classes("w-full gap-4")
        ui.add_body_html(VISIBILITY_SCRIPT)
        mode, client = app.storage.user.get(STORAGE_KEY, "live"), ui.context.client
        await client.connected()  # the frame is answered; the rest only for a browser that connected
        if client.is_deleted:  # (a page that never connected is forgotten after a while)
            return
        view = LiveView(live.hub, mode)
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

        ui.on("airdate_visibility", lambda event: visibility(event.args))
        view.start()
        freshness.start()
