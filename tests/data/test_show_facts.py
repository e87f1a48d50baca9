"""What a batch carries besides the episodes' names, read from the database alone: the show's facts as the
last sync kept them, and each episode's air time, runtime and overview — its import's, else Sonarr's
episode list's."""

from datetime import UTC, datetime

import pytest

from data import Database, follows, outbox, seasons, show_facts
from data.writes import track_episode
from services.message import Look, text

from ..utils.factories import make_tracked_show, make_users

pytestmark = pytest.mark.both_databases

AIRED = datetime(2025, 1, 17, 2, tzinfo=UTC)


def test_a_batch_carries_the_shows_facts_and_each_episodes_own_or_the_schedules(database: Database) -> None:
    (fan,) = make_tracked_show(database, tmdb_id=7, requesters=1)
    with database.transaction() as session:
        show_facts.keep(session, show_facts.Show(7, "/seven.jpg", "A show.", "https://watch.example/7"))
        show_facts.keep(session, show_facts.Show(7, "/seven-new.jpg", "A show.", None))  # the next sync
        track_episode(session, 7, "Show 7", 1, 1, "One", air_at=AIRED, overview="From the webhook.")
        track_episode(session, 7, "Show 7", 1, 2, "Two")  # a webhook without overview nor air time
        listed = {"seasonNumber": 1, "airDateUtc": "2025-01-24T02:00:00Z"}
        schedule = [
            listed | {"episodeNumber": n, "runtime": 40 + n, "overview": f"Sonarr's {n}."} for n in (1, 2)
        ]
        seasons.record_schedule(session, 7, schedule)
    batch = database.read(outbox.next_batch, fan)
    assert batch.shows == {7: show_facts.Show(7, "/seven-new.jpg", "A show.", None)}
    one, two = (item.facts for item in batch.items)
    assert one == show_facts.EpisodeFacts(AIRED, 41, "From the webhook."), "the import's own first"
    assert two == show_facts.EpisodeFacts(datetime(2025, 1, 24, 2, tzinfo=UTC), 42, "Sonarr's 2.")
    assert [item.tmdb_id for item in batch.items] == [7, 7]


def test_a_follower_is_not_linked_to_a_request_of_theirs(database: Database) -> None:
    make_tracked_show(database, tmdb_id=8, requesters=1)
    (follower,) = make_users(database, 1, prefix="gustav")
    with database.transaction() as session:
        follows.follow(session, follower, 8, added_by="tests")
        show_facts.keep(session, show_facts.Show(8, "/eight.jpg"))
        track_episode(session, 8, "Show 8", 1, 1, "One")
    batch = database.read(outbox.next_batch, follower)
    assert batch.shows[8].requested is False
    written = text(batch, Look("https://images.example/w342", "https://requests.example.org"))
    assert "The show in Jellyseerr: https://requests.example.org/tv/8" in written
    assert "Your request" not in written
