"""The demo's Sonarr lists what airs next: two episodes of each show in the next fortnight, a season
finale among them, and as the simulator lands one (at once: its time runs fast) the next is listed."""

from datetime import UTC, datetime, timedelta

from demo.world import SHOWS, UPCOMING, DemoWorld


def upcoming(world: DemoWorld, now: datetime) -> list[dict]:
    return world.sonarr.calendar(now, now + timedelta(days=14), unmonitored=True, include_series=True)


def test_every_show_has_episodes_to_come_and_one_a_season_finale() -> None:
    world = DemoWorld()
    world.populate()
    for series in world.sonarr.series:
        world.plan_upcoming(series)
    now = datetime.now(UTC)
    listed = upcoming(world, now)
    assert len(listed) == UPCOMING * len(SHOWS)
    assert {e["series"]["title"] for e in listed} == {title for *_, title in SHOWS}
    assert [e["series"]["title"] for e in listed if e.get("finaleType") == "season"] == ["Saltmarsh"]

    series = world.sonarr.series[0]
    season, number = world.newest_landed(series)
    nearest = next(e for e in listed if e["seriesId"] == series["id"])
    assert (nearest["seasonNumber"], nearest["episodeNumber"]) == (season, number + 1)
    world.sonarr.move(series, season, number + 1, now)  # what the simulator does
    world.sonarr.add_episode(series, season, number + 1, "")
    world.plan_upcoming(series)
    soon = upcoming(world, now + timedelta(seconds=1))
    assert [e["episodeNumber"] for e in soon if e["seriesId"] == series["id"]] == [number + 2, number + 3]
