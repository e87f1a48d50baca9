"""Following a show over REST, end to end: an admin makes someone a follower, Sonarr (a stand-in
answering as its source writes it) sends its import webhook, and the follower is told; the shows list
names requesters and followers; /metrics counts the followers; unknown users and shows are 404s."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from application import Airdate
from data.models import Notification
from settings import Settings
from standins.sonarr import SonarrWorld, create_app

from ..utils.console import Console
from ..utils.factories import make_tracked_show, make_users
from ..utils.standins import serve

pytestmark = pytest.mark.both_databases
SHOW = 7


@pytest.fixture
def world(settings: Settings) -> Iterator[SonarrWorld]:
    world = SonarrWorld()
    series = world.add_series("Show 7", tmdb_id=SHOW, tvdb_id=70)
    world.schedule(series, 2, 1, "Premiere", datetime.now(UTC) - timedelta(hours=1))
    with serve(create_app(world, "key")) as url:
        settings.sonarr.url, settings.sonarr.api_key = url, "key"
        yield world


async def test_a_follower_the_admin_added_is_told_of_the_next_episode(
    world: SonarrWorld, console: Console, airdate: Airdate, caplog: pytest.LogCaptureFixture
) -> None:
    (asker,) = make_tracked_show(airdate.database, tmdb_id=SHOW, requesters=1)
    (fan,) = make_users(airdate.database, 1, prefix="farah")
    admin = console.http_client()
    added = await admin.put(f"/api/users/{fan}/follows/{SHOW}")
    assert added.json() == {"user_id": fan, "tmdb_id": SHOW, "following": True, "added": True}
    assert f"made user {fan} a follower of show {SHOW}" in caplog.text
    assert (await admin.put(f"/api/users/{fan}/follows/{SHOW}")).json()["added"] is False

    shows = (await admin.get("/api/shows", params={"search": "show 7"})).json()["shows"]
    assert shows == [{"tmdb_id": SHOW, "title": "Show 7", "requesters": ["fan7_0"], "followers": ["farah0"]}]
    assert (await admin.get("/api/shows", params={"search": "nothing like it"})).json() == {"shows": []}
    assert "\nairdate_followers 1.0\n" in (await admin.get("/metrics")).text

    hook = world.add_episode(world.series[0], 2, 1, "Premiere")
    assert (await admin.post("/webhooks/sonarr", json=hook)).status_code == 200
    with airdate.database.reading() as session:
        told = sorted(session.exec(select(Notification.user_id, Notification.subject)).all())
    assert told == [(asker, "New episode: Show 7 S02E01"), (fan, "New episode: Show 7 S02E01")]

    gone = await admin.delete(f"/api/users/{fan}/follows/{SHOW}")
    assert gone.json() == {"user_id": fan, "tmdb_id": SHOW, "following": False, "skipped": 1}
    assert (await admin.get(f"/api/shows/{SHOW}")).json()["followers"] == []


async def test_unknown_users_and_shows_are_404s_that_say_which(console: Console, airdate: Airdate) -> None:
    make_tracked_show(airdate.database, tmdb_id=SHOW, requesters=1)
    (fan,) = make_users(airdate.database, 1)
    admin = console.http_client()
    untracked = await admin.put(f"/api/users/{fan}/follows/8")
    assert (untracked.status_code, untracked.json()["detail"]) == (
        404,
        "Airdate tracks no show with TMDB id 8",
    )
    nobody = await admin.put(f"/api/users/999/follows/{SHOW}")
    assert (nobody.status_code, nobody.json()["detail"]) == (404, "there is no user 999")
    assert (await admin.delete(f"/api/users/999/follows/{SHOW}")).status_code == 404
    assert (await admin.get("/api/shows/8")).status_code == 404
