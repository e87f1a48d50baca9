"""Two Airdate processes on one PostgreSQL: a commit on either, or by raw SQL, reaches the other's
streams at once through LISTEN/NOTIFY. Their timers read once an hour here, so only the announcement
can bring a change within the test's deadline."""

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from data import Database
from standins.sonarr import SonarrWorld

from ..utils.factories import make_tracked_show
from ..utils.server import Server
from ..utils.sse import next_data, open_stream
from ..utils.waiting import eventually

pytestmark = pytest.mark.parametrize("backend", ["postgresql"])
SECRET = "push-test"
WAKEUPS, ANNOUNCED = "airdate_feed_write_wakeups_total", "airdate_feed_announcements_total"


@pytest.fixture
def replicas(airdate_env: str) -> Iterator[tuple[Server, Server]]:
    settings = {"stats_interval": "3600", "sse_keepalive": "0.5", "webhook_secret": SECRET}
    first = Server(airdate_env, settings | {"replica_name": "one"}).start()
    second = Server(airdate_env, settings | {"replica_name": "two"}).start()
    yield first, second
    first.stop()
    second.stop()


async def test_a_commit_on_one_replica_reaches_the_others_streams_at_once(
    replicas: tuple[Server, Server], database: Database
) -> None:
    first, second = replicas
    make_tracked_show(database, tmdb_id=7, requesters=2)
    sonarr = SonarrWorld()
    series = sonarr.add_series("Show 7", 7, 707)
    async with open_stream(second.url, params={"events": "notification"}) as (_, events):
        payload = sonarr.add_episode(series, 1, 1, "Pilot")
        async with httpx.AsyncClient(base_url=first.url, timeout=10) as client:
            landed = await client.post("/webhooks/sonarr", params={"secret": SECRET}, json=payload)
        assert landed.status_code == 200, landed.text
        arrived = [(await next_data(events)).json() for _ in range(2)]
    assert sorted(event["user"] for event in arrived) == ["fan7_0", "fan7_1"]
    assert {event["subject"] for event in arrived} == {"New episode: Show 7 S01E01"}


async def test_raw_sql_reaches_every_replica_and_the_stats_follow(replicas: tuple[Server, Server]) -> None:
    first, second = replicas
    async with (
        open_stream(first.url, params={"events": "stats"}) as (_, on_first),
        open_stream(second.url, params={"events": "stats"}) as (_, on_second),
    ):
        before = [(await next_data(stream)).json()["users"] for stream in (on_first, on_second)]
        first.sql("INSERT INTO users (username, email, created_at) VALUES ('ada', 'a@x', CURRENT_TIMESTAMP)")
        after = [(await next_data(stream)).json()["users"] for stream in (on_first, on_second)]
    assert before == [0, 0]
    assert after == [1, 1]


async def test_an_own_write_is_read_once_not_once_per_commit_hook_and_announcement(
    replicas: tuple[Server, Server], database: Database
) -> None:
    """Regression: a replica's own commit woke its feed twice, from the commit hook and again from the
    database's announcement of that same commit."""
    first, _ = replicas
    await eventually(lambda: first.metric("airdate_feed_announcements_total") >= 1, what="listening")
    make_tracked_show(database, tmdb_id=8, requesters=1)
    sonarr = SonarrWorld()
    series = sonarr.add_series("Show 8", 8, 808)
    before = [first.metric(name) for name in (WAKEUPS, ANNOUNCED)]
    async with httpx.AsyncClient(base_url=first.url, timeout=10) as client:
        for number in (1, 2, 3):
            payload = sonarr.add_episode(series, 1, number, f"Episode {number}")
            landed = await client.post("/webhooks/sonarr", params={"secret": SECRET}, json=payload)
            assert landed.status_code == 200, landed.text
    await eventually(lambda: first.metric(ANNOUNCED) >= before[1] + 3, what="each write announced")
    wakeups = first.metric(WAKEUPS) - before[0]  # (read first: a late announcement only adds to the other)
    announced = first.metric(ANNOUNCED) - before[1]
    assert wakeups <= announced, "every read asked for came from an announcement, none from the hook too"


async def test_a_warning_on_one_replica_reaches_the_others_log_viewers(
    replicas: tuple[Server, Server],
) -> None:
    first, second = replicas
    async with open_stream(second.url, params={"events": "log"}) as (_, logs):
        async with httpx.AsyncClient(base_url=first.url, timeout=10) as client:
            refused = await client.post("/login", data={"username": "mallory", "password": "guess"})
        assert refused.status_code in (303, 400, 401, 403), refused.text[:200]
        async with asyncio.timeout(10):
            while True:
                line = (await next_data(logs, within=10)).json()
                if "mallory" in line["message"]:
                    break
    assert line["level"] == "WARNING" and line["replica"] == "one", line
    assert first.query("SELECT replica, level FROM log_entries WHERE message LIKE '%mallory%'") == [
        ("one", "WARNING")
    ], "kept in the database once, by the replica that logged it"
