"""The hub every live viewer subscribes to: one id sequence, events encoded once, bounded mailboxes.

An event is turned into Server-Sent-Events bytes once, when it is published; every SSE reader gets
that same ``bytes`` object. In-process viewers (NiceGUI pages) register a callback instead and
receive the event object itself.
"""

import asyncio
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

STATS = "stats"  # sent as the default "message" event, as the seed's onmessage handler expects


@dataclass(frozen=True, slots=True)
class Event:
    id: int
    kind: str
    data: str  # JSON text
    payload: Any = field(compare=False)  # the Python object the JSON was made from
    wire: bytes = field(compare=False, repr=False)


def encode(event_id: int, kind: str, data: str) -> bytes:
    name = "" if kind == STATS else f"event: {kind}\n"
    return f"id: {event_id}\n{name}data: {data}\n\n".encode()


class Mailbox:
    """One SSE reader's bounded queue of encoded events.

    A reader that falls more than ``limit`` events behind is closed rather than buffered without
    bound; it reconnects and resumes from its last event id.
    """

    __slots__ = ("_items", "_limit", "_wakeup", "closed_because")

    def __init__(self, limit: int) -> None:
        self._items: deque[bytes] = deque()
        self._limit = limit
        self._wakeup = asyncio.Event()
        self.closed_because: str | None = None

    @property
    def closed(self) -> bool:
        return self.closed_because is not None

    def put(self, chunk: bytes) -> None:
        if self.closed:
            return
        if len(self._items) >= self._limit:
            self.close("fell behind")
            return
        self._items.append(chunk)
        self._wakeup.set()

    def close(self, reason: str) -> None:
        if not self.closed:
            self.closed_because = reason
            self._items.clear()
            self._wakeup.set()

    async def get(self, idle: float) -> bytes | None:
        """The next chunk; b"" after ``idle`` seconds without one; None once closed."""
        if not self._items and not self.closed:
            self._wakeup.clear()
            try:
                async with asyncio.timeout(idle):
                    await self._wakeup.wait()
            except TimeoutError:
                return b""
        if self.closed:
            return None
        return self._items.popleft()


Listener = Callable[[Event], None]


class Hub:
    def __init__(self, mailbox_size: int = 256) -> None:
        self.mailbox_size = mailbox_size
        self._last_id = 0
        self._mailboxes: set[Mailbox] = set()
        self._listeners: list[Listener] = []

    @property
    def last_id(self) -> int:
        return self._last_id

    @property
    def mailbox_count(self) -> int:
        return len(self._mailboxes)

    @property
    def listener_count(self) -> int:
        return len(self._listeners)

    def publish(self, kind: str, data: str, payload: Any = None) -> Event:
        self._last_id += 1
        event = Event(self._last_id, kind, data, payload, encode(self._last_id, kind, data))
        for mailbox in list(self._mailboxes):
            mailbox.put(event.wire)
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:
                log.exception("a live viewer failed to take event %s", event.id)
        return event

    def open_mailbox(self) -> Mailbox:
        mailbox = Mailbox(self.mailbox_size)
        self._mailboxes.add(mailbox)
        return mailbox

    def close_mailbox(self, mailbox: Mailbox) -> None:
        self._mailboxes.discard(mailbox)

    def listen(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener`` with every event from now on; returns the function that stops it."""
        self._listeners.append(listener)

        def stop() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return stop

    def close_all(self, reason: str) -> None:
        for mailbox in list(self._mailboxes):
            mailbox.close(reason)
