"""The app factory: one Settings in, a composed Airdate out — database, access control, live feed,
services, routes and pages.

NiceGUI keeps one process-wide app, so ``create_app`` registers routes, pages and lifecycle hooks on
it; build one Airdate per process (tests build theirs inside NiceGUI's reset of its globals).
Plug-ins (the demo) adjust the settings before anything is built and add to the app afterwards. What
start-up derives (the replica's name, the cookie secret, the links' address) is a frozen Runtime.
"""

import logging
import re
import secrets
import socket
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Protocol
from urllib.parse import urlsplit

from nicegui import app, run
from nicegui.client import Client
from pydantic import SecretStr
from starlette.types import ASGIApp

from api import (
    actions,
    calendar,
    channels,
    create_router,
    follows,
    jellyseerr_webhook,
    notifications,
    previews,
    unsubscribe,
    webhooks,
)
from api.cors import CrossOriginReads
from api.front import Front
from api.guard import Guard, TrustedProxies
from api.health import HealthProbe
from api.identities import Identities
from api.openapi import describe_api
from api.page_limit import PageLimit
from api.policy import AccessPolicy, MissingRule, Need
from api.revocation import RevokedStreams
from data import Database, changes, feed_read, meta, preferences, shared_logs
from data.announcements import ChangeListener
from live import Hub, LiveFeed, LiveSources, LogRelay, Trends, hide_slow_reader_tracebacks, metrics
from live.latest import LatestNotifications
from live.samples import Samples
from live.upcoming import UpcomingBoard
from nicegui_workarounds import put_in_front
from services.access import Access
from services.actions import Upstreams, build_actions, schedule_reader, scheduled_sync
from services.async_access import AsyncAccess
from services.calendar import CalendarFeeds
from services.follows import Follows
from services.jobs import SCHEDULE, Jobs
from services.links import Links
from services.mailer import Smtp
from services.message import Look
from services.notifier import Notifier
from services.one_replica import OneReplica, Work
from services.preferences import UserSettings
from services.principals import AccessError
from services.refusal_log import RefusalLog
from settings import LOCAL_URL, Runtime, Settings, parse_origins
from startup import StartupError, open_database
from ui import Nav, register_pages
from ui.frame import PAGES, serve_as
from ui.page_sockets import PageSockets

log = logging.getLogger("airdate")
LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")


@dataclass
class Airdate:
    settings: Settings
    runtime: Runtime
    database: Database
    live: LiveSources
    jobs: Jobs
    notifier: Notifier
    access: Access
    policy: AccessPolicy
    identities: Identities
    nav: Nav = field(default_factory=lambda: list(PAGES))

    @property
    def feed(self) -> LiveFeed:
        return self.live.feed

    @property
    def users(self) -> UserSettings:
        """The use cases of a user's notification settings (services.preferences)."""
        return UserSettings(self.database)

    @property
    def follows(self) -> Follows:
        """The use cases of following shows (services.follows)."""
        return Follows(self.database)

    @property
    def calendars(self) -> CalendarFeeds:
        """Each person's calendar feed of their shows' episodes (services.calendar)."""
        return CalendarFeeds(self.database)

    @property
    def hub(self) -> Hub:
        return self.live.hub


class Plugin(Protocol):
    def configure(self, settings: Settings) -> Settings:
        """Adjust the settings before anything is built."""

    def install(self, airdate: Airdate) -> None:
        """Add routes, pages and lifecycle hooks to the built app."""


def create_app(settings: Settings, plugins: Sequence[Plugin] = ()) -> Airdate:
    for plugin in plugins:
        settings = plugin.configure(settings)
    database = open_database(settings.database.url)
    access = _access(settings, database)
    runtime = _runtime(settings, database)
    sse = settings.sse
    hub = Hub(
        sse.queue_size,
        sse.replay_events,
        sse.replay_seconds,
        keepalive=sse.keepalive,
        send_timeout=sse.send_timeout,
    )
    feed = LiveFeed(
        partial(database.read, feed_read.read_live),
        hub,
        changes_after=database.read(changes.last_change_id),
        log_lines_after=database.read(shared_logs.last_id),
    )
    live = _live_sources(database, feed)
    jobs, notifier = _services(settings, runtime, database)
    feed.on_jobs = jobs.take  # other replicas' jobs, from the feed's one read per tick
    policy = AccessPolicy()
    identities = _identities(settings, AsyncAccess(access))  # the awaitable face for pages and routes
    airdate = Airdate(settings, runtime, database, live, jobs, notifier, access, policy, identities)
    _routes(airdate)
    register_pages(
        database,
        airdate.users,
        airdate.follows,
        live,
        jobs,
        notifier,
        identities.access,
        identities,
        airdate.nav,
    )
    _lifecycle(airdate)
    for plugin in plugins:
        plugin.install(airdate)
    try:
        policy.adopt(app.routes)  # every route's requires(...), or no start
    except MissingRule as error:
        raise StartupError(str(error)) from None
    return airdate


