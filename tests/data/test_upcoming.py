"""What airs next: the next 14 days by show with who will be told, read again only when something it
shows may have changed (the revision the triggers raise) or the minute moved."""

from datetime import UTC, datetime, timedelta

import pytest

from data import Database, follows, preferences, upcoming
from data.models import NotifyMode

from ..utils.factories import make_tracked_show, make_users
from .test_seasons import schedule

pytestmark = pytest.mark.both_databases
NOW = datetime.now(UTC).replace(microsecond=0)


def test_the_next_two_weeks_by_show_with_who_will_be_told(database: Database) -> None:
    _, off = make_tracked_show(database, tmdb_id=1, requesters=2)
    (fan,) = make_users(database, 1, prefix="zed")
    database.write(follows.follow, fan, 1, "alice")
    database.write(preferences.update, off, mode=NotifyMode.OFF.value)
    schedule(database, 1, 3, (1, None, NOW - timedelta(days=1)), (2, None, NOW + timedelta(days=2)))
    schedule(database, 1, 3, (3, "season", NOW + timedelta(days=9)), (4, None, NOW + timedelta(days=20)))
    schedule(database, 99, 1, (1, None, NOW + timedelta(days=1)))  # a show nobody tracks

    read = database.read(upcoming.read)
    assert [(show.title, show.told) for show in read.shows] == [("Show 1", ("fan1_0", "zed0"))]
    assert [(e.number, e.air_at, e.finale) for e in read.shows[0].episodes] == [
        (2, NOW + timedelta(days=2), None),
        (3, NOW + timedelta(days=9), "season"),
    ]


def test_it_is_read_again_only_when_what_it_shows_may_have_changed(database: Database) -> None:
    # One clock for every read: a module-level NOW may be minutes old when a parallel run gets here.
    at = datetime.now(UTC)
    (asker,) = make_tracked_show(database, tmdb_id=1, requesters=1)
    first = database.read(upcoming.read_if_changed, None, at)
    assert first is not None and first.shows == ()
    assert database.read(upcoming.read_if_changed, first.key, at) is None, "nothing changed"

    schedule(database, 1, 1, (1, None, at + timedelta(days=1)))
    moved = database.read(upcoming.read_if_changed, first.key, at)
    assert moved is not None and moved.episode_count == 1
    database.write(preferences.update, asker, muted={1})
    muted = database.read(upcoming.read_if_changed, moved.key, at)
    assert muted is not None and muted.shows[0].told == ()
    assert database.read(upcoming.read_if_changed, muted.key, at) is None, "nothing changed again"
    later = database.read(upcoming.read_if_changed, muted.key, at + timedelta(minutes=1))
    assert later is not None, "the window moves with the clock"


def test_a_persons_episodes_are_those_they_would_be_told_of(database: Database) -> None:
    (asker,) = make_tracked_show(database, tmdb_id=1, requesters=1)
    make_tracked_show(database, tmdb_id=2, requesters=1)
    make_tracked_show(database, tmdb_id=3, requesters=1)
    database.write(follows.follow, asker, 2, "alice")
    for tmdb_id in (1, 2, 3):
        schedule(database, tmdb_id, 1, (1, None, NOW + timedelta(days=tmdb_id)))
    schedule(database, 1, 1, (2, None, NOW - timedelta(days=30)))  # long gone
    assert [(e.show, e.number) for e in database.read(upcoming.of_user, asker)] == [
        ("Show 1", 1),
        ("Show 2", 1),
    ]
    database.write(preferences.update, asker, muted={2})
    assert [e.show for e in database.read(upcoming.of_user, asker)] == ["Show 1"]


def test_who_will_be_told_of_each_episode_follows_their_rules(database: Database) -> None:
    _each, premieres, whole = make_tracked_show(database, tmdb_id=1, requesters=3)
    database.write(preferences.update, premieres, episode_rule="premieres")
    database.write(preferences.update, whole, episode_rule="season_complete")
    schedule(database, 1, 2, (1, None, NOW + timedelta(days=1)), (2, "season", NOW + timedelta(days=8)))
    (show,) = database.read(upcoming.read).shows
    assert [(e.number, e.told) for e in show.episodes] == [
        (1, ("fan1_0", "fan1_1", "fan1_2" + upcoming.WHOLE_SEASON)),
        (2, ("fan1_0", "fan1_2" + upcoming.WHOLE_SEASON)),
    ]
    assert show.told == ("fan1_0", "fan1_1", "fan1_2")
