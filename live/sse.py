"""A lean Server-Sent-Events response that streams one hub mailbox.

Why not ``StreamingResponse``: it cannot notice a client that went away while the stream is idle,
and it allocates a task group per request. This response runs the stream in the request's own task
plus one small task that waits for ``http.disconnect``; the moment it arrives the mailbox is closed,
the stream ends and the subscriber is forgotten. The bytes written are the hub's pre-encoded ones.

Server shutdown with streams open is bounded by uvicorn's ``timeout_graceful_shutdown`` (see
``main.py``), after which uvicorn cancels the stream's task.
"""

import asyncio
from collections.abc import Callable, Iterable

from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from .hub import Mailbox

KEEPALIVE = b": keepalive\n\n"


class EventStream(Response):
    media_type = "text/event-stream"

    def __init__(
        self,
        mailbox: Mailbox,
        *,
        first: Iterable[bytes],
        keepalive: float,
        on_close: Callable[[], None],
        retry_ms: int = 5000,
    ) -> None:
        self.status_code = 200
        self.background = None
        self.init_headers({"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
        self.mailbox = mailbox
        self.first = b"".join([f"retry: {retry_ms}\n\n".encode(), *first])
        self.keepalive = keepalive
        self.on_close = on_close

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        watcher = asyncio.create_task(self._close_on_disconnect(receive))
        try:
            await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
            await send({"type": "http.response.body", "body": self.first, "more_body": True})
            while (chunk := await self.mailbox.get(self.keepalive)) is not None:
                await send({"type": "http.response.body", "body": chunk or KEEPALIVE, "more_body": True})
            if self.mailbox.closed_because != "disconnected":
                await send({"type": "http.response.body", "body": b"", "more_body": False})
        except OSError:  # the client went away while we were writing
            pass
        finally:
            watcher.cancel()
            self.mailbox.close("disconnected")
            self.on_close()

    async def _close_on_disconnect(self, receive: Receive) -> None:
        while (await receive())["type"] != "http.disconnect":
            pass
        self.mailbox.close("disconnected")
