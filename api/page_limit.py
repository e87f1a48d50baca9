"""At most a few console pages built at once; when too many wait, a quick 503 instead of a slow 500.

Building a page takes CPU on the event loop; a burst of page requests made every one of them slow,
past NiceGUI's three-second response timeout, which then answered 500 (measured: 300 `GET /`, 8 at a
time, on two cores). Here pages are built a few at a time and the rest wait their turn; when the queue
is full a browser is told to come back shortly (503 with ``Retry-After``, and a page that reloads
itself). Scripts, styles, streams and the API do not pass through here.
"""

import asyncio

from starlette.types import ASGIApp, Receive, Scope, Send

from live import metrics

from .pages import asks_for_page

BUSY_PAGE = (
    b"<!doctype html><meta charset=utf-8><meta http-equiv=refresh content=2>"
    b"<title>Airdate is busy</title><p>Airdate is busy; this page tries again in a moment.</p>"
)


class PageLimit:
    def __init__(self, app: ASGIApp, *, at_once: int = 4, waiting: int = 64, retry_after: int = 2) -> None:
        self.app = app
        self.slots = asyncio.Semaphore(at_once)
        self.waiting_limit = waiting
        self.waiting = 0
        self.retry_after = retry_after

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not asks_for_page(scope):
            await self.app(scope, receive, send)
            return
        if self.waiting >= self.waiting_limit:
            metrics.PAGES_TURNED_AWAY.inc()
            await self._busy(send)
            return
        self.waiting += 1
        try:
            await self.slots.acquire()
        finally:
            self.waiting -= 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.slots.release()

    async def _busy(self, send: Send) -> None:
        headers = [
            (b"content-type", b"text/html; charset=utf-8"),
            (b"retry-after", str(self.retry_after).encode()),
            (b"content-length", str(len(BUSY_PAGE)).encode()),
        ]
        await send({"type": "http.response.start", "status": 503, "headers": headers})
        await send({"type": "http.response.body", "body": BUSY_PAGE})
