"""Airdate: compose settings, database, services, the live feed, routes and pages; then run."""

import logging
import sys
from functools import partial

from nicegui import app, run, ui
from nicegui.helpers import is_user_simulation

from api import actions, create_router, webhooks
from api.fast_path import serve_without_middleware
from data.history import stats_at
from live import Hub, LogRelay, StatsFeed, hide_slow_reader_tracebacks, metrics
from live.history import History
from native import require_native_backend
from settings import load_settings
from startup import build_services, demo_world, open_database, start_simulator
from ui import register_pages

log = logging.getLogger("airdate")

# Under NiceGUI's user simulation (pytest) the command line belongs to pytest, not to us.
settings = load_settings(None if is_user_simulation() else sys.argv[1:])
if settings.native:
    require_native_backend()
database = open_database(settings)
world = None
if settings.demo:
    settings, world = demo_world(settings)
jobs, mailer = build_services(settings, database)

hub = Hub(settings.sse_queue_size, settings.replay_events, settings.replay_seconds)
feed = StatsFeed(database.read_live, hub, changes_after=database.last_change_id())
database.on_commit(feed.request_refresh)
relay = LogRelay(hub, settings.log_events_level)
history = History(seed=partial(stats_at, database))
hub.listen(history.take, viewer=False)
metrics.watch_viewers(lambda: hub.mailbox_count, lambda: hub.viewer_count)
hide_slow_reader_tracebacks()

app.include_router(
    create_router(database, feed, keepalive=settings.sse_keepalive, send_timeout=settings.sse_send_timeout)
)
app.include_router(actions.create_router(jobs))
app.include_router(
    webhooks.create_router(
        database,
        webhooks.WebhookAuth(settings.webhook_username, settings.webhook_password, settings.webhook_secret),
    )
)
register_pages(database, feed, history, jobs, world)
serve_without_middleware(app, frozenset({"/sse/stats"}))

app.on_startup(feed.start)
app.on_startup(relay.attach)
app.timer(settings.stats_interval, feed.tick)
app.timer(3600, lambda: run.io_bound(database.prune_changes))
if mailer is not None:
    app.on_startup(mailer.recover)
    app.timer(settings.send_interval, mailer.send_due, immediate=False)
if world is not None:
    simulator = start_simulator(settings, world)
    app.timer(1.0, simulator.start, once=True)  # once the server answers HTTP
    app.timer(settings.demo_interval, simulator.step, immediate=False)
    app.on_shutdown(simulator.close)
app.on_shutdown(relay.detach)
app.on_shutdown(lambda: hub.close_all("server stopping"))
app.on_shutdown(database.dispose)
app.on_shutdown(lambda: log.info("airdate stopped"))
app.state.airdate = {"settings": settings, "database": database, "feed": feed, "jobs": jobs, "world": world}

if __name__ in {"__main__", "__mp_main__"}:
    ui.run(
        host=settings.host,
        port=settings.port,
        title="Airdate",
        native=settings.native,
        window_size=(1280, 860) if settings.native else None,
        reload=False,
        show=False,
        storage_secret=settings.storage_secret,
        timeout_graceful_shutdown=settings.shutdown_grace,
    )