def replica_name(settings: Settings) -> str:
    """AIRDATE_REPLICA_NAME, else this machine's host name (a container's id), made cookie- and label-safe."""
    return settings.replica.name or re.sub(r"[^A-Za-z0-9._-]", "-", socket.gethostname()) or "airdate"


def _runtime(settings: Settings, database: Database) -> Runtime:
    """What is derived once at start: the replica's name, the cookie-signing secret (AIRDATE_STORAGE_SECRET,
    else made once, at random, and kept in the database: replicas share it), the links' address."""
    secret = settings.auth.storage_secret
    if not secret.get_secret_value():
        secret = SecretStr(database.write_quietly(meta.once, "storage_secret", secrets.token_urlsafe(32)))
    return Runtime(
        replica_name=replica_name(settings),
        storage_secret=secret,
        public_url=settings.server.public_url or LOCAL_URL.format(port=settings.server.port),
    )


def _live_sources(database: Database, feed: LiveFeed) -> LiveSources:
    """What pages read: listeners registered before any page's, so they are current when a page asks."""
    trends = Trends()
    feed.hub.listen(trends.take, viewer=False)
    latest = LatestNotifications(partial(database.read, changes.recent_notifications))
    latest.fill()
    feed.hub.listen(latest.take, viewer=False)
    upcoming = UpcomingBoard()
    feed.on_upcoming = upcoming.take
    return LiveSources(feed, trends, Samples(database, feed), latest, upcoming)


def _access(settings: Settings, database: Database) -> Access:
    """Accounts and sessions; the admin from the environment; the refusal to be exposed without them."""
    auth, host = settings.auth, settings.server.host
    access = Access(database, session_hours=auth.session_hours)
    if auth.admin_user:  # with its password: Settings checks that both or neither are set
        try:
            access.ensure_admin(auth.admin_user, auth.admin_password.get_secret_value())
        except AccessError as error:
            raise StartupError(f"AIRDATE_ADMIN_USER / AIRDATE_ADMIN_PASSWORD: {error}") from None
    if auth.mode == "none":
        log.warning("AIRDATE_AUTH=none: nobody signs in; anyone who can reach %s can do anything", host)
    elif host not in LOOPBACK_HOSTS and not access.has_accounts():
        raise StartupError(
            f"refusing to listen on {host} without an account: add one with "
            "`python main.py accounts add NAME --role admin` (or AIRDATE_ADMIN_USER and "
            "AIRDATE_ADMIN_PASSWORD), or set AIRDATE_AUTH=none to accept the risk"
        )
    return access


def _identities(settings: Settings, access: AsyncAccess) -> Identities:
    try:
        proxies = TrustedProxies(settings.auth.trusted_proxies)
    except ValueError as error:
        raise StartupError(str(error)) from None
    return Identities(  # AIRDATE_AUTH_HEADER comes with proxies (Settings checks it)
        access,
        proxies=proxies,
        auth_header=settings.auth.auth_header,
        auth_none=settings.auth.mode == "none",
        public_host=urlsplit(settings.server.public_url).hostname or "",
    )


def _services(settings: Settings, runtime: Runtime, database: Database) -> tuple[Jobs, Notifier]:
    mail, delivery, server = settings.smtp, settings.delivery, settings.server
    smtp = None
    if mail.host:
        password = mail.password.get_secret_value()
        smtp = Smtp(mail.host, mail.port, mail.tls, mail.username, password, mail.sender)
    notifier = Notifier(
        database,
        smtp,
        grouping_delay=delivery.grouping_delay,
        attempts=delivery.send_attempts,
        lease=delivery.claim_lease,
        links=Links(
            runtime.storage_secret.get_secret_value(),
            runtime.public_url,
            key_of=partial(database.read, preferences.link_key),
        ),
        look=Look(
            settings.messages.poster_base_url,
            settings.jellyseerr.public_url or settings.jellyseerr.url,
        ),
    )
    if not server.public_url and server.host not in LOOPBACK_HOSTS:
        log.warning(
            "AIRDATE_PUBLIC_URL is not set: the manage and unsubscribe links in messages point to "
            "http://localhost:%d, which the people who get them cannot open",
            server.port,
        )
    actions = build_actions(database, _upstreams(settings), notifier)
    jobs = Jobs(actions, database, replica=runtime.replica_name, lease=settings.replica.job_lease)
    return jobs, notifier


def _upstreams(settings: Settings) -> Upstreams:
    return Upstreams(
        settings.jellyseerr.url,
        settings.jellyseerr.api_key.get_secret_value(),
        settings.sonarr.url,
        settings.sonarr.api_key.get_secret_value(),
        settings.upstream.http_timeout,
        settings.upstream.http_retries,
    )


