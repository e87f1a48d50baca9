"""Which episodes a person is told of: each, season premieres only, season complete (by Sonarr's
schedule: a season or series finale ends a season, a mid-season one does not); a default and a rule per
show; every held-back item either folded into the later message or skipped with the reason."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from data import Database, outbox, preferences, seasons
from data.counters import read_stats
from data.models import EpisodeRule, Notification

from ..utils.factories import land_episode, make_tracked_show

pytestmark = pytest.mark.both_databases
AIRED = datetime.now(UTC) - timedelta(days=1)


def schedule(
    database: Database, tmdb_id: int, season: int, *episodes: tuple[int, str | None, datetime]
) -> None:
    """Sonarr's episode list (``/api/v3/episode``) of one season: (number, finaleType, air time)."""
    listed = [
        {
            "seasonNumber": season,
            "episodeNumber": number,
            "title": f"Episode {number}",
            "airDateUtc": airs.isoformat().replace("+00:00", "Z"),
            **({"finaleType": finale} if finale else {}),
        }
        for number, finale, airs in episodes
    ]
    with database.transaction() as session:
        seasons.record_schedule(session, tmdb_id, listed)


def items(database: Database) -> list[tuple[int, str, str | None]]:
    """(episode number, status, reason) of every notification, oldest first."""
    with database.reading() as session:
        rows = session.exec(select(Notification).order_by(Notification.id)).all()
        numbers = {row.id: int(row.subject.rsplit("E", 1)[-1]) for row in rows}
        return [(numbers[row.id], row.status, row.last_error) for row in rows]


def rule(database: Database, user_id: int, episode_rule: str | None = None, **show_rules: str | None) -> int:
    return database.write(
        preferences.update,
        user_id,
        episode_rule=episode_rule,
        show_rules={int(tmdb.removeprefix("show")): value for tmdb, value in show_rules.items()} or None,
    )


def test_each_episode_is_told_as_before(database: Database) -> None:
    make_tracked_show(database, tmdb_id=1, requesters=1)
    for number in (1, 2):
        land_episode(database, 1, 2, number)
    assert items(database) == [(1, "pending", None), (2, "pending", None)]


def test_premieres_only_tells_a_seasons_first_episode_once_and_skips_the_rest_with_the_reason(
    database: Database,
) -> None:
    (fan,) = make_tracked_show(database, tmdb_id=1, requesters=1)
    rule(database, fan, EpisodeRule.PREMIERES)
    for number in (1, 2, 3):
        land_episode(database, 1, 2, number)
    assert items(database) == [
        (1, "pending", None),
        (2, "skipped", seasons.PREMIERES_ONLY),
        (3, "skipped", seasons.PREMIERES_ONLY),
    ]
    stats = database.read(read_stats)
    assert (stats.notifications_pending, stats.notifications_skipped) == (1, 2)


def test_season_complete_holds_until_the_finale_lands_then_tells_the_season_in_one_batch(
    database: Database,
) -> None:
    (fan,) = make_tracked_show(database, tmdb_id=1, requesters=1)
    rule(database, fan, EpisodeRule.SEASON_COMPLETE)
    schedule(database, 1, 1, (1, None, AIRED), (2, None, AIRED), (3, "season", AIRED))
    land_episode(database, 1, 1, 1)
    land_episode(database, 1, 1, 2)
    assert items(database) == [(1, "held", None), (2, "held", None)]
    assert database.read(outbox.due_batches, grouping_delay=0) == []
    assert database.read(read_stats).notifications_held == 2

    land_episode(database, 1, 1, 3)  # the season finale: the season is in
    assert items(database) == [(1, "pending", None), (2, "pending", None), (3, "pending", None)]
    assert database.read(outbox.due_batches, grouping_delay=0) == [(fan, None)], "one message"
    stats = database.read(read_stats)
    assert (stats.notifications_held, stats.notifications_pending) == (0, 3)


def test_a_mid_season_finale_does_not_complete_a_season(database: Database) -> None:
    (fan,) = make_tracked_show(database, tmdb_id=1, requesters=1)
    rule(database, fan, EpisodeRule.SEASON_COMPLETE)
    later = datetime.now(UTC) + timedelta(days=30)
    schedule(
        database, 1, 1, (1, None, AIRED), (2, "midseason", AIRED), (3, None, later), (4, "season", later)
    )
    land_episode(database, 1, 1, 1)
    land_episode(database, 1, 1, 2)
    assert [status for _, status, _ in items(database)] == ["held", "held"]


