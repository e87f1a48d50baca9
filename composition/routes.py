"""The HTTP side: every API router on NiceGUI's app, the OpenAPI description and the access rules of
NiceGUI's own paths, and what stands in front of NiceGUI (the stream front, the request guard with its
page limit, cross-origin reads)."""

import logging
from functools import partial

from nicegui import app
from starlette.types import ASGIApp

from api import (
    actions,
    calendar,
    channels,
    create_router,
    follows,
    jellyseerr_webhook,
    message_templates,
    notifications,
    previews,
    unsubscribe,
    webhooks,
)
from api.cors import CrossOriginReads
from api.front import Front
from api.guard import Guard
from api.health import HealthProbe
from api.openapi import describe_api
from api.page_limit import PageLimit
from api.policy import Need
from data import changes
from nicegui_workarounds import put_in_front
from services.actions import schedule_reader
from settings import parse_origins

from .access_control import LOOPBACK_HOSTS
from .airdate import Airdate
from .use_cases import upstreams

log = logging.getLogger("airdate")


def register_routes(airdate: Airdate) -> None:
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
    app.include_router(message_templates.create_router(airdate.messages, airdate.notifier))
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
    schedule = schedule_reader(airdate.database, upstreams(settings))
    app.include_router(webhooks.create_router(airdate.database, auth, schedule))
    app.include_router(jellyseerr_webhook.create_router(airdate.database, upstreams(settings)))
    describe_api(app, policy)
    policy.allow("/_nicegui/", Need.OPEN, why="the console's scripts and styles")
    policy.allow(  # identified: a page's socket must carry the page's own credentials (ui.page_sockets)
        "/_nicegui_ws/", Need.OPEN, why="the websocket of a page that was loaded signed in", identify=True
    )

    def guarded(inner: ASGIApp) -> ASGIApp:  # who may, then (for pages) how many at once
        identities = airdate.identities
        links = airdate.notifier.links
        assert links is not None  # build_services always gives the notifier its links
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
