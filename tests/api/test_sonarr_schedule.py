"""What Sonarr lists to air reaches Airdate without anybody importing: the read-calendar action (REST),
Sonarr's "On Series Add" webhook, and the scheduled sync, against a stand-in Sonarr that answers as its
source writes it."""

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from icalendar import Calendar
from nicegui.testing import User
from sqlmodel import select

from application import Airdate
from data import Database
from data.models import ScheduledEpisode
from settings import Settings
from standins.sonarr import SonarrWorld, create_app, webhook_series

from ..utils.actions import run_action
from ..utils.factories import make_tracked_show
from ..utils.server import Server
from ..utils.sql import query
from ..utils.standins import serve
from ..utils.waiting import eventually

pytestmark = pytest.mark.both_databases
SONARR = Path(__file__).resolve().parents[1] / "fixtures" / "upstream" / "sonarr"
SHOW = 95396


def a_world() -> SonarrWorld:
    """The tracked show with two episodes to come, the second the season finale."""
    world = SonarrWorld()
    series = world.add_series("Severance", SHOW, 371980)
    soon = datetime.now(UTC) + timedelta(days=2)
    world.schedule(series, 2, 9, "The After Hours", soon)
    world.schedule(series, 2, 10, "Cold Harbor", soon + timedelta(days=7), finale="season")
    return world


@pytest.fixture
def world(settings: Settings) -> Iterator[SonarrWorld]:
    """Airdate's settings pointing at the stand-in (request this before ``user``)."""
    world = a_world()
    with serve(create_app(world, "key")) as url:
        settings.sonarr.url, settings.sonarr.api_key = url, "key"
        yield world


def scheduled(database: Database) -> list[tuple[int, int, str | None]]:
    with database.reading() as session:
        rows = session.exec(select(ScheduledEpisode).order_by(ScheduledEpisode.number)).all()
        return [(r.season, r.number, r.finale) for r in rows]


async def test_read_calendar_runs_as_an_action(world: SonarrWorld, user: User, airdate: Airdate) -> None:
    make_tracked_show(airdate.database, tmdb_id=SHOW, requesters=1)
    job = await run_action(user.http_client, "read-calendar")
    assert (job["status"], job["counts"]) == ("succeeded", {"series read": 1, "episodes scheduled": 2})
    assert scheduled(airdate.database) == [(2, 9, None), (2, 10, "season")]


async def test_a_persons_calendar_follows_sonarr_moving_an_air_date(
    world: SonarrWorld, user: User, airdate: Airdate
) -> None:
    """End to end: Sonarr moves the finale a week later; the next calendar read moves the event."""
    (fan,) = make_tracked_show(airdate.database, tmdb_id=SHOW, requesters=1)
    links = airdate.notifier.links
    assert links is not None
    feed = urlsplit(links.calendar(fan)).path
    await run_action(user.http_client, "read-calendar")
    before = {
        str(e["UID"]): e["DTSTART"].dt
        for e in Calendar.from_ical((await user.http_client.get(feed)).content).walk("VEVENT")
    }
    later = datetime.now(UTC).replace(microsecond=0) + timedelta(days=12)
    world.move(world.series[0], 2, 10, later)
    await run_action(user.http_client, "read-calendar")
    after = {
        str(e["UID"]): e["DTSTART"].dt
        for e in Calendar.from_ical((await user.http_client.get(feed)).content).walk("VEVENT")
    }
    finale = f"{SHOW}-s2e10-u{fan}@airdate"
    assert set(after) == set(before) and len(after) == 2, "the same events: none added, none lost"
    assert after[finale] == later != before[finale]


@pytest.fixture
def wrong_key(world: SonarrWorld, settings: Settings) -> None:
    settings.sonarr.api_key = "nope"


async def test_a_wrong_key_fails_the_job_and_says_why(wrong_key: None, user: User, airdate: Airdate) -> None:
    job = await run_action(user.http_client, "read-calendar")
    assert job["status"] == "failed"
    assert job["error"].startswith("Sonarr rejected the API key (401 from ")
    assert scheduled(airdate.database) == []


async def test_a_series_sonarr_added_has_its_schedule_read_at_once(
    world: SonarrWorld, user: User, airdate: Airdate
) -> None:
    make_tracked_show(airdate.database, tmdb_id=SHOW, requesters=1)
    added = json.loads((SONARR / "series_add.json").read_text()) | {"series": webhook_series(world.series[0])}
    response = await user.http_client.post("/webhooks/sonarr", json=added)
    assert response.json() == {"status": "ok", "eventType": "SeriesAdd", "released": 0}
    assert scheduled(airdate.database) == [(2, 9, None), (2, 10, "season")]


async def test_the_scheduled_sync_reads_the_calendar(airdate_env: str, database: Database) -> None:
    make_tracked_show(database, tmdb_id=SHOW, requesters=1)
    with serve(create_app(a_world(), "key")) as url:
        settings = {"sonarr_url": url, "sonarr_api_key": "key", "sync_interval": "1"}
        server = Server(airdate_env, settings).start()
        try:
            count = "SELECT count(*) FROM scheduled_episodes"
            await eventually(lambda: query(airdate_env, count)[0][0] == 2, within=15, what="the schedule")
        finally:
            output = server.stop()
    assert "read-calendar started by the schedule" in output
    assert "sync-users" not in output, "no Jellyseerr: no sync of its users"
