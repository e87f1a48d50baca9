"""Which episodes a person hears of, end to end: the admin sets the rules over REST, Sonarr (a stand-in
answering as its source writes it) sends its import webhooks, and Airdate reads the show's schedule from
Sonarr after each one — so a season-complete person is told once, when the season finale lands."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import get_args

import httpx
import pytest
from sqlmodel import select

from api.channels import Rule
from application import Airdate
from data import outbox
from data.models import Episode, EpisodeRule, Notification
from settings import Settings
from standins.sonarr import SonarrWorld, create_app

from ..utils.console import Console
from ..utils.factories import make_tracked_show
from ..utils.standins import serve

pytestmark = pytest.mark.both_databases
SHOW = 7


@pytest.fixture
def world(settings: Settings) -> Iterator[SonarrWorld]:
    """A stand-in Sonarr with the show, its first season scheduled: three episodes aired, the third the
    season finale."""
    world = SonarrWorld()
    series = world.add_series("Show 7", tmdb_id=SHOW, tvdb_id=70)
    aired = datetime.now(UTC) - timedelta(days=1)
    for number in (1, 2, 3):
        world.schedule(
            series, 1, number, f"Episode {number}", aired, finale="season" if number == 3 else None
        )
    with serve(create_app(world, "key")) as url:
        settings.sonarr.url = url
        settings.sonarr.api_key = "key"
        yield world


def statuses(airdate: Airdate) -> list[tuple[str, int, str]]:
    """(user name's end, episode number, status) of every notification."""
    with airdate.database.reading() as session:
        rows = session.exec(select(Notification, Episode).join(Episode)).all()
        return sorted((str(n.user_id), e.number, n.status) for n, e in rows)


async def imported(client: httpx.AsyncClient, world: SonarrWorld, number: int) -> None:
    answer = await client.post("/webhooks/sonarr", json=world.add_episode(world.series[0], 1, number, ""))
    assert answer.status_code == 200, answer.text


async def test_the_admins_rules_decide_who_hears_of_what(
    world: SonarrWorld, console: Console, airdate: Airdate
) -> None:
    each, premieres, complete = make_tracked_show(airdate.database, tmdb_id=SHOW, requesters=3)
    admin = console.http_client()
    default = await admin.put(f"/api/users/{premieres}/preferences", json={"episode_rule": "premieres"})
    assert default.json()["preferences"]["episode_rule"] == "premieres"
    own = await admin.put(
        f"/api/users/{complete}/preferences", json={"show_rules": {str(SHOW): "season_complete"}}
    )
    assert own.json()["preferences"]["shows"][0]["rule"] == "season_complete"

    for number in (1, 2):
        await imported(admin, world, number)
    assert statuses(airdate) == sorted(
        [
            (str(each), 1, "pending"),
            (str(each), 2, "pending"),
            (str(premieres), 1, "pending"),
            (str(premieres), 2, "skipped"),
            (str(complete), 1, "held"),
            (str(complete), 2, "held"),
        ]
    )
    await imported(admin, world, 3)  # the season finale: Airdate reads Sonarr's schedule and knows
    held = [status for user, _, status in statuses(airdate) if user == str(complete)]
    assert held == ["pending", "pending", "pending"]
    due = airdate.database.read(outbox.due_batches, grouping_delay=0)
    assert [pair for pair in due if pair[0] == complete] == [(complete, None)], "the season is one message"
    metrics = (await admin.get("/metrics")).text
    assert 'airdate_notifications{status="held"} 0.0' in metrics
    assert 'airdate_notifications{status="skipped"} 2.0' in metrics


async def test_a_rule_that_does_not_exist_is_a_422_that_says_which(
    console: Console, airdate: Airdate
) -> None:
    (fan,) = make_tracked_show(airdate.database, tmdb_id=SHOW, requesters=1)
    admin = console.http_client()
    refused = await admin.put(f"/api/users/{fan}/preferences", json={"show_rules": {str(SHOW): "weekly"}})
    assert refused.status_code == 422
    assert "'each', 'premieres', 'season_complete' or 'default'" in refused.text
    not_a_show = await admin.put(f"/api/users/{fan}/preferences", json={"show_rules": {"c": "each"}})
    assert not_a_show.status_code == 422 and "show_rules" in not_a_show.text
    assert (await admin.get(f"/api/users/{fan}/preferences")).json()["shows"][0]["rule"] is None
    own = await admin.put(f"/api/users/{fan}/preferences", json={"show_rules": {str(SHOW): "premieres"}})
    assert own.json()["preferences"]["shows"][0]["rule"] == "premieres"
    back = await admin.put(f"/api/users/{fan}/preferences", json={"show_rules": {str(SHOW): "default"}})
    assert back.json()["preferences"]["shows"][0]["rule"] is None


def test_the_apis_rules_are_the_products() -> None:
    assert set(get_args(Rule)) == set(EpisodeRule)
