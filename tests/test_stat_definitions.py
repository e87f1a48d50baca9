"""A stat is one definition (``data.counters.COUNTERS``): adding one — here a counted condition, with a
place on the wire, a gauge and a card — makes it counted, read, sent, measured and shown, and nothing
else is touched: it is also sampled for the long-range charts. (Its database side, rows and triggers, is
what the migration that adds it runs: ``counters.install``.)"""

import json
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from nicegui.testing import User

from application import Airdate
from data import Database, counters, samples
from data.counters import Counter, Metric, Tile
from tests.utils.pages import open_dashboard

from .utils.factories import make_tracked_show, make_users
from .utils.pages import stat

FANS = Counter(
    "fans",
    "users",
    "{row}.username LIKE 'fan%'",  # the users who came with a tracked show (the factories name them so)
    wire="fans",
    metric=Metric("airdate_fans", "Users who came with a tracked show"),
    tile=Tile("Fans", "favorite", "fans"),
)


@pytest.fixture
def fans_defined(monkeypatch: pytest.MonkeyPatch, database: Database) -> Iterator[None]:
    monkeypatch.setattr(counters, "COUNTERS", (*counters.COUNTERS, FANS))
    with database.engine.begin() as connection:  # what its migration runs
        assert counters.install(connection, counters.COUNTERS) == ["fans"]
    yield


async def test_a_new_definition_is_read_sent_measured_and_shown(
    fans_defined: None, user: User, airdate: Airdate
) -> None:
    make_users(airdate.database, 3)
    make_tracked_show(airdate.database, tmdb_id=1, requesters=2)

    assert airdate.database.read(counters.read_stats).fans == 2

    await airdate.feed.tick()
    sent = json.loads(airdate.feed.current.data)  # what every /sse/stats stream gets
    assert list(sent) == ["users", "requests", "episodes_tracked", "notifications", "fans", "timestamp"]
    assert (sent["users"], sent["fans"]) == (5, 2)
    assert (await user.http_client.get("/api/stats")).json()["fans"] == 2

    assert "\nairdate_fans 2.0\n" in (await user.http_client.get("/metrics")).text

    await airdate.live.samples.write()  # the minute's sample: the long-range charts and "% vs 1 h ago"
    assert (await airdate.live.samples.series("24h", ("fans",)))[-1][1] == {"fans": 2}
    assert airdate.database.read(samples.value_at, datetime.now(UTC))["fans"] == 2

    await open_dashboard(user)
    assert stat(user, "fans") == 2
    (grid,) = user.find(marker="stat-cards").elements
    assert [card["title"] for card in grid.props["cards"]][-2:] == ["Notifications pending", "Fans"]


@pytest.mark.both_databases
def test_its_rows_and_triggers_count_it_on_either_database(fans_defined: None, database: Database) -> None:
    make_tracked_show(database, tmdb_id=1, requesters=2)
    make_users(database, 1)
    assert database.read(counters.read_stats).fans == 2
    assert database.write(counters.recount).fans == 2, "the triggers counted what a recount finds"