def test_a_season_is_complete_only_when_every_aired_episode_is_in(database: Database) -> None:
    (fan,) = make_tracked_show(database, tmdb_id=1, requesters=1)
    rule(database, fan, EpisodeRule.SEASON_COMPLETE)
    schedule(database, 1, 1, (1, None, AIRED), (2, None, AIRED), (3, "season", AIRED))
    land_episode(database, 1, 1, 1)
    land_episode(database, 1, 1, 3)  # the finale, but episode 2 is missing
    assert [status for _, status, _ in items(database)] == ["held", "held"]
    land_episode(database, 1, 1, 2)
    assert [status for _, status, _ in items(database)] == ["pending", "pending", "pending"]


def test_a_season_without_a_finale_marker_is_complete_once_a_later_season_is_listed(
    database: Database,
) -> None:
    """TheTVDB lacks many finales: a season whose every listed episode aired and landed is over once
    Sonarr lists the next one (and not before: more episodes may still be announced)."""
    (fan,) = make_tracked_show(database, tmdb_id=1, requesters=1)
    rule(database, fan, EpisodeRule.SEASON_COMPLETE)
    schedule(database, 1, 1, (1, None, AIRED), (2, None, AIRED))
    land_episode(database, 1, 1, 1)
    land_episode(database, 1, 1, 2)
    assert [status for _, status, _ in items(database)] == ["held", "held"]
    schedule(database, 1, 2, (1, None, datetime.now(UTC) + timedelta(days=90)))
    with database.transaction() as session:
        assert seasons.release_if_complete(session, 1, 1) == 2


def test_a_schedule_that_arrives_later_completes_the_season(database: Database) -> None:
    (fan,) = make_tracked_show(database, tmdb_id=1, requesters=1)
    rule(database, fan, EpisodeRule.SEASON_COMPLETE)
    land_episode(database, 1, 1, 1)
    land_episode(database, 1, 1, 2)
    schedule(database, 1, 1, (1, None, AIRED), (2, "season", AIRED))
    with database.transaction() as session:
        assert seasons.release_if_complete(session, 1, 1) == 2
    assert [status for _, status, _ in items(database)] == ["pending", "pending"]


def test_a_shows_own_rule_beats_the_default_and_changing_it_settles_what_is_queued(
    database: Database,
) -> None:
    (fan,) = make_tracked_show(database, tmdb_id=1, requesters=1)
    rule(database, fan, EpisodeRule.PREMIERES, show1=EpisodeRule.SEASON_COMPLETE)
    land_episode(database, 1, 1, 1)
    land_episode(database, 1, 1, 2)
    assert [status for _, status, _ in items(database)] == ["held", "held"]
    assert [(s.tmdb_id, s.rule) for s in database.read(preferences.read, fan).shows] == [
        (1, "season_complete")
    ]

    skipped = rule(database, fan, show1=None)  # the default again: premieres only
    assert skipped == 1
    assert items(database) == [(1, "pending", None), (2, "skipped", seasons.PREMIERES_ONLY)]


def test_a_muted_show_skips_its_held_items_too(database: Database) -> None:
    (fan,) = make_tracked_show(database, tmdb_id=1, requesters=1)
    rule(database, fan, EpisodeRule.SEASON_COMPLETE)
    land_episode(database, 1, 1, 1)
    assert database.write(preferences.update, fan, muted={1}) == 1
    assert items(database) == [(1, "skipped", "the user muted this show")]


def test_an_unknown_rule_is_refused_and_changes_nothing(database: Database) -> None:
    (fan,) = make_tracked_show(database, tmdb_id=1, requesters=1)
    with pytest.raises(preferences.InvalidPreference, match="episode rule must be one of each, premieres"):
        rule(database, fan, "sometimes")
    with pytest.raises(preferences.InvalidPreference, match="not 'weekly'"):
        rule(database, fan, show1="weekly")
    read = database.read(preferences.read, fan)
    assert (read.episode_rule, [s.rule for s in read.shows]) == ("each", [None])
