"""The SSE readers' queues, and the one timer that tends all of them.

Each reader has a bounded queue of pre-encoded events, or, once its connection was handed over
(:mod:`live.sse`), is written to directly. Nothing here arms a timer per reader: with
10,000 readers, a keepalive timeout per wait and a send timeout per write meant 20,000 timer-heap
operations per published event, which made up most of the fan-out time (profiled with py-spy; see
``bench/fanout``). Instead one app-wide timer calls :meth:`Readers.tend`, which queues a keepalive for
readers that were idle for a keepalive period and gives up on writes that a reader has not taken for
``send_timeout`` seconds.
"""

import asyncio
import logging
import time
from asyncio import Transport
from collections.abc import Callable, Iterator
from typing import Any

KEEPALIVE = b": keepalive\n\n"
STALLED = "took nothing for too long"
DISCONNECTED = "disconnected"
END = b"0\r\n\r\n"  # the last chunk of a chunked response

log = logging.getLogger("airdate.sse")


class ReaderQueue:
    """One SSE reader's bounded queue of encoded events of the kinds it asked for.

    A reader that falls more than ``limit`` events behind is closed rather than buffered without
    bound; it reconnects and resumes from its last event id.

    Once its response has started, a stream is usually *direct* (:meth:`go_direct`): the server's HTTP
    protocol hands over the connection's transport, and from then on every event is written straight
    to it as the one HTTP chunk all readers share, with no task, future or queue per reader. The
    transport's own flow control bounds it: while the transport is paused (the client is not taking
    what was written), ``limit`` more events are accepted, then the stream is closed; a transport
    paused for ``send_timeout`` seconds is aborted by :meth:`Readers.tend`.
    """

    __slots__ = (
        "_items",
        "_limit",
        "_release",
        "_waiter",
        "behind",
        "closed_because",
        "kinds",
        "last_put",
        "owner",
        "transport",
        "writer",
        "writing_since",
    )

    def __init__(self, limit: int, kinds: frozenset[str], owner: Any = None) -> None:
        self._items: list[bytes] = []
        self._limit = limit
        self._waiter: asyncio.Future | None = None
        self._release: Callable[[], None] | None = None
        self.kinds = kinds
        self.owner = owner  # whose credentials opened it (closed when they are revoked)
        self.closed_because: str | None = None
        self.last_put = time.monotonic()
        self.writer: asyncio.Task | None = None  # the task that writes this queue to its client
        self.transport: Transport | None = None  # once direct: where events are written
        self.writing_since: float | None = None  # set while a write waits for the client
        self.behind = 0  # events written to a direct transport while it was paused

    @property
    def closed(self) -> bool:
        return self.closed_because is not None

    def put(self, chunk: bytes, framed: bytes | None = None, now: float | None = None) -> bool:
        """Queue a chunk (``framed``: the same as one HTTP chunk); False if the queue is (now) closed."""
        if self.closed:
            return False
        now = time.monotonic() if now is None else now
        if self.transport is not None:
            if self.transport.is_closing():  # (connection_lost follows)
                self.close(DISCONNECTED)
                return False
            if self.writing_since is not None:
                self.behind += 1
                if self.behind > self._limit:
                    self.close("fell behind")
                    return False
            self.transport.write(framed if framed is not None else frame(chunk))
            self.last_put = now
            return True
        if len(self._items) >= self._limit:
            self.close("fell behind")
            return False
        self._items.append(chunk)
        self.last_put = now
        self._wake()
        return True

    def close(self, reason: str) -> None:
        if self.closed:
            return
        self.closed_because = reason
        self._items.clear()
        self._wake()
        transport = self.transport
        if transport is not None:
            if reason == STALLED:
                transport.abort()
            elif reason != DISCONNECTED and not transport.is_closing():
                transport.write(END)  # the response ends after what the client has yet to take
                transport.close()
            release, self._release = self._release, None
            if release is not None:
                release()

    def go_direct(self, transport: Transport, first: bytes, release: Callable[[], None]) -> None:
        """Write ``first``, what was queued meanwhile and every later event straight to ``transport``
        (a chunked HTTP response whose headers are sent); ``release`` forgets the stream once closed."""
        self.transport, self._release = transport, release
        pending = b"".join([first, *self._items])
        self._items.clear()
        if pending:
            transport.write(frame(pending))
        if self.closed:  # (before the hand-over: it ends now, as the queue would have)
            reason, self.closed_because = self.closed_because, None
            self.close(reason)

    # The transport's protocol calls these once the stream is direct.
    def pause_writing(self) -> None:
        self.writing_since = time.monotonic()

    def resume_writing(self) -> None:
        self.writing_since, self.behind = None, 0

    def connection_lost(self) -> None:
        self.writing_since = None
        self.close(DISCONNECTED)

    def shutdown(self) -> None:
        self.close("server stopping")

    async def get(self) -> bytes | None:
        """Everything queued, as one chunk (waiting for some); None once closed."""
        while not self._items and not self.closed:
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        if self.closed:
            return None
        chunk = b"".join(self._items)
        self._items.clear()
        return chunk

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)


