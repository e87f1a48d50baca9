"""Resuming a stream with Last-Event-ID: from memory, from the database's change log, or a reset —
on the replica that published the events or on another one reading the same database."""

import json
from functools import partial

import pytest

from data import Database
from data.changes import changes_between, last_change_id, prune
from data.feed_read import read_live
from live import Hub, LiveFeed, opening, reach, resume
from live.hub import KINDS, NOTIFICATION, STATS

from ..utils.database import unplugged
from ..utils.factories import make_notifications, send_all_pending

pytestmark = pytest.mark.both_databases

EVERYTHING = KINDS


async def replica(database: Database, replay_events: int = 1000) -> LiveFeed:
    """One Airdate process's feed and hub (several may read one database)."""
    hub = Hub(replay_events=replay_events)
    feed = LiveFeed(partial(database.read, read_live), hub, changes_after=database.read(last_change_id))
    feed.start()
    await feed.tick()
    return feed


def ids_and_kinds(chunks: list[bytes]) -> list[tuple[int | None, str]]:
    found = []
    for chunk in chunks:
        lines = dict(line.split(": ", 1) for line in chunk.decode().splitlines() if ": " in line)
        found.append((int(lines["id"]) if "id" in lines else None, lines.get("event", STATS)))
    return found


async def test_a_fresh_stream_starts_with_the_snapshot_then_what_came_after(database: Database) -> None:
    feed = await replica(database)
    queue = feed.hub.open_reader()
    make_notifications(database, 2)
    await feed.tick()
    chunks = await opening(feed, partial(database.read, changes_between), None, EVERYTHING)
    assert chunks[0] == feed.current.wire
    assert len(queue._items) == 3, "two notifications and a snapshot were published"


async def test_resuming_in_the_window_gets_the_missed_changes_then_the_snapshot(database: Database) -> None:
    feed = await replica(database)
    queue = feed.hub.open_reader()
    make_notifications(database, 5)
    await feed.tick()
    live = list(queue._items)
    published = ids_and_kinds(live)
    assert [kind for _, kind in published] == [NOTIFICATION] * 5 + [STATS]
    second = published[1][0]
    chunks = await opening(feed, partial(database.read, changes_between), str(second), EVERYTHING)
    assert chunks == live[2:], "the same bytes, in the same order"
    assert published[-1][0] == published[-2][0], "the snapshot's id is the change it is current to"
    only_stats = await opening(feed, partial(database.read, changes_between), str(second), frozenset({STATS}))
    assert only_stats == [feed.current.wire]


async def test_an_id_older_than_the_window_is_served_from_the_database(database: Database) -> None:
    feed = await replica(database, replay_events=3)
    queue = feed.hub.open_reader()
    make_notifications(database, 1)
    await feed.tick()
    make_notifications(database, 9)
    send_all_pending(database)  # status changes too: their events carry sent_at as it was then
    await feed.tick()
    live = [chunk for chunk in queue._items if b"event: notification" in chunk]
    after = ids_and_kinds(live)[0][0]
    assert after < feed.hub.complete_after, "the window no longer covers it"
    chunks = await opening(
        feed, partial(database.read, changes_between), str(after), frozenset({NOTIFICATION})
    )
    assert chunks == live[1:], "the database gives exactly the events the window forgot, byte for byte"
    assert len(chunks) == 9 + 10 + 10, "9 more created, then all 10 claimed (sending) and sent"


async def test_an_id_the_database_pruned_gets_a_reset_then_a_fresh_start(database: Database) -> None:
    feed = await replica(database, replay_events=2)
    queue = feed.hub.open_reader()
    make_notifications(database, 6)
    await feed.tick()
    oldest = ids_and_kinds(list(queue._items))[0][0]
    database.write_quietly(prune, keep=2)
    chunks = await opening(feed, partial(database.read, changes_between), str(oldest), EVERYTHING)
    assert chunks[0].startswith(f"id: {feed.hub.last_id}\nevent: reset\ndata: ".encode())
    reset = json.loads(chunks[0].split(b"data: ", 1)[1])
    assert "no longer keeps" in reset["reason"] and reset["last_event_id"] == feed.hub.last_id
    assert chunks[1] == feed.current.wire


async def test_another_replica_resumes_an_id_it_had_not_read_yet(database: Database) -> None:
    first, second = await replica(database), await replica(database)
    seen_on_first = first.hub.open_reader()
    make_notifications(database, 3)
    await first.tick()
    send_all_pending(database)
    await first.tick()  # the second replica has read none of these
    changes = [chunk for chunk in seen_on_first._items if b"event: notification" in chunk]
    last = ids_and_kinds(changes)[1][0]
    await reach(second, str(last))
    chunks = await opening(second, partial(database.read, changes_between), str(last), EVERYTHING)
    assert chunks[:-1] == changes[2:], "the same ids and bytes on the other replica, read later"
    assert ids_and_kinds(chunks[-1:]) == [(first.hub.last_id, STATS)]


async def test_an_unusable_last_event_id_gets_reset_then_a_fresh_start(database: Database) -> None:
    feed = await replica(database, replay_events=3)
    make_notifications(database, 10)
    await feed.tick()
    for bad in ("abc", "", str(feed.hub.last_id + 10), "-5", "9" * 400, "9" * 5000):
        await reach(feed, bad)
        chunks = await opening(feed, partial(database.read, changes_between), bad, frozenset({STATS}))
        assert chunks[0].startswith(f"id: {feed.hub.last_id}\nevent: reset\ndata: ".encode()), bad
        assert json.loads(chunks[0].split(b"data: ", 1)[1])["last_event_id"] == feed.hub.last_id
        assert chunks[1:] == [feed.current.wire]


async def test_a_reset_carries_the_id_to_continue_from(database: Database) -> None:
    """Regression: a reset had no id, so a reader of notifications only (which gets no snapshot after it)
    sent the same unusable id again at its next reconnect, and was reset again."""
    feed = await replica(database)
    make_notifications(database, 2)
    await feed.tick()
    chunks = await opening(feed, partial(database.read, changes_between), "abc", frozenset({NOTIFICATION}))
    assert ids_and_kinds(chunks) == [(feed.hub.last_id, "reset")]
    again = await opening(
        feed, partial(database.read, changes_between), str(feed.hub.last_id), frozenset({NOTIFICATION})
    )
    assert again == [], "resuming from the reset's id: nothing missed, no second reset"


async def test_a_resume_the_database_cannot_serve_now_is_a_reset_with_the_reason(
    database: Database, backend: str
) -> None:
    if backend != "sqlite":
        pytest.skip("unplugs a SQLite file")
    feed = await replica(database, replay_events=2)
    first = make_notifications(database, 1)
    await feed.tick()
    make_notifications(database, 5)
    await feed.tick()
    with unplugged(database):
        chunks = await opening(feed, partial(database.read, changes_between), str(first[0]), EVERYTHING)
    reset = json.loads(chunks[0].split(b"data: ", 1)[1])
    assert "the database cannot be read now" in reset["reason"], reset
    assert chunks[1] == feed.current.wire


async def test_a_resume_too_far_back_is_a_reset_not_an_unbounded_read(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(resume, "MAX_FROM_DATABASE", 3)
    feed = await replica(database, replay_events=2)
    start = feed.hub.last_id
    make_notifications(database, 8)
    await feed.tick()
    chunks = await opening(
        feed, partial(database.read, changes_between), str(start), frozenset({NOTIFICATION})
    )
    assert b"more than 3 changes ago" in chunks[0]
