"""The app factory: one Settings in, a composed Airdate out — database, access control, live feed,
services, routes and pages.

NiceGUI keeps one process-wide app, so ``create_app`` registers routes, pages and lifecycle hooks on
it; build one Airdate per process (tests build theirs inside NiceGUI's reset of its globals).
Plug-ins (the demo) adjust the settings before anything is built and add to the app afterwards. What
start-up derives (the replica's name, the cookie secret, the links' address) is a frozen Runtime.

``create_app`` is the order of composition; each part is built in a module of :mod:`composition`:
``airdate`` (what is handed back, and the plug-ins' protocol), ``runtime``, ``access_control``,
``live_sources``, ``use_cases`` (the notifier and the jobs), ``routes``, ``lifecycle`` (start-up, timers,
shut-down) and ``scheduled`` (the work one replica at a time does).
"""

from collections.abc import Sequence

from nicegui import app

from api.policy import AccessPolicy, MissingRule
from composition.access_control import build_identities, open_access
from composition.airdate import Airdate, Plugin
from composition.lifecycle import install_lifecycle
from composition.live_sources import build_live
from composition.routes import register_routes
from composition.runtime import derive_runtime, replica_name
from composition.use_cases import build_services
from services.async_access import AsyncAccess
from settings import Settings
from startup import StartupError, open_database
from ui import register_pages

__all__ = ["Airdate", "Plugin", "create_app", "replica_name"]


def create_app(settings: Settings, plugins: Sequence[Plugin] = ()) -> Airdate:
    for plugin in plugins:
        settings = plugin.configure(settings)
    database = open_database(settings.database.url)
    access = open_access(settings, database)
    runtime = derive_runtime(settings, database)
    live = build_live(settings, database)
    jobs, notifier = build_services(settings, runtime, database)
    live.feed.on_jobs = jobs.take  # other replicas' jobs, from the feed's one read per tick
    policy = AccessPolicy()
    identities = build_identities(settings, AsyncAccess(access))  # the awaitable face for pages and routes
    airdate = Airdate(settings, runtime, database, live, jobs, notifier, access, policy, identities)
    register_routes(airdate)
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
        airdate.messages,
    )
    install_lifecycle(airdate)
    for plugin in plugins:
        plugin.install(airdate)
    try:
        policy.adopt(app.routes)  # every route's requires(...), or no start
    except MissingRule as error:
        raise StartupError(str(error)) from None
    return airdate
