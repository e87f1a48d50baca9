"""The app factory: one Settings in, a composed Airdate out — database, live feed, services, routes, pages.

NiceGUI keeps one process-wide app, so ``create_app`` registers routes, pages and lifecycle hooks on
it; build one Airdate per process (tests build theirs inside NiceGUI's reset of its globals).
Plug-ins (the demo) adjust the settings before anything is built and add to the app afterwards.
"""

import asyncio
import logging
import signal
import socket
import tempfile
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Protocol

from nicegui import app, helpers, run, ui
from nicegui.storage import Storage

from api import actions, create_router, webhooks
from api.fast_path import install_outer_layers
from api.health import HealthProbe
from data import Database, DatabaseError
from data.past_stats import stats_at
from live import Hub, LiveFeed, LogRelay, Trends, hide_slow_reader_tracebacks, metrics
from services.actions import Upstreams, build_actions
from services.jobs import Jobs
from services.mailer import Mailer, Smtp
from settings import Settings
from ui import Nav, register_pages
from ui.frame import PAGES

log = logging.getLogger("airdate")


class StartupError(Exception):
    """Airdate cannot start as configured; the message is the one line the user reads."""


@dataclass
class Airdate:
    settings: Settings
    database: Database
    hub: Hub
    feed: LiveFeed
    trends: Trends
    jobs: Jobs
    mailer: Mailer | None
    nav: Nav = field(default_factory=lambda: list(PAGES))


class Plugin(Protocol):
    def configure(self, settings: Settings) -> Settings:
        """Adjust the settings before anything is built."""

    def install(self, airdate: Airdate) -> None:
        """Add routes, pages and lifecycle hooks to the built app."""


def create_app(settings: Settings, plugins: Sequence[Plugin] = ()) -> Airdate:
    for plugin in plugins:
        settings = plugin.configure(settings)
    database = open_database(settings.database_url)
    hub = Hub(settings.sse_queue_size, settings.replay_events, settings.replay_seconds)
    feed = LiveFeed(database.read_live, hub, changes_after=database.last_change_id())
    database.on_commit(feed.request_refresh)
    trends = Trends(seed=partial(stats_at, database))
    hub.listen(trends.take, viewer=False)
    jobs, mailer = _services(settings, database)
    airdate = Airdate(settings, database, hub, feed, trends, jobs, mailer)
    _routes(airdate)
    register_pages(database, feed, trends, jobs, airdate.nav)
    _lifecycle(airdate)
    for plugin in plugins:
        plugin.install(airdate)
    return airdate


def open_database(url: str) -> Database:
    """Open (and if needed create) the database, or raise StartupError saying why not."""
    try:
        database = Database(url)
        database.create_schema()
    except DatabaseError as error:
        raise StartupError(str(error)) from None
    log.info("database: %s", database.describe())
    return database


def check_address(host: str, port: int) -> None:
    """Raise StartupError unless ``host:port`` can be listened on (checked before anything is created)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        raise StartupError(f"cannot listen on {host}:{port}: unknown address ({error.strerror})") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind(address)
        except OSError as error:
            raise StartupError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None


def prepare_storage(path: str) -> None:
    """Keep NiceGUI's per-browser storage (theme, refresh interval) in ``path``, which must be writable.

    NiceGUI's default is ``.nicegui`` in the working directory, which a container's read-only app
    folder does not allow: choices would silently never be saved. Refuse to start instead."""
    folder = Path(path).resolve()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".airdate-write-test-"):
            pass
    except OSError as error:
        raise StartupError(
            f"cannot keep per-browser settings in {folder}: {error.strerror or error}; "
            "set AIRDATE_STORAGE_PATH to a writable folder"
        ) from None
    Storage.path = folder
    app.storage = Storage()


def serve(airdate: Airdate) -> None:
    """Run the server until it is stopped (under NiceGUI's test simulation: set up, then return)."""
    settings = airdate.settings
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


def close_streams_when_stopping(hub: Hub) -> None:
    """End every open SSE stream the moment the server is told to stop (SIGTERM, Ctrl+C).

    uvicorn waits ``timeout_graceful_shutdown`` for open responses, then cancels them with a
    traceback each; an event stream never ends by itself, so every stop took that long. Our handler
    runs before uvicorn's (which it then calls), so streams are finished when uvicorn starts waiting.
    """
    if helpers.is_user_simulation() or threading.current_thread() is not threading.main_thread():
        return
    loop = asyncio.get_running_loop()
    for number in (signal.SIGINT, signal.SIGTERM):
        previous = signal.getsignal(number)
        if not callable(previous):
            continue

        def stopping(signum: int, frame: object, previous: Callable = previous) -> None:
            loop.call_soon_threadsafe(hub.close_all, "server stopping")
            previous(signum, frame)

        signal.signal(number, stopping)


def _services(settings: Settings, database: Database) -> tuple[Jobs, Mailer | None]:
    mailer = None
    if settings.smtp_host:
        smtp = Smtp(
            settings.smtp_host,
            settings.smtp_port,
            settings.smtp_tls,
            settings.smtp_username,
            settings.smtp_password,
            settings.smtp_from,
        )
        mailer = Mailer(
            database, smtp, grouping_delay=settings.grouping_delay, attempts=settings.send_attempts
        )
    upstreams = Upstreams(
        settings.jellyseerr_url,
        settings.jellyseerr_api_key,
        settings.sonarr_url,
        settings.sonarr_api_key,
        settings.http_timeout,
        settings.http_retries,
    )
    return Jobs(build_actions(database, upstreams, mailer)), mailer


def _routes(airdate: Airdate) -> None:
    settings = airdate.settings
    health = HealthProbe(airdate.database.ping, settings.health_timeout)
    app.on_shutdown(health.close)
    app.include_router(
        create_router(
            airdate.feed, health, keepalive=settings.sse_keepalive, send_timeout=settings.sse_send_timeout
        )
    )
    app.include_router(actions.create_router(airdate.jobs))
    auth = webhooks.WebhookAuth(settings.webhook_username, settings.webhook_password, settings.webhook_secret)
    app.include_router(webhooks.create_router(airdate.database, auth))
    install_outer_layers(app, fast_paths=frozenset({"/sse/stats"}))


def _lifecycle(airdate: Airdate) -> None:
    settings, database, feed, hub = airdate.settings, airdate.database, airdate.feed, airdate.hub
    relay = LogRelay(hub, settings.log_events_level)
    metrics.watch_viewers(lambda: hub.reader_count, lambda: hub.viewer_count)
    hide_slow_reader_tracebacks()
    app.on_startup(feed.start)
    app.on_startup(relay.attach)
    app.on_startup(lambda: close_streams_when_stopping(hub))
    app.timer(settings.stats_interval, feed.tick)
    app.timer(3600, lambda: run.io_bound(database.prune_changes))
    if airdate.mailer is not None:
        app.on_startup(airdate.mailer.recover)
        app.timer(settings.send_interval, airdate.mailer.send_due, immediate=False)
    app.on_shutdown(relay.detach)
    app.on_shutdown(lambda: hub.close_all("server stopping"))
    app.on_shutdown(database.dispose)
    app.on_shutdown(lambda: log.info("airdate stopped"))
