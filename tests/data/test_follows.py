"""Following a show one never requested: told like a requester of all seasons, by one's own rule;
unfollowing settles what is queued; the followers are counted by the database."""

import pytest
from sqlalchemy import update
from sqlmodel import select

from data import Database, follows, preferences, unwanted
from data.counters import read_stats
from data.models import MediaRequest, Notification, RequestStatus

from ..utils.factories import land_episode, make_tracked_show, make_users

pytestmark = pytest.mark.both_databases


def items(database: Database, user_id: int) -> list[tuple[str, str, str | None]]:
    """(subject, status, reason) of the user's notifications, oldest first."""
    with database.reading() as session:
        rows = session.exec(
            select(Notification).where(Notification.user_id == user_id).order_by(Notification.id)
        ).all()
        return [(row.subject, row.status, row.last_error) for row in rows]


def test_a_follower_of_a_show_they_never_requested_is_told_by_their_own_rule(database: Database) -> None:
    make_tracked_show(database, tmdb_id=7, requesters=1)
    (farah,) = make_users(database, 1, prefix="farah")
    assert database.write(follows.follow, farah, 7, "alice") is True
    assert database.write(follows.follow, farah, 7, "alice") is False, "following twice is one follow"
    land_episode(database, 7, 2, 1)
    assert items(database, farah) == [("New episode: Show 7 S02E01", "pending", None)]

    database.write(preferences.update, farah, episode_rule="premieres")
    land_episode(database, 7, 2, 2)
    assert items(database, farah)[-1] == (
        "New episode: Show 7 S02E02",
        "skipped",
        "this user is told of season premieres only",
    )
    land_episode(database, 7, 0, 1)  # a special: like a requester of all seasons, not told
    assert len(items(database, farah)) == 2


def test_unfollowing_skips_what_was_queued_unless_they_requested_it_too(database: Database) -> None:
    (asker,) = make_tracked_show(database, tmdb_id=3, requesters=1)
    (fan,) = make_users(database, 1, prefix="fan")
    for user_id in (asker, fan):
        database.write(follows.follow, user_id, 3, "alice")
    land_episode(database, 3, 1, 1)

    assert database.write(follows.unfollow, fan, 3) == (True, 1)
    assert items(database, fan) == [("New episode: Show 3 S01E01", "skipped", follows.UNFOLLOWED)]
    assert database.write(follows.unfollow, asker, 3) == (True, 0), "a requester keeps hearing of it"
    assert items(database, asker)[0][1] == "pending"
    assert database.write(follows.unfollow, fan, 3) == (False, 0)
    land_episode(database, 3, 1, 2)
    assert len(items(database, fan)) == 1, "no longer told"


def test_a_follower_is_still_told_when_the_request_is_removed(database: Database) -> None:
    (asker,) = make_tracked_show(database, tmdb_id=4, requesters=1)
    database.write(follows.follow, asker, 4, "alice")
    land_episode(database, 4, 1, 1)
    with database.transaction() as session:
        session.execute(update(MediaRequest).values(status=RequestStatus.REMOVED))
    assert database.write(unwanted.skip_unwanted) == 0
    assert items(database, asker)[0][1] == "pending"


def test_only_tracked_shows_can_be_followed_and_only_by_users(database: Database) -> None:
    make_tracked_show(database, tmdb_id=5, requesters=1)
    (user,) = make_users(database, 1)
    with pytest.raises(LookupError, match="tracks no show with TMDB id 6"):
        database.write(follows.follow, user, 6, "alice")
    with pytest.raises(LookupError, match="there is no user 999"):
        database.write(follows.follow, 999, 5, "alice")


def test_shows_are_listed_searched_and_counted_with_their_people(database: Database) -> None:
    make_tracked_show(database, tmdb_id=1, requesters=2)
    make_tracked_show(database, tmdb_id=2, requesters=1)
    (fan,) = make_users(database, 1, prefix="zed")
    database.write(follows.follow, fan, 2, "alice")
    shows = database.read(follows.tracked_shows)
    assert [(s.tmdb_id, s.title, s.requesters, s.followers) for s in shows] == [
        (1, "Show 1", ("fan1_0", "fan1_1"), ()),
        (2, "Show 2", ("fan2_0",), ("zed0",)),
    ]
    assert [s.tmdb_id for s in database.read(follows.tracked_shows, "OW 2")] == [2]
    assert database.read(follows.candidates, 2) == [(1, "fan1_0"), (2, "fan1_1")]
    assert database.read(read_stats).followers == 1
    database.write(follows.unfollow, fan, 2)
    assert database.read(read_stats).followers == 0
