"""The demo as a plug-in: stand-ins for Jellyseerr, Sonarr and a mail server on this very server, a
simulator that keeps them busy, and a Mailbox page showing what Airdate sent. Airdate's own code
never imports this package; ``main.py`` plugs it in for ``--demo``."""

from nicegui import app

from api.policy import Need
from application import Airdate, StartupError
from data import DatabaseError
from data.models import Scope
from settings import Settings
from standins import jellyseerr, sonarr
from standins.net import free_port
from standins.smtp import start_sink

from . import mail_page
from .database import claim_demo_database
from .simulator import Simulator
from .world import API_KEY, WEBHOOK_SECRET, DemoWorld

SIMULATOR_TOKEN = "demo-simulator"


class Demo:
    def __init__(self) -> None:
        self.world = DemoWorld()
        self.sink_port = 0  # chosen in configure(), where the web server's own port is known

    def configure(self, settings: Settings) -> Settings:
        """Its own database, and every upstream pointing at the stand-ins on this server."""
        here = f"http://127.0.0.1:{settings.port}"
        self.sink_port = free_port(avoid={settings.port})
        demo = {
            "database_url": settings.demo_database_url,
            "jellyseerr_url": f"{here}/demo/jellyseerr",
            "jellyseerr_api_key": API_KEY,
            "sonarr_url": f"{here}/demo/sonarr",
            "sonarr_api_key": API_KEY,
            "webhook_secret": WEBHOOK_SECRET,
            "smtp_host": "127.0.0.1",
            "smtp_port": self.sink_port,
            "smtp_tls": "none",
            "grouping_delay": min(settings.grouping_delay, 10.0),
            "send_interval": min(settings.send_interval, 3.0),
        }
        return settings.model_copy(update=demo)

    def install(self, airdate: Airdate) -> None:
        try:
            claim_demo_database(airdate.database)
        except DatabaseError as error:
            raise StartupError(str(error)) from None
        self.world.populate()
        app.mount("/demo/jellyseerr", jellyseerr.create_app(self.world.jellyseerr, API_KEY))
        app.mount("/demo/sonarr", sonarr.create_app(self.world.sonarr, API_KEY))
        for service in ("jellyseerr", "sonarr"):
            airdate.policy.allow(f"/demo/{service}/", Need.OPEN, why="the stand-in's own API key")
        app.on_startup(self._start_mail_sink)
        mail_page.register(self.world, airdate.hub, airdate.nav)
        simulator = Simulator(self.world, f"http://127.0.0.1:{airdate.settings.port}", self._token(airdate))
        app.timer(1.0, simulator.start, once=True)  # once the server answers HTTP
        app.timer(airdate.settings.demo_interval, simulator.step, immediate=False)
        app.on_shutdown(simulator.close)

    @staticmethod
    def _token(airdate: Airdate) -> str:
        """The simulator acts through the REST API like any program: with an admin token of its own."""
        for token in airdate.access.tokens():
            if token.name == SIMULATOR_TOKEN:
                airdate.access.revoke_token(SIMULATOR_TOKEN, by="the demo")
        return airdate.access.mint_token(SIMULATOR_TOKEN, Scope.ADMIN, by="the demo")

    def _start_mail_sink(self) -> None:
        self.world.sink, controller = start_sink(self.sink_port)
        app.on_shutdown(controller.stop)