def frame(chunk: bytes) -> bytes:
    """``chunk`` as one chunk of a chunked HTTP/1.1 response body."""
    return b"%x\r\n%s\r\n" % (len(chunk), chunk)


class Readers:
    """Every open reader queue: delivery to all of them, and their keepalives and stalls."""

    def __init__(self, limit: int = 256, *, keepalive: float = 15.0, send_timeout: float = 30.0) -> None:
        self.limit = limit
        self.keepalive = keepalive
        self.send_timeout = send_timeout
        self._queues: set[ReaderQueue] = set()
        self._leaving: set[ReaderQueue] = set()  # closed, but their writer may still be stuck in a write
        self._owned: set[ReaderQueue] = set()  # opened with credentials (which may stop holding)

    def __len__(self) -> int:
        return len(self._queues)

    def __iter__(self) -> Iterator[ReaderQueue]:
        return iter(list(self._queues))

    def open(self, kinds: frozenset[str], owner: Any = None) -> ReaderQueue:
        queue = ReaderQueue(self.limit, kinds, owner)
        self._queues.add(queue)
        if owner is not None:
            self._owned.add(queue)
        return queue

    def owned(self) -> list[ReaderQueue]:
        """The open queues opened with credentials (which may stop holding)."""
        return list(self._owned)

    def close(self, queue: ReaderQueue, reason: str | None = None) -> None:
        if reason is not None:
            queue.close(reason)
        self._forget(queue)

    def deliver(self, kind: str, wire: bytes) -> None:
        framed, now = frame(wire), time.monotonic()  # one chunk for every direct reader
        for queue in list(self._queues):
            if kind in queue.kinds and not queue.put(wire, framed, now):
                self._forget(queue)

    def close_all(self, reason: str) -> None:
        for queue in list(self._queues):
            queue.close(reason)
            self._forget(queue)

    @property
    def tend_interval(self) -> float:
        """How often :meth:`tend` should run: a keepalive goes out at most this late, so at most a
        second (it was half the keepalive period: an idle stream's first keepalive came after ~22 s
        instead of 15). One pass over the queues a second costs ~1 ms per 10,000 readers."""
        return max(0.05, min(1.0, self.keepalive / 4, self.send_timeout / 2))

    def tend(self) -> None:
        """Keepalive for readers idle for a keepalive period; give up on writes stalled too long."""
        now = time.monotonic()
        quiet_since, stalled_since = now - self.keepalive, now - self.send_timeout
        for queue in [*self._queues, *self._leaving]:
            since = queue.writing_since
            stalled = since is not None and since < stalled_since
            if stalled and (queue.transport is not None or queue.writer is not None):
                queue.closed_because = None  # whatever closed it before: this is why it ends now
                queue.close(STALLED)  # a direct stream's connection is aborted (and the stream forgotten)
                self._queues.discard(queue)
                self._leaving.discard(queue)
                if queue.writer is not None:
                    queue.writer.cancel()  # the writer turns this into ReaderTooSlow
                else:
                    log.warning("dropped an SSE reader that took nothing for %g s", self.send_timeout)
            elif queue in self._leaving:
                if since is None:
                    self._leaving.discard(queue)
            elif queue.last_put < quiet_since:
                queue.put(KEEPALIVE, FRAMED_KEEPALIVE, now)

    def _forget(self, queue: ReaderQueue) -> None:
        self._queues.discard(queue)
        self._owned.discard(queue)
        if queue.writing_since is not None:
            self._leaving.add(queue)


FRAMED_KEEPALIVE = frame(KEEPALIVE)
