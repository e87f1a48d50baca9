"""Start-up and shut-down: what the live feed, the log relay, PostgreSQL's change announcements, the
page sockets, the revoked streams, the notifier and the jobs do when the app starts, on their timers,
and when it stops — in the order they are registered here."""

import logging
from functools import partial

from nicegui import app
from nicegui.client import Client

from api.policy import Need
from api.revocation import RevokedStreams
from data import shared_logs
from data.announcements import ChangeListener
from live import LiveFeed, LogRelay, hide_slow_reader_tracebacks, metrics
from services.refusal_log import RefusalLog
from ui.frame import serve_as
from ui.page_sockets import PageSockets

from .airdate import Airdate
from .scheduled import schedule_on_one_replica

log = logging.getLogger("airdate")


def _announced(feed: LiveFeed) -> None:
    metrics.ANNOUNCEMENTS.inc()
    feed.request_refresh()


def _committed_here(feed: LiveFeed, listener: ChangeListener | None) -> None:
    """One of our own commits: read at once, unless PostgreSQL's announcement of it will wake the feed
    anyway (listener connected); otherwise every own write would be read twice."""
    if listener is None or not listener.connected.is_set():
        feed.request_refresh()


def install_lifecycle(airdate: Airdate) -> None:
    settings, database, feed, hub = airdate.settings, airdate.database, airdate.feed, airdate.hub
    shared = database.url.get_backend_name() == "postgresql"  # where several replicas can share one
    store = partial(database.write_quietly, shared_logs.append) if shared else None
    replica = airdate.runtime.replica_name
    relay = LogRelay(hub, settings.live.log_events_level, replica=replica, store=store)
    feed.on_log_lines = relay.take_shared
    revoked = RevokedStreams(hub, airdate.identities.access, airdate.identities.forget)
    metrics.name_replica(replica)
    serve_as(replica)
    metrics.watch_viewers(lambda: hub.reader_count, lambda: hub.viewer_count)
    metrics.PAGES_HELD.set_function(lambda: len(Client.instances))
    hide_slow_reader_tracebacks()
    app.on_startup(feed.start)
    app.on_startup(relay.attach)
    listener = None
    if database.url.get_backend_name() == "postgresql":  # commits by other replicas or raw SQL, at once
        listener = ChangeListener(database.url, partial(_announced, feed))
        app.on_startup(listener.start)
        app.on_shutdown(listener.stop)
    database.on_commit(partial(_committed_here, feed, listener))
    app.timer(settings.live.stats_interval, feed.tick)
    app.timer(1.0, revoked.check)
    sockets = PageSockets(
        airdate.identities.access,
        settings.server.public_url,
        admin_only=lambda path: airdate.policy.rule_for(path).need == Need.ADMIN,
    )
    sockets.install()
    app.timer(1.0, sockets.sweep)
    app.timer(RefusalLog.PERIOD, airdate.access.flush_log, immediate=False)
    app.timer(hub.readers.tend_interval, hub.readers.tend)
    app.timer(1.0, airdate.live.warm_up, once=True)
    schedule_on_one_replica(airdate)
    app.on_startup(airdate.notifier.recover)
    app.on_startup(airdate.jobs.recover)
    app.on_shutdown(airdate.jobs.stop)
    app.timer(settings.delivery.send_interval, airdate.notifier.send_due, immediate=False)
    app.on_shutdown(relay.detach)
    app.on_shutdown(lambda: hub.close_all("server stopping"))
    app.on_shutdown(database.dispose)
    app.on_shutdown(lambda: log.info("airdate stopped"))
