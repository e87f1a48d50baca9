"""The hub every live viewer subscribes to: events encoded once, in one order, to bounded queues.

An event is turned into Server-Sent-Events bytes once, when it is published; every SSE reader gets
that same ``bytes`` object. In-process viewers (NiceGUI pages) register a callback instead and
receive the event object itself.

An event has two numbers. ``seq`` is this process's order of publication (consecutive, for the pages
it serves). ``id`` is what SSE clients see and resume from, and means the same on every replica: the
database change-log id of a notification change, or for a stats snapshot the change-log id it is
current to; log lines have none. The hub remembers the most recent events (a bounded window, by count
and by age) and knows after which id that window is complete, so :func:`live.resume.opening` can tell
whether a resuming reader can be served from memory or must be served from the database.
"""

import asyncio
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from data.listeners import Listeners

from . import metrics
from .readers import ReaderQueue, Readers

log = logging.getLogger("airdate.hub")

STATS = "stats"  # sent as the default "message" event, as the seed's onmessage handler expects
NOTIFICATION = "notification"
LOG = "log"
KINDS = frozenset({STATS, NOTIFICATION, LOG})


@dataclass(frozen=True, slots=True)
class Event:
    seq: int  # this process's publication order
    id: int | None  # the cluster-wide id on the wire (see above); None for log lines
    kind: str
    data: str  # JSON text
    payload: Any = field(compare=False)  # the Python object the JSON was made from
    wire: bytes = field(compare=False, repr=False)
    at: float = field(compare=False, default=0.0)  # time.monotonic() when published


def encode(event_id: int | None, kind: str, data: str) -> bytes:
    line_id = "" if event_id is None else f"id: {event_id}\n"
    name = "" if kind == STATS else f"event: {kind}\n"
    return f"{line_id}{name}data: {data}\n\n".encode()


Listener = Callable[[Event], None]


class Hub:
    def __init__(
        self,
        queue_size: int = 256,
        replay_events: int = 1000,
        replay_seconds: float = 900,
        *,
        keepalive: float = 15.0,
        send_timeout: float = 30.0,
    ) -> None:
        self.queue_size = queue_size
        self.replay_seconds = replay_seconds
        self.readers = Readers(queue_size, keepalive=keepalive, send_timeout=send_timeout)
        self.replay_events = replay_events
        self._last_seq = 0
        self._last_id = 0  # the newest cluster-wide id published (or the one the feed started after)
        self._complete_after = 0  # the window holds every id-carrying event after this id
        self._recent: deque[Event] = deque()
        self._listeners: Listeners[[Event]] = Listeners(
            log, lambda event: f"a live viewer failed to take event {event.id}"
        )
        self._viewers: set[Listener] = set()
        self._undelivered: deque[Event] = deque()
        self._delivering = False

    @property
    def last_seq(self) -> int:
        return self._last_seq

    @property
    def last_id(self) -> int:
        return self._last_id

    @property
    def complete_after(self) -> int:
        """Every id-carrying event after this id is in the window (older ones are in the database)."""
        self._forget_old()
        return self._complete_after

    def start_after(self, event_id: int) -> None:
        """Ids continue after ``event_id`` (the change log's newest id when the feed starts)."""
        self._last_id = max(self._last_id, event_id)
        self._complete_after = max(self._complete_after, event_id)

    @property
    def reader_count(self) -> int:
        return len(self.readers)

    @property
    def viewer_count(self) -> int:
        """Listeners that are pages somebody looks at (not Airdate's own bookkeeping)."""
        return len(self._viewers)

    def publish(self, kind: str, data: str, payload: Any = None, event_id: int | None = None) -> Event:
        """Deliver the event to every reader and listener, in the order of publication.

        An event published *during* a delivery (a listener that logs, and the log relay publishing
        that line) waits until the current event has reached everybody: every viewer sees events
        in seq order, and none is skipped as "older than what I have".
        """
        self._last_seq += 1
        if event_id is not None:
            self._last_id = max(self._last_id, event_id)
        metrics.EVENTS_PUBLISHED.inc()
        wire = encode(event_id, kind, data)
        event = Event(self._last_seq, event_id, kind, data, payload, wire, time.monotonic())
        self._recent.append(event)
        if len(self._recent) > self.replay_events:
            self._forget(self._recent.popleft())
        self._undelivered.append(event)
        if not self._delivering:
            self._delivering = True
            try:
                while self._undelivered:
                    self._deliver(self._undelivered.popleft())
            finally:
                self._delivering = False
        return event

    def _deliver(self, event: Event) -> None:
        self.readers.deliver(event.kind, event.wire)
        self._listeners.notify(event)

    async def publish_all(self, items: list[tuple[str, str, Any, int | None]]) -> None:
        """Publish many (kind, data, payload, id) events, letting readers drain between slices so a burst
        is no backlog."""
        step = max(1, self.queue_size // 4)
        for start in range(0, len(items), step):
            for kind, data, payload, event_id in items[start : start + step]:
                self.publish(kind, data, payload, event_id)
            if start + step < len(items):
                await asyncio.sleep(0)

    def events_since(self, seq: int) -> list[Event] | None:
        """Every remembered event published after ``seq``, oldest first; None if the window lost some."""
        self._forget_old()
        if seq >= self._last_seq:
            return []
        if not self._recent or seq < self._recent[0].seq - 1:
            return None  # older than the window
        start = seq - self._recent[0].seq + 1  # seqs are consecutive within the window
        return [self._recent[i] for i in range(start, len(self._recent))]

    def window(self) -> tuple[int, list[Event]]:
        """The window, oldest first, and the id after which it is complete (taken at one moment)."""
        self._forget_old()
        return self._complete_after, list(self._recent)

    def recent(self, kind: str, limit: int) -> list[Event]:
        """The newest remembered events of one kind, oldest first."""
        self._forget_old()
        found: list[Event] = []
        for event in reversed(self._recent):
            if event.kind == kind:
                found.append(event)
                if len(found) == limit:
                    break
        return found[::-1]

    def open_reader(self, kinds: frozenset[str] = KINDS, owner: Any = None) -> ReaderQueue:
        return self.readers.open(kinds, owner)

    def close_reader(self, queue: ReaderQueue, reason: str | None = None) -> None:
        self.readers.close(queue, reason)

    def listen(self, listener: Listener, *, viewer: bool = True) -> Callable[[], None]:
        """Call ``listener`` with every event from now on; returns the function that stops it."""
        self._listeners.add(listener)
        if viewer:
            self._viewers.add(listener)

        def stop() -> None:
            self._listeners.remove(listener)
            self._viewers.discard(listener)

        return stop

    def close_all(self, reason: str) -> None:
        self.readers.close_all(reason)

    def _forget_old(self) -> None:
        horizon = time.monotonic() - self.replay_seconds
        while self._recent and self._recent[0].at < horizon:
            self._forget(self._recent.popleft())

    def _forget(self, event: Event) -> None:
        if event.id is not None:
            self._complete_after = max(self._complete_after, event.id)
