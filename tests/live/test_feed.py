import asyncio
import json
import threading
from functools import partial

import pytest
from prometheus_client import REGISTRY

from data import Database, LiveRead
from data.counters import read_stats
from data.feed_read import read_live
from live import Event, Hub, LiveFeed

from ..utils.factories import land_episode, make_tracked_show, make_users
from ..utils.waiting import eventually

pytestmark = pytest.mark.both_databases


def reads() -> float:
    return REGISTRY.get_sample_value("airdate_stats_reads_total") or 0.0


def wakeups() -> float:
    return REGISTRY.get_sample_value("airdate_feed_write_wakeups_total") or 0.0


def stats_events(box: list[Event]) -> list[Event]:
    return [e for e in box if e.kind == "stats"]


async def run_feed(database: Database, viewers: int) -> tuple[LiveFeed, list[list[Event]], list]:
    hub = Hub()
    feed = LiveFeed(partial(database.read, read_live), hub)
    feed.start()
    received: list[list[Event]] = [[] for _ in range(viewers)]
    for box in received:
        hub.listen(box.append)
    queues = [hub.open_reader() for _ in range(viewers)]
    return feed, received, queues


async def test_one_read_per_tick_with_one_viewer(database: Database) -> None:
    feed, _, _ = await run_feed(database, viewers=1)
    before = reads()
    for _ in range(10):
        await feed.tick()
    assert reads() - before == 10


async def test_one_read_per_tick_with_fifty_viewers(database: Database) -> None:
    feed, received, queues = await run_feed(database, viewers=50)
    before = reads()
    for i in range(10):
        make_users(database, 1, prefix=f"u{i}_")  # a change every tick (written behind the feed's back)
        await feed.tick()
    assert reads() - before == 10
    assert all(len(stats_events(box)) == 10 for box in received)
    first_ids = {box[0].id for box in received}
    assert len(first_ids) == 1, "every viewer sees the same snapshot id"
    assert {box[-1].payload.stats.users for box in received} == {10}
    assert len({id(queue._items[0]) for queue in queues}) == 1, "the same bytes go to every reader"


async def test_unchanged_snapshot_is_not_sent_again(database: Database) -> None:
    feed, received, _ = await run_feed(database, viewers=1)
    for _ in range(5):
        await feed.tick()
    assert len(stats_events(received[0])) == 1
    make_users(database, 2)
    await feed.tick()
    await feed.tick()
    events = stats_events(received[0])
    assert [e.payload.stats.users for e in events] == [0, 2]
    assert events[1].seq > events[0].seq


async def test_a_commit_through_airdate_pushes_without_waiting_for_a_tick(database: Database) -> None:
    feed, received, _ = await run_feed(database, viewers=1)
    database.on_commit(feed.request_refresh)
    await feed.tick()
    thread = threading.Thread(target=make_tracked_show, args=(database,), kwargs={"tmdb_id": 5})
    thread.start()  # a webhook's commit, made in a worker thread; no tick follows
    await eventually(lambda: stats_events(received[0])[-1].payload.stats.users == 2)
    thread.join()


async def test_commits_made_during_a_read_cost_one_more_read_not_one_each(database: Database) -> None:
    """While a read is under way, any number of commits (from any thread) queue exactly one more."""
    reading, release = threading.Event(), threading.Event()

    def slow_first_read(after: int, after_log_line: int, upcoming_seen: str | None) -> LiveRead:
        if not release.is_set():
            reading.set()
            release.wait(5)  # the first read is stuck behind another process's lock
        return database.read(read_live, after, after_log_line, upcoming_seen)

    feed = LiveFeed(slow_first_read, Hub())
    feed.start()
    received: list[Event] = []
    feed.hub.listen(received.append)
    database.on_commit(feed.request_refresh)
    reads_before = reads()

    def burst() -> None:
        make_tracked_show(database, tmdb_id=9, requesters=1)  # starts the (stuck) read
        reading.wait(5)
        for number in range(1, 21):
            land_episode(database, 9, 1, number)
        release.set()

    thread = threading.Thread(target=burst)
    thread.start()
    await eventually(lambda: received and stats_events(received)[-1].payload.stats.episodes_tracked == 20)
    thread.join()
    assert reads() - reads_before == 2, "the stuck read, then one read for the 20 commits made meanwhile"


async def test_commits_made_while_a_wake_up_is_queued_queue_no_other(database: Database) -> None:
    """A commit hands the loop a wake-up only if none is waiting for it: a burst of commits the loop has
    not caught up with yet (here it cannot, the commits run on it) costs one wake-up and one read."""
    feed = LiveFeed(partial(database.read, read_live), Hub())
    feed.start()
    await feed.tick()
    database.on_commit(feed.request_refresh)
    reads_before, wakeups_before = reads(), wakeups()
    make_tracked_show(database, tmdb_id=9, requesters=1)
    for number in range(1, 21):
        land_episode(database, 9, 1, number)
    assert wakeups() - wakeups_before == 1, "21 commits, one wake-up"
    await eventually(lambda: feed.snapshot.stats.episodes_tracked == 20)
    assert reads() - reads_before == 1


async def test_a_failing_read_keeps_the_last_values(database: Database) -> None:
    outage: list[Exception] = []

    def read(after: int, after_log_line: int, upcoming_seen: str | None) -> LiveRead:
        if outage:
            raise outage[0]
        return database.read(read_live, after, after_log_line, upcoming_seen)

    feed = LiveFeed(read, Hub())
    feed.start()
    await feed.tick()
    good = feed.current
    outage.append(OSError("disk unplugged"))
    await feed.tick()
    assert feed.current is good
    assert feed.error == "disk unplugged"
    outage.clear()
    make_users(database, 1)
    await feed.tick()
    assert feed.error is None
    assert feed.snapshot.stats.users == 1


def test_stats_event_has_the_seed_names(database: Database) -> None:
    hub = Hub()
    feed = LiveFeed(partial(database.read, read_live), hub)
    feed.publish(database.read(read_stats))
    wire = feed.current.wire.decode()
    assert wire.startswith(f"id: {feed.current.id}\ndata: ")
    data = json.loads(wire.split("data: ", 1)[1])
    assert set(data) == {"users", "requests", "episodes_tracked", "notifications", "timestamp"}
    assert set(data["requests"]) == {"total", "tracking"}
    assert set(data["notifications"]) == {"total", "sent", "pending", "failed", "skipped"}
    assert len(wire.split("data: ", 1)[1].encode()) < 200, "the seed's promise: ~200 bytes per update"
    assert data["timestamp"].endswith("Z")


async def test_a_slow_read_waits_in_a_worker_thread_not_on_the_event_loop(database: Database) -> None:
    reading, released = threading.Event(), threading.Event()

    def slow_read(after: int, after_log_line: int, upcoming_seen: str | None) -> LiveRead:
        reading.set()
        released.wait(5)  # a database stuck behind another process's lock
        return database.read(read_live, after, after_log_line, upcoming_seen)

    feed = LiveFeed(slow_read, Hub())
    feed.start()
    tick = asyncio.create_task(feed.tick())
    await eventually(reading.is_set)  # the loop keeps serving others meanwhile...
    assert not tick.done()  # ...while the read is still waiting
    released.set()
    await tick
    assert feed.snapshot is not None
