"""Start-up: open the database, build the services, set up the demo — or end with a one-line message."""

import logging
import socket
import sys

from nicegui import app

from data import Database, DatabaseError
from data.demo import claim_demo_database
from services.actions import Upstreams, build_actions
from services.jobs import Jobs
from services.mailer import Mailer, Smtp
from settings import Settings
from standins import jellyseerr, sonarr
from standins.demo import API_KEY, WEBHOOK_SECRET, DemoWorld, Simulator
from standins.smtp import start_sink

log = logging.getLogger("airdate")


def open_database(settings: Settings) -> Database:
    """Open (and if needed create) the configured database; handle ``--recount``."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for chatty in ("httpx", "mail.log"):  # a line per request / SMTP command
        logging.getLogger(chatty).setLevel(logging.WARNING)
    try:
        database = Database(settings.effective_database_url)
        database.create_schema()
        if settings.demo:
            claim_demo_database(database)
    except DatabaseError as error:
        sys.exit(f"airdate: {error}")
    if settings.recount:
        stats = database.recount()
        print(f"airdate: counters rebuilt for {database.describe()}: {stats}")
        sys.exit(0)
    log.info("database: %s", database.describe())
    return database


def build_services(settings: Settings, database: Database) -> tuple[Jobs, Mailer | None]:
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


def demo_world(settings: Settings) -> tuple[Settings, DemoWorld]:
    """Stand-ins for Jellyseerr and Sonarr on this server, a mail sink; settings that point at them."""
    world = DemoWorld()
    world.populate()
    app.mount("/demo/jellyseerr", jellyseerr.create_app(world.jellyseerr, API_KEY))
    app.mount("/demo/sonarr", sonarr.create_app(world.sonarr, API_KEY))
    sink_port = _free_port()

    def start_mail_sink() -> None:
        world.sink, controller = start_sink(sink_port)
        app.on_shutdown(controller.stop)

    app.on_startup(start_mail_sink)
    here = f"http://127.0.0.1:{settings.port}"
    demo = {
        "jellyseerr_url": f"{here}/demo/jellyseerr",
        "jellyseerr_api_key": API_KEY,
        "sonarr_url": f"{here}/demo/sonarr",
        "sonarr_api_key": API_KEY,
        "webhook_secret": WEBHOOK_SECRET,
        "smtp_host": "127.0.0.1",
        "smtp_port": sink_port,
        "smtp_tls": "none",
        "grouping_delay": min(settings.grouping_delay, 10.0),
        "send_interval": min(settings.send_interval, 3.0),
    }
    return settings.model_copy(update=demo), world


def start_simulator(settings: Settings, world: DemoWorld) -> Simulator:
    return Simulator(world, f"http://127.0.0.1:{settings.port}")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
