"""The preview's read: what a user's next e-mail would hold, on both databases, without claiming."""

import pytest

from data import Database, outbox
from data.counters import read_stats
from data.models import NotificationStatus

from ..utils.factories import land_episode, make_notifications, make_tracked_show, make_users, set_status

pytestmark = pytest.mark.both_databases


def test_the_next_batch_is_every_pending_item_in_order_and_nothing_is_claimed(database: Database) -> None:
    fan, other = make_tracked_show(database, tmdb_id=3, requesters=2)
    land_episode(database, 3, 1, 2)
    land_episode(database, 3, 1, 1)
    done = make_notifications(database, 2, user_id=fan)
    set_status(database, done[0], NotificationStatus.SENT)
    set_status(database, done[1], NotificationStatus.FAILED)

    batch = database.read(outbox.next_batch, fan)
    episodes = [(item.show, item.season, item.number) for item in batch.items]
    assert episodes == [("Show 3", 1, 2), ("Show 3", 1, 1)], "in the order they landed"
    assert batch.username == "fan3_0" and batch.email == "fan3_0@example.org"
    assert database.read(read_stats).notifications_pending == 4, "both fans' items are still pending"
    assert [i.show for i in database.write(outbox.claim, other, None, owner="test").items] == [
        "Show 3",
        "Show 3",
    ]


def test_nothing_pending_is_an_empty_batch_and_an_unknown_user_an_error(database: Database) -> None:
    (quiet,) = make_users(database, 1, prefix="quiet")
    assert database.read(outbox.next_batch, quiet).items == []
    with pytest.raises(LookupError, match="no user with id 424242"):
        database.read(outbox.next_batch, 424242)
