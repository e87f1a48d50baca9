"""The demo's plug-in (see the package's docstring): it points the settings at its stand-ins, then adds
them, the simulator and the Mailbox page to the built app."""

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from nicegui import app, run
from sqlmodel import col, select

from api.policy import Need
from application import Airdate
from data import Database, DatabaseError, preferences
from data.models import Channel, Episode, EpisodeRule, Scope, User
from services import channels
from settings import Settings
from standins import image_host, jellyseerr, sonarr
from standins.net import free_port
from standins.smtp import start_sink
from standins.webhook_sink import WebhookSink
from startup import StartupError

from . import mail_page
from .database import claim_demo_database
from .settings import DemoSettings
from .simulator import Simulator
from .world import API_KEY, WEBHOOK_SECRET, DemoWorld

SIMULATOR_TOKEN = "demo-simulator"
WEBHOOK_USERS = ("ada", "bruno", "chiara")  # also told through the json:// webhook sink, besides e-mail
EPISODE_RULES = {"elif": EpisodeRule.SEASON_COMPLETE, "farah": EpisodeRule.PREMIERES}  # the others: each
FOLLOWER = "gustav"  # follows a show he did not request


class Demo:
    def __init__(self, options: DemoSettings) -> None:
        self.options = options
        self.world = DemoWorld()
        self.sink_port = 0  # chosen in configure(), where the web server's own port is known
        self.webhook_port = 0

    def configure(self, settings: Settings) -> Settings:
        """Its own database, and every upstream pointing at the stand-ins on this server."""
        port = settings.server.port
        here = f"http://127.0.0.1:{port}"
        self.sink_port = free_port(avoid={port})
        self.webhook_port = free_port(avoid={port, self.sink_port})
        return settings.replace(
            database_url=self.options.database_url,
            jellyseerr_url=f"{here}/demo/jellyseerr",
            jellyseerr_api_key=API_KEY,
            sonarr_url=f"{here}/demo/sonarr",
            sonarr_api_key=API_KEY,
            webhook_secret=WEBHOOK_SECRET,
            smtp_host="127.0.0.1",
            smtp_port=self.sink_port,
            smtp_tls="none",
            poster_base_url=f"{here}/demo/images/t/p/w342",  # the demo has no internet: its own posters
            grouping_delay=min(settings.delivery.grouping_delay, 10.0),
            send_interval=min(settings.delivery.send_interval, 3.0),
        )

    def install(self, airdate: Airdate) -> None:
        try:
            claim_demo_database(airdate.database)
        except DatabaseError as error:
            raise StartupError(str(error)) from None
        here = f"http://127.0.0.1:{airdate.settings.server.port}"
        self.world.jellyseerr.jellyfin_url = f"{here}/demo/jellyfin"
        self.world.populate()
        continue_the_episodes(self.world, airdate.database)
        for series in self.world.sonarr.series:  # after what a restarted demo had
            self.world.plan_upcoming(series)
        app.mount("/demo/jellyseerr", jellyseerr.create_app(self.world.jellyseerr, API_KEY))
        app.mount("/demo/sonarr", sonarr.create_app(self.world.sonarr, API_KEY))
        app.mount("/demo/images", image_host.create_app())
        app.mount("/demo/jellyfin", jellyfin_page())
        for service in ("jellyseerr", "sonarr"):
            airdate.policy.allow(f"/demo/{service}/", Need.OPEN, why="the stand-in's own API key")
        for service in ("images", "jellyfin"):
            airdate.policy.allow(f"/demo/{service}/", Need.OPEN, why="what messages link to, for anyone")
        app.on_startup(self._start_sinks)
        mail_page.register(self.world, airdate.hub, airdate.nav)
        simulator = Simulator(self.world, here, self._token(airdate))

        async def start() -> None:
            await simulator.start()
            await run.io_bound(add_webhook_channels, airdate.database, self.webhook_port)
            await run.io_bound(set_episode_rules, airdate.database)
            await add_follower(airdate)

        app.timer(1.0, start, once=True)  # once the server answers HTTP
        app.timer(self.options.interval, simulator.step, immediate=False)
        app.on_shutdown(simulator.close)

    @staticmethod
    def _token(airdate: Airdate) -> str:
        """The simulator acts through the REST API like any program: with an admin token of its own."""
        for token in airdate.access.tokens():
            if token.name == SIMULATOR_TOKEN:
                airdate.access.revoke_token(SIMULATOR_TOKEN, by="the demo")
        return airdate.access.mint_token(SIMULATOR_TOKEN, Scope.ADMIN, by="the demo")

    def _start_sinks(self) -> None:
        self.world.sink, controller = start_sink(self.sink_port)
        app.on_shutdown(controller.stop)
        self.world.webhook = WebhookSink(self.webhook_port).start()
        app.on_shutdown(self.world.webhook.stop)


