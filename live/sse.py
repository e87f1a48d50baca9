"""A lean Server-Sent-Events response that streams one hub queue (what it starts with: :mod:`live.resume`).

Why not ``StreamingResponse``: it cannot notice a client that went away while the stream is idle,
and it allocates a task group per request.

Once the headers are out, the response asks the server's HTTP protocol for the connection
(``scope["extensions"][HAND_OVER]``, offered by ``http_streams.py``). Given it, the stream becomes
*direct* (:meth:`live.readers.ReaderQueue.go_direct`): the hub writes every event's one shared chunk
straight to the transport, and this ASGI call returns at once, so a reader holds no task, coroutine
chain or queue of its own (measured at 10,000 readers: ~29 KiB → ~6 KiB each, and half the CPU per
event; ``bench/fanout``). The transport's flow control bounds a slow reader; the hub's one timer
aborts a stalled one.

Not given it (another server, a HEAD request): the events are written from one small task while
the request's own task waits for ``http.disconnect``; the moment it arrives the queue is closed, the
stream ends and the subscriber is forgotten. A reader that stops reading cannot hold the server's
memory: its queue is bounded, and a write that the client has not taken within ``send_timeout``
seconds is given up by the hub's one timer, which aborts the connection. No timer is armed per write
or per wait.

A stopping server ends every stream at once (the hub closes them on SIGTERM: see
``nicegui_workarounds.close_streams_when_stopping``); uvicorn's ``timeout_graceful_shutdown`` bounds
the rest, after which it cancels the stream's task.
"""

import asyncio
import logging
import time
from collections.abc import Callable, Iterable

from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send

from .readers import STALLED, ReaderQueue

HAND_OVER = "airdate.hand_over"  # the server protocol's offer of the connection (http_streams.py)

log = logging.getLogger("airdate.sse")


class ReaderTooSlow(Exception):
    """The client took no data for too long; the connection is dropped (it may resume)."""


class EventStream(Response):
    media_type = "text/event-stream"

    def __init__(
        self,
        queue: ReaderQueue,
        *,
        first: Iterable[bytes],
        on_close: Callable[[], None],
        send_timeout: float = 30.0,
        retry_ms: int = 5000,
    ) -> None:
        self.status_code = 200
        self.background = None
        self.init_headers({"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
        self.queue = queue
        self.first = b"".join([f"retry: {retry_ms}\n\n".encode(), *first])
        self.send_timeout = send_timeout  # (for the log line; the hub enforces it)
        self.on_close = on_close

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Headers here, then the events in a task of their own, while this one waits for the client
        to leave.

        Why a second task: this coroutine sits below the front door's and routing layers, and a
        task is resumed from its outermost frame down. An event written from here would wake all
        those frames, for every reader; from a task of its own it wakes two (measured: the whole
        fan-out to 10,000 readers took about a third less time, see ``bench/fanout``).
        """
        await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
        hand_over = scope.get("extensions", {}).get(HAND_OVER)
        transport = hand_over(self.queue) if hand_over is not None else None
        if transport is not None:  # from now on the hub writes to the connection itself
            self.queue.go_direct(transport, self.first, self.on_close)
            return
        here = asyncio.current_task()
        pump = asyncio.create_task(self._pump(send, here))
        self.queue.writer = pump
        try:
            while (await receive())["type"] != "http.disconnect":
                pass  # also returns once the pump finished the response
        except asyncio.CancelledError:
            stalled = pump.done() and not pump.cancelled() and isinstance(pump.exception(), ReaderTooSlow)
            if not stalled or here is None:
                raise
            here.uncancel()
            raise ReaderTooSlow from None
        finally:
            self.queue.close("disconnected")
            self.on_close()

    async def _pump(self, send: Send, request_task: asyncio.Task | None) -> None:
        try:
            await self._send(send, self.first)
            while (chunk := await self.queue.get()) is not None:
                await self._send(send, chunk)
            if self.queue.closed_because != "disconnected":
                await self._send(send, b"", more=False)
        except OSError:  # the client went away while we were writing
            pass
        except ReaderTooSlow:
            if request_task is not None:
                request_task.cancel()  # it is waiting for the client, which will not come back
            raise

    async def _send(self, send: Send, body: bytes, *, more: bool = True) -> None:
        message: Message = {"type": "http.response.body", "body": body, "more_body": more}
        queue = self.queue
        queue.writing_since = time.monotonic()  # the hub's timer gives up on it if it stalls
        try:
            await send(message)
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if queue.closed_because != STALLED or task is None:
                raise
            task.uncancel()
            log.warning("dropped an SSE reader that took nothing for %g s", self.send_timeout)
            raise ReaderTooSlow from None
        finally:
            queue.writing_since = None


def hide_slow_reader_tracebacks() -> None:
    """Install the filter below on uvicorn's error logger, once."""
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, HideSlowReaderTraceback) for f in logger.filters):
        logger.addFilter(HideSlowReaderTraceback())


class HideSlowReaderTraceback(logging.Filter):
    """uvicorn logs an app's exception with a traceback; for a dropped slow reader we logged a line."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not _caused_by_slow_reader(record.exc_info[1] if record.exc_info else None)


def _caused_by_slow_reader(error: BaseException | None) -> bool:
    """Whether ``error`` or anything in its cause/context chain or groups is a ReaderTooSlow.

    Iterative, with a guard against cycles (``__context__`` chains can loop, and a RecursionError's
    chain can be as deep as the stack that raised it)."""
    pending, seen = [error], set()
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, ReaderTooSlow):
            return True
        if isinstance(current, BaseExceptionGroup):
            pending.extend(current.exceptions)
        pending.extend((current.__cause__, current.__context__))
    return False
