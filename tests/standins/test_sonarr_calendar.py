"""The stand-in Sonarr's ``/api/v3/calendar`` answers as ``CalendarController.GetCalendar`` does: the
window (both ends included), the order, unmonitored episodes and series, the embedded series, its key."""

from datetime import UTC, datetime, timedelta

import httpx

from standins.sonarr import SonarrWorld, create_app

from ..utils.standins import serve

NOON = datetime(2025, 3, 13, 12, tzinfo=UTC)


def world_with_a_week() -> SonarrWorld:
    world = SonarrWorld()
    kept = world.add_series("Severance", 95396, 371980)
    dropped = world.add_series("Silo", 125988, 403245)
    dropped["monitored"] = False
    for day in (3, 1, 5, 0):  # listed out of order
        world.schedule(kept, 2, day + 1, f"Day {day}", NOON + timedelta(days=day))
    world.schedule(dropped, 1, 1, "Freedom Day", NOON + timedelta(days=2))
    world.find(kept, 2, 6)["monitored"] = False  # day 5
    return world


def titles(answer: httpx.Response) -> list[str]:
    assert answer.status_code == 200, answer.text
    return [e["title"] for e in answer.json()]


def test_the_calendar_lists_the_window_in_air_order_and_leaves_unmonitored_out_unless_asked() -> None:
    world = world_with_a_week()
    window = {"start": "2025-03-13T12:00:00Z", "end": "2025-03-18T12:00:00Z"}
    with (
        serve(create_app(world, "key")) as url,
        httpx.Client(base_url=url, headers={"X-Api-Key": "key"}) as client,
    ):
        monitored = client.get("/api/v3/calendar", params=window)
        everything = client.get("/api/v3/calendar", params=window | {"unmonitored": "true"})
        by_date = client.get("/api/v3/calendar", params={"start": "2025-03-14", "end": "2025-03-16"})
        with_series = client.get("/api/v3/calendar", params=window | {"includeSeries": "true"})
        refused = httpx.get(f"{url}/api/v3/calendar", headers={"X-Api-Key": "wrong"})
    assert titles(monitored) == ["Day 0", "Day 1", "Day 3"]
    assert titles(everything) == ["Day 0", "Day 1", "Freedom Day", "Day 3", "Day 5"], "both ends included"
    assert titles(by_date) == ["Day 1"], "a date is its midnight"
    assert "series" not in monitored.json()[0]
    embedded = with_series.json()[0]
    assert embedded["series"]["title"] == "Severance" and list(embedded)[-2:] == ["series", "id"]
    assert (refused.status_code, refused.json()) == (401, {"message": "Unauthorized"})


def test_an_episode_moved_leaves_or_joins_the_window_and_one_without_a_date_is_never_listed() -> None:
    world = world_with_a_week()
    series = world.series[0]
    world.move(series, 2, 1, NOON + timedelta(days=30))  # day 0 moved a month on
    undated = world.move(series, 2, 2, None)  # day 1: TheTVDB lost its date
    assert "airDate" not in undated and "airDateUtc" not in undated
    moved_in = world.move(series, 2, 4, NOON - timedelta(hours=1))  # day 3: an hour before the window
    assert moved_in["airDateUtc"] == "2025-03-13T11:00:00Z" and moved_in["airDate"] == "2025-03-13"
    assert list(moved_in)[-1] == "id"
    window = (NOON - timedelta(hours=1), NOON + timedelta(days=7))
    listed = world.calendar(*window, unmonitored=True)
    assert [e["title"] for e in listed] == ["Day 3", "Freedom Day", "Day 5"]
    world.move(series, 2, 2, NOON + timedelta(days=4))
    assert [e["title"] for e in world.calendar(*window, unmonitored=True)][-2:] == ["Day 1", "Day 5"]
