"""Reading Sonarr's calendar (a stand-in answering as its source writes it) over real HTTP: the upcoming
episodes of tracked shows are kept, moved air dates follow, and a wrong key says so."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from data import Database, seasons, upcoming
from data.clock import as_utc
from data.models import ScheduledEpisode
from services.actions import scheduled_sync
from services.progress import Progress
from services.sonarr import read_calendar
from services.upstream import Upstream, UpstreamError
from standins.sonarr import SonarrWorld, create_app

from ..utils.factories import make_tracked_show
from ..utils.standins import serve

pytestmark = pytest.mark.both_databases
NOW = datetime.now(UTC).replace(microsecond=0)


def held(database: Database) -> dict[tuple[int, int, int], datetime | None]:
    with database.reading() as session:
        rows = session.exec(select(ScheduledEpisode)).all()
        return {(r.tmdb_id, r.season, r.number): r.air_at and as_utc(r.air_at) for r in rows}


async def read(database: Database, world: SonarrWorld, key: str = "key") -> Progress:
    with serve(create_app(world, "key")) as url:
        async with Upstream("Sonarr", url, key, retries=0) as sonarr:
            return await read_calendar(database, sonarr, Progress())


def a_world() -> SonarrWorld:
    """Show 1 (tracked): aired last week, tomorrow, the season finale in ten days, and in six weeks;
    show 2 nobody asked for; show 3 (tracked) Sonarr no longer monitors."""
    world = SonarrWorld()
    tracked = world.add_series("Show 1", tmdb_id=1, tvdb_id=11)
    other = world.add_series("Nobody asked", tmdb_id=2, tvdb_id=22)
    dropped = world.add_series("Show 3", tmdb_id=3, tvdb_id=33)
    dropped["monitored"] = False
    for number, days in ((1, -7), (2, 1), (3, 10), (4, 42)):
        finale = "season" if number == 3 else None
        world.schedule(tracked, 1, number, f"E{number}", NOW + timedelta(days=days), finale=finale)
    world.schedule(other, 1, 1, "Pilot", NOW + timedelta(days=2))
    world.schedule(dropped, 2, 1, "Return", NOW + timedelta(days=3))
    return world


async def test_the_calendar_keeps_the_upcoming_episodes_of_tracked_shows_only(database: Database) -> None:
    make_tracked_show(database, tmdb_id=1, requesters=2)
    make_tracked_show(database, tmdb_id=3, requesters=1)
    progress = await read(database, a_world())
    assert progress.total == 3 and progress.done == 3
    assert dict(progress.counts) == {"series read": 2, "series not tracked": 1, "episodes scheduled": 3}
    assert held(database) == {
        (1, 1, 2): NOW + timedelta(days=1),
        (1, 1, 3): NOW + timedelta(days=10),
        (3, 2, 1): NOW + timedelta(days=3),
    }, "the last week and beyond 30 days are not the calendar's; show 2 is nobody's"
    page = database.read(upcoming.read)
    assert [(show.title, [e.number for e in show.episodes]) for show in page.shows] == [
        ("Show 1", [2, 3]),
        ("Show 3", [1]),
    ]
    assert page.shows[0].episodes[1].finale == "season"


async def test_moved_air_dates_follow_and_one_moved_out_of_the_window_becomes_unknown(
    database: Database,
) -> None:
    make_tracked_show(database, tmdb_id=1, requesters=1)
    world = a_world()
    with database.transaction() as session:  # the whole list, read earlier: E4 in six weeks
        seasons.record_schedule(session, 1, [e for e in world.episodes if e["seriesId"] == 1])
    await read(database, world)
    show = world.series[0]
    world.move(show, 1, 2, NOW + timedelta(days=3))  # a delay
    world.move(show, 1, 3, NOW + timedelta(days=45))  # the finale moved past the window
    progress = await read(database, world)
    assert progress.counts["moved out of the calendar"] == 1
    episodes = held(database)
    assert episodes[(1, 1, 2)] == NOW + timedelta(days=3)
    assert episodes[(1, 1, 3)] is None, "where to, the show's next full read says"
    assert episodes[(1, 1, 4)] == NOW + timedelta(days=42), "beyond the window: not the calendar's to say"
    assert episodes[(1, 1, 1)] == NOW - timedelta(days=7), "aired: kept"


async def test_a_wrong_sonarr_key_says_so(database: Database) -> None:
    with pytest.raises(UpstreamError, match=r"^Sonarr rejected the API key \(401"):
        await read(database, a_world(), key="nope")


def test_the_sync_schedule_reads_the_calendar_when_sonarr_is_configured_after_the_syncs() -> None:
    assert scheduled_sync(jellyseerr=True, sonarr=True) == ("sync-users", "sync-requests", "read-calendar")
    assert scheduled_sync(jellyseerr=False, sonarr=True) == ("read-calendar",)
    assert scheduled_sync(jellyseerr=True, sonarr=False) == ("sync-users", "sync-requests")
    assert scheduled_sync(jellyseerr=False, sonarr=False) == ()
