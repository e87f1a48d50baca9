"""Importing the episodes a stand-in Sonarr already has, over real HTTP."""

import pytest
from sqlmodel import select

from data import Database
from data.counters import read_stats
from data.models import Episode
from services.progress import Progress
from services.sonarr import WebhookEpisode, WebhookSeries, import_episodes, record_import
from services.upstream import Upstream, UpstreamError
from standins.sonarr import SonarrWorld, create_app

from ..utils.factories import make_tracked_show
from ..utils.standins import serve

pytestmark = pytest.mark.both_databases


async def test_import_records_existing_episodes_without_notifying(database: Database) -> None:
    make_tracked_show(database, tmdb_id=1, requesters=2)
    world = SonarrWorld()
    tracked = world.add_series("Tracked", tmdb_id=1, tvdb_id=11)
    other = world.add_series("Nobody asked", tmdb_id=2, tvdb_id=22)
    for number in (1, 2, 3):
        world.add_episode(tracked, 1, number, f"E{number}")
        world.add_episode(other, 1, number, f"E{number}")
    world.episodes[4]["hasFile"] = False  # tracked S01E03: announced, not downloaded yet
    with serve(create_app(world, "key")) as url:
        async with Upstream("Sonarr", url, "key") as sonarr:
            progress = await import_episodes(database, sonarr, Progress())
    assert dict(progress.counts) == {"series imported": 1, "series not tracked": 1, "episodes recorded": 2}
    stats = database.read(read_stats)
    assert (stats.episodes_tracked, stats.notifications_total) == (2, 0)

    series = WebhookSeries(title="Tracked", tmdbId=1)
    known = record_import(database, series, [WebhookEpisode(seasonNumber=1, episodeNumber=2)])
    new = record_import(database, series, [WebhookEpisode(seasonNumber=1, episodeNumber=3)])
    assert (known["new"], new["new"]) == (0, 1)
    assert database.read(read_stats).notifications_pending == 2, (
        "only the new episode notifies its two requesters"
    )
    with database.reading() as session:
        assert sorted(e.number for e in session.exec(select(Episode)).all()) == [1, 2, 3]


async def test_a_wrong_sonarr_key_says_so(database: Database) -> None:
    with serve(create_app(SonarrWorld(), "key")) as url:
        async with Upstream("Sonarr", url, "nope") as sonarr:
            with pytest.raises(UpstreamError, match=r"^Sonarr rejected the API key"):
                await import_episodes(database, sonarr, Progress())
