"""The app's outermost ASGI layers: HEAD answered like GET, the request guard, and long-lived streams
that skip the app's HTTP middleware.

NiceGUI wraps every request in three ``BaseHTTPMiddleware`` layers (request tracking, prefix
redirects, cache headers), plus a session cookie and gzip. For a page that costs nothing noticeable;
for an SSE stream that stays open for hours it costs six extra tasks and ~70 KiB per subscriber
(measured: 8 tasks and 96 KiB per idle stream with them, see ``bench/``). None of them does anything
for ``text/event-stream``, so these paths go straight to FastAPI's exception handling and router.

FastAPI routes and NiceGUI pages answer GET only, so uptime checkers that send HEAD got 405. Every
HEAD runs as a GET whose body is not sent (an event stream is told its client left once its headers
went out).
"""

import asyncio
from collections.abc import Callable

from fastapi import FastAPI
from fastapi.middleware.asyncexitstack import AsyncExitStackMiddleware
from starlette.middleware.exceptions import ExceptionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def install_outer_layers(
    app: FastAPI,
    *,
    fast_paths: frozenset[str],
    guard: Callable[[ASGIApp], ASGIApp] = lambda inner: inner,
    cors: Callable[[ASGIApp], ASGIApp] = lambda inner: inner,
) -> None:
    """HEAD as GET, then ``cors`` (a preflight needs no credentials), then ``guard`` (access control for
    every request), then the fast path or the app."""
    build = getattr(app.build_middleware_stack, "full_stack_builder", app.build_middleware_stack)

    def build_with_outer_layers() -> ASGIApp:
        full = build()
        handlers = {key: h for key, h in app.exception_handlers.items() if key not in (500, Exception)}
        direct = ExceptionMiddleware(AsyncExitStackMiddleware(app.router), handlers=handlers)

        async def dispatch(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] == "http" and scope["path"] in fast_paths:
                await direct(scope, receive, send)
            else:
                await full(scope, receive, send)

        return HeadAsGet(cors(guard(dispatch)))

    build_with_outer_layers.full_stack_builder = build  # type: ignore[attr-defined]  # re-applying never nests
    app.build_middleware_stack = build_with_outer_layers  # type: ignore[method-assign]
    app.middleware_stack = None


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
