"""The app's front door: one small ASGI router every request passes before anything else.

In order: HEAD is answered like GET (without the body), then cross-origin reads (when configured),
then the guard (access control, for every path), then the routing:

- the stream paths (``/sse/...``) go to a small FastAPI app of their own. NiceGUI wraps every request
  in three ``BaseHTTPMiddleware`` layers (request tracking, prefix redirects, cache headers), a session
  cookie and gzip; for a page that costs nothing noticeable, for an SSE stream that stays open for hours
  it cost six extra tasks and ~70 KiB per subscriber (measured: 8 tasks and 96 KiB per idle stream with
  them, see ``bench/``), and none of them does anything for ``text/event-stream``;
- everything else (pages, the API, NiceGUI's files and websocket, the lifespan) goes to NiceGUI's app,
  with its middleware.

A stream's events pass the ``send`` of every layer above it: the guard's are plain functions, FastAPI's
three (error pages, exception handlers, the route) coroutines — about 0.9 µs per event and reader more
than the server's own ``send`` (measured in-process): about 5 % of the fan-out's CPU at 10,000 readers
(estimated from ``bench/fanout``'s 178 ms per event). An idle stream costs its two tasks either way.

FastAPI routes and NiceGUI pages answer GET only, so uptime checkers that send HEAD got 405. Every
HEAD runs as a GET whose body is not sent (an event stream is told its client left once its headers
went out).

Only public ASGI here. How this router gets in front of NiceGUI's app (which ``ui.run`` hands to
uvicorn itself) is the one workaround: ``nicegui_workarounds.put_in_front``.
"""

import asyncio
from collections.abc import Callable

from fastapi import APIRouter, FastAPI
from starlette.types import ASGIApp, Message, Receive, Scope, Send

STREAM_PREFIX = "/sse/"
Layer = Callable[[ASGIApp], ASGIApp]


def _unchanged(inner: ASGIApp) -> ASGIApp:
    return inner


class Front:
    def __init__(
        self, app: ASGIApp, streams: APIRouter, *, guard: Layer = _unchanged, cors: Layer = _unchanged
    ) -> None:
        """``app``: NiceGUI's app (with its middleware); ``streams``: a router whose ``/sse/`` routes are
        served here, by an app of their own; ``guard`` and ``cors`` wrap both."""
        self.app = app
        self.stream_paths = frozenset(
            path for route in streams.routes if (path := getattr(route, "path", "")).startswith(STREAM_PREFIX)
        )
        self.streams = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
        self.streams.include_router(streams)
        self.entry = HeadAsGet(cors(guard(self._route)))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.entry(scope, receive, send)

    async def _route(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] in self.stream_paths:
            await self.streams(scope, receive, send)
        else:
            await self.app(scope, receive, send)


class HeadAsGet:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return
        ended = asyncio.Event()

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.start":
                await send(message)
            elif message["type"] == "http.response.body" and not ended.is_set():
                ended.set()
                await send({"type": "http.response.body", "body": b"", "more_body": False})

        async def disconnect_once_ended() -> Message:
            """An endless response (an event stream) learns that its client is gone once the headers went."""
            if ended.is_set():
                return {"type": "http.disconnect"}
            incoming, stop = asyncio.ensure_future(receive()), asyncio.ensure_future(ended.wait())
            await asyncio.wait({incoming, stop}, return_when=asyncio.FIRST_COMPLETED)
            stop.cancel()
            if incoming.done():
                return incoming.result()
            incoming.cancel()
            return {"type": "http.disconnect"}

        await self.app({**scope, "method": "GET"}, disconnect_once_ended, headers_only)