def jellyfin_page() -> FastAPI:
    """Where the demo's "Watch now" links go: Jellyfin's web app (the item is in the link's fragment)."""
    page = FastAPI(title="Jellyfin stand-in")

    @page.get("/web/index.html", response_class=HTMLResponse)
    def web() -> str:
        return "<!DOCTYPE html><title>Jellyfin</title><p>Jellyfin (a stand-in) would play it here.</p>"

    return page


def add_webhook_channels(database: Database, port: int) -> None:
    """Give a few demo users a second channel: Apprise's ``json://`` pointed at the webhook sink. After a
    restart the sink has a new port: the channels a previous run made are pointed at it (they kept the
    old one, and every message to them failed)."""
    with database.transaction() as session:
        users = session.exec(select(User).where(col(User.username).in_(WEBHOOK_USERS))).all()
        ids = {user.username: user.id for user in users if user.id is not None}
        for name, user_id in sorted(ids.items()):
            url = f"json://127.0.0.1:{port}/{name}"
            mine = session.exec(
                select(Channel).where(
                    Channel.user_id == user_id,
                    col(Channel.removed_at).is_(None),
                    col(Channel.url).startswith("json://127.0.0.1:"),
                )
            ).all()
            for channel in mine:
                channel.url, channel.label = url, channels.masked(url)
                session.add(channel)
    for name, user_id in sorted(ids.items()):
        if not database.read(preferences.channel_urls, user_id):
            channels.add(database, user_id, f"json://127.0.0.1:{port}/{name}")


def set_episode_rules(database: Database) -> None:
    """One demo user hears of season premieres only, one of whole seasons (the tenth episode of each is
    the season finale), so the console shows skipped and held items beside the rest."""
    with database.reading() as session:
        users = session.exec(select(User).where(col(User.username).in_(EPISODE_RULES))).all()
    for user in users:
        if user.id is not None and user.episode_rule != EPISODE_RULES[user.username]:
            database.write(preferences.update, user.id, episode_rule=EPISODE_RULES[user.username])


async def add_follower(airdate: Airdate) -> None:
    """The demo's follower follows the first show (by title) he did not request, once."""
    ids = await run.io_bound(user_ids, airdate.database, (FOLLOWER,))
    if FOLLOWER not in ids:
        return
    mine = await airdate.users.read(ids[FOLLOWER])
    if any(show.followed for show in mine.shows):
        return
    requested = {show.tmdb_id for show in mine.shows}
    for show in await airdate.follows.shows():
        if show.tmdb_id not in requested:
            await airdate.follows.follow(ids[FOLLOWER], show.tmdb_id, by="the demo")
            return


def user_ids(database: Database, names: tuple[str, ...]) -> dict[str, int]:
    with database.reading() as session:
        users = session.exec(select(User.username, User.id).where(col(User.username).in_(names))).all()
    return {name: user_id for name, user_id in users if user_id is not None}


def continue_the_episodes(world: DemoWorld, database: Database) -> None:
    """A restarted demo's Sonarr goes on from the newest episode Airdate has of each show: it began
    again at S01E03, and for minutes made only episodes Airdate already had (no news, no mail)."""
    with database.reading() as session:
        rows = session.exec(select(Episode.tmdb_id, Episode.season, Episode.number)).all()
    newest: dict[int, tuple[int, int]] = {}
    for tmdb_id, season, number in rows:
        newest[tmdb_id] = max(newest.get(tmdb_id, (0, 0)), (season, number))
    for series in world.sonarr.series:
        known = [
            (e["seasonNumber"], e["episodeNumber"])
            for e in world.sonarr.episodes
            if e["seriesId"] == series["id"]
        ]
        latest = newest.get(series["tmdbId"])
        if latest is not None and latest > max(known, default=(0, 0)):
            world.sonarr.add_episode(series, *latest, world.episode_title())
