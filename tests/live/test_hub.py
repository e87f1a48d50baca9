import asyncio
import json
import logging

from live import Event, Hub, LogRelay
from live.hub import LOG, NOTIFICATION, STATS

from ..utils.waiting import eventually


def publish(hub: Hub, count: int, kind: str = NOTIFICATION) -> list[int]:
    """``count`` events with the next ids (as the feed gives change ids); their ids."""
    first = hub.last_id + 1
    return [hub.publish(kind, json.dumps({"n": i}), {"n": i}, first + i).id for i in range(count)]


def test_every_event_has_the_next_seq_and_keeps_the_id_it_was_given() -> None:
    hub = Hub()
    hub.start_after(41)
    ids = publish(hub, 3)
    log_line = hub.publish(LOG, "{}")
    assert ids == [42, 43, 44] and hub.last_id == 44
    assert [e.seq for e in hub.window()[1]] == [1, 2, 3, 4]
    assert log_line.id is None and not log_line.wire.startswith(b"id:"), "log lines carry no id"
    assert hub.window()[1][0].wire.startswith(b"id: 42\nevent: notification\n")


def test_events_since_a_seq_in_the_window_are_exactly_the_missed_ones() -> None:
    hub = Hub(replay_events=100)
    publish(hub, 10)
    assert [e.seq for e in hub.events_since(3)] == list(range(4, 11))
    assert hub.events_since(10) == []
    assert [e.seq for e in hub.events_since(0)] == list(range(1, 11))


def test_the_window_says_after_which_id_it_is_complete() -> None:
    hub = Hub(replay_events=5)
    hub.start_after(100)
    assert hub.complete_after == 100
    ids = publish(hub, 20)
    assert hub.events_since(3) is None, "older than the window"
    assert hub.complete_after == ids[14], "the newest id forgotten"
    assert [e.id for e in hub.window()[1]] == ids[15:]


def test_events_older_than_the_time_window_are_forgotten() -> None:
    hub = Hub(replay_seconds=0)
    ids = publish(hub, 3)
    assert hub.events_since(0) is None
    assert hub.complete_after == ids[-1]


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
    await hub.publish_all([(NOTIFICATION, "{}", None, n) for n in range(1, 101)])
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


async def test_an_event_published_while_another_is_delivered_waits_its_turn() -> None:
    """Regression: a viewer that raised made the log relay publish a ``log`` event inside the delivery
    of a stats event; viewers later in the list saw the log's (higher) seq first and then dropped the
    stats event as old. Every viewer must get every event, in order."""
    hub = Hub()
    relay = LogRelay(hub, logging.WARNING)
    relay.attach()
    try:

        def broken(event: Event) -> None:
            if event.kind == STATS:
                raise RuntimeError("a viewer's page is gone")

        seen: list[list[int]] = [[], []]
        hub.listen(lambda event: seen[0].append(event.seq))
        hub.listen(broken)
        hub.listen(lambda event: seen[1].append(event.seq))
        queue = hub.open_reader()
        stats = hub.publish(STATS, "{}", None)
    finally:
        relay.detach()
    log_event = hub.recent(LOG, 1)[0]
    assert "a live viewer failed" in log_event.payload["message"]
    assert seen == [[stats.seq, log_event.seq], [stats.seq, log_event.seq]]
    assert list(queue._items) == [stats.wire, log_event.wire]