def _routes(airdate: Airdate) -> None:
    settings, policy = airdate.settings, airdate.policy
    health = HealthProbe(airdate.database.ping, settings.server.health_timeout)
    app.on_shutdown(health.close)
    live = create_router(
        airdate.feed,
        partial(airdate.database.read, changes.changes_between),
        health,
        send_timeout=settings.sse.send_timeout,
        metrics_public=settings.auth.metrics_public,
    )
    app.include_router(live)
    app.include_router(actions.create_router(airdate.jobs))
    app.include_router(previews.create_router(airdate.notifier))
    app.include_router(notifications.create_router(airdate.database))
    app.include_router(channels.create_router(airdate.users, airdate.notifier))
    app.include_router(follows.create_router(airdate.follows))
    app.include_router(unsubscribe.create_router(airdate.users))
    app.include_router(calendar.create_router(airdate.calendars))
    auth = webhooks.WebhookAuth(
        settings.webhook.username,
        settings.webhook.password.get_secret_value(),
        settings.webhook.secret.get_secret_value(),
        exposed=settings.server.host not in LOOPBACK_HOSTS or bool(airdate.identities.proxies.networks),
        local_hosts=airdate.identities.local_hosts,
    )
    for warning in auth.warnings():
        log.warning(warning)
    schedule = schedule_reader(airdate.database, _upstreams(settings))
    app.include_router(webhooks.create_router(airdate.database, auth, schedule))
    app.include_router(jellyseerr_webhook.create_router(airdate.database, _upstreams(settings)))
    describe_api(app, policy)
    policy.allow("/_nicegui/", Need.OPEN, why="the console's scripts and styles")
    policy.allow(  # identified: a page's socket must carry the page's own credentials (ui.page_sockets)
        "/_nicegui_ws/", Need.OPEN, why="the websocket of a page that was loaded signed in", identify=True
    )

    def guarded(inner: ASGIApp) -> ASGIApp:  # who may, then (for pages) how many at once
        identities = airdate.identities
        links = airdate.notifier.links
        assert links is not None  # _services always gives the notifier its links
        return Guard(
            PageLimit(inner),
            policy,
            identities,
            identities.proxies,
            links.user_of,
            replica=airdate.runtime.replica_name,
        )

    origins = parse_origins(settings.auth.cors_origins)
    cors = (lambda inner: CrossOriginReads(inner, origins)) if origins else (lambda inner: inner)
    put_in_front(app, lambda nicegui: Front(nicegui, streams=live, guard=guarded, cors=cors))


def _announced(feed: LiveFeed) -> None:
    metrics.ANNOUNCEMENTS.inc()
    feed.request_refresh()


def _committed_here(feed: LiveFeed, listener: ChangeListener | None) -> None:
    """One of our own commits: read at once, unless PostgreSQL's announcement of it will wake the feed
    anyway (listener connected); otherwise every own write would be read twice."""
    if listener is None or not listener.connected.is_set():
        feed.request_refresh()


def _on_one_replica(airdate: Airdate) -> None:
    """Scheduled work that one replica at a time does (the holder of its lease; see OneReplica)."""
    settings, database = airdate.settings, airdate.database
    one = OneReplica(database, airdate.runtime.replica_name)
    scheduled: list[tuple[str, float, Work, bool]] = [
        ("prune-change-log", 3600, lambda: run.io_bound(database.write_quietly, changes.prune), True),
        ("chart-samples", 60, airdate.live.samples.write, False),
        ("thin-chart-samples", 3600, airdate.live.samples.thin, True),
        ("prune-sign-ins", 3600, airdate.identities.access.prune, True),
    ]
    in_turn = scheduled_sync(bool(settings.jellyseerr.url), bool(settings.sonarr.url))
    if in_turn and settings.upstream.sync_interval > 0:
        sync = partial(airdate.jobs.run_in_turn, in_turn, started_by=SCHEDULE)
        scheduled.append(("scheduled-sync", settings.upstream.sync_interval, sync, False))
    for name, every, work, immediate in scheduled:
        app.timer(every, one.alone(name, every, work), immediate=immediate)
    app.on_shutdown(one.release_all)


def _lifecycle(airdate: Airdate) -> None:
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
    _on_one_replica(airdate)
    app.on_startup(airdate.notifier.recover)
    app.on_startup(airdate.jobs.recover)
    app.on_shutdown(airdate.jobs.stop)
    app.timer(settings.delivery.send_interval, airdate.notifier.send_due, immediate=False)
    app.on_shutdown(relay.detach)
    app.on_shutdown(lambda: hub.close_all("server stopping"))
    app.on_shutdown(database.dispose)
    app.on_shutdown(lambda: log.info("airdate stopped"))
