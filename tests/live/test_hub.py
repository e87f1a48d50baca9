import asyncio
import json
import logging
import time

from live import Event, Hub, LogRelay, opening
from live.hub import LOG, NOTIFICATION, STATS

from ..utils.waiting import eventually


def publish(hub: Hub, count: int, kind: str = NOTIFICATION) -> list[int]:
    return [hub.publish(kind, json.dumps({"n": i}), {"n": i}).id for i in range(count)]


def test_ids_increase_and_keep_increasing_across_hubs() -> None:
    first = Hub()
    ids = publish(first, 3)
    assert ids == sorted(ids) and len(set(ids)) == 3
    time.sleep(0.01)  # a restart takes longer than a few milliseconds
    later = Hub()
    assert publish(later, 1)[0] > ids[-1]


def test_events_after_an_id_in_the_window_are_exactly_the_missed_ones() -> None:
    hub = Hub(replay_events=100)
    ids = publish(hub, 10)
    assert [e.id for e in hub.events_after(ids[3])] == ids[4:]
    assert hub.events_after(ids[-1]) == []
    assert [e.id for e in hub.events_after(ids[0] - 1)] == ids


def test_an_id_older_than_the_window_or_from_the_future_cannot_resume() -> None:
    hub = Hub(replay_events=5)
    ids = publish(hub, 20)
    assert hub.events_after(ids[10]) is None
    assert [e.id for e in hub.events_after(ids[14])] == ids[15:]
    assert hub.events_after(ids[-1] + 1) is None


def test_events_older_than_the_time_window_are_forgotten() -> None:
    hub = Hub(replay_seconds=0)
    ids = publish(hub, 3)
    assert hub.events_after(ids[0]) is None


def test_a_reader_queue_only_gets_the_kinds_it_asked_for() -> None:
    hub = Hub()
    queue = hub.open_reader(frozenset({LOG}))
    publish(hub, 2, NOTIFICATION)
    publish(hub, 1, LOG)
    assert len(queue._items) == 1 and b"event: log" in queue._items[0]


async def test_a_burst_is_published_in_slices_that_readers_can_drain() -> None:
    hub = Hub(queue_size=8)
    queue = hub.open_reader()
    drained: list[bytes] = []

    async def reader() -> None:
        while (chunk := await queue.get()) is not None and len(drained) < 1000:
            drained.extend(chunk.split(b"\n\n")[:-1])

    task = asyncio.create_task(reader())
    await hub.publish_all([(NOTIFICATION, "{}", None)] * 100)
    await eventually(lambda: len(drained) == 100)
    task.cancel()
    assert not queue.closed, "a reader that keeps up is never dropped by a burst"
    assert len(drained) == 100


def test_a_reader_queue_that_falls_behind_is_closed_and_forgotten() -> None:
    hub = Hub(queue_size=4)
    queue = hub.open_reader()
    publish(hub, 4)
    assert not queue.closed
    publish(hub, 1)
    assert queue.closed_because == "fell behind"
    assert hub.reader_count == 0
    assert len(queue._items) == 0, "a closed queue holds nothing"


def test_a_fresh_stream_starts_with_the_snapshot_then_everything_after_it() -> None:
    hub = Hub()
    stats = hub.publish(STATS, "{}", None)
    later = publish(hub, 2)
    chunks = opening(hub, stats, None, frozenset({STATS, NOTIFICATION}))
    assert chunks[0] == stats.wire
    assert [int(c.split(b"\n")[0][4:]) for c in chunks[1:]] == later


def test_a_resuming_stream_gets_only_what_it_missed_of_its_kinds() -> None:
    hub = Hub()
    first = publish(hub, 3)
    hub.publish(LOG, "{}", None)
    missed = publish(hub, 2)
    chunks = opening(hub, None, str(first[-1]), frozenset({NOTIFICATION}))
    assert [int(c.split(b"\n")[0][4:]) for c in chunks] == missed


def test_an_unusable_last_event_id_gets_reset_then_a_fresh_start() -> None:
    hub = Hub(replay_events=3)
    stats = hub.publish(STATS, '{"users":1}', None)
    ids = publish(hub, 10)
    for bad in ("abc", "", str(ids[-1] + 10), str(ids[0]), "-5", "9" * 400, "9" * 5000):
        chunks = opening(hub, stats, bad, frozenset({STATS}))
        assert chunks[0].startswith(b"event: reset\ndata: "), bad
        assert b"id:" not in chunks[0]
        assert json.loads(chunks[0].split(b"data: ", 1)[1])["last_event_id"] == ids[-1]
        assert chunks[1] == stats.wire


async def test_an_event_published_while_another_is_delivered_waits_its_turn() -> None:
    """Regression: a viewer that raised made the log relay publish a ``log`` event inside the delivery
    of a stats event; viewers later in the list saw the log's (higher) id first and then dropped the
    stats event as old. Every viewer must get every event, in id order."""
    hub = Hub()
    relay = LogRelay(hub, logging.WARNING)
    relay.attach()
    try:

        def broken(event: Event) -> None:
            if event.kind == STATS:
                raise RuntimeError("a viewer's page is gone")

        seen: list[list[int]] = [[], []]
        hub.listen(lambda event: seen[0].append(event.id))
        hub.listen(broken)
        hub.listen(lambda event: seen[1].append(event.id))
        queue = hub.open_reader()
        stats = hub.publish(STATS, "{}", None)
    finally:
        relay.detach()
    log_event = hub.recent(LOG, 1)[0]
    assert "a live viewer failed" in log_event.payload["message"]
    assert seen == [[stats.id, log_event.id], [stats.id, log_event.id]]
    assert list(queue._items) == [stats.wire, log_event.wire]
