"""Let long-lived streams skip the app's HTTP middleware.

NiceGUI wraps every request in three ``BaseHTTPMiddleware`` layers (request tracking, prefix
redirects, cache headers), plus a session cookie and gzip. For a page that costs nothing noticeable;
for an SSE stream that stays open for hours it costs six extra tasks and ~70 KiB per subscriber
(measured: 8 tasks and 96 KiB per idle stream with them, see ``bench/``). None of them does anything
for ``text/event-stream``, so these paths go straight to FastAPI's exception handling and router.
"""

from fastapi import FastAPI
from fastapi.middleware.asyncexitstack import AsyncExitStackMiddleware
from starlette.middleware.exceptions import ExceptionMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send


def serve_without_middleware(app: FastAPI, paths: frozenset[str]) -> None:
    build = getattr(app.build_middleware_stack, "full_stack_builder", app.build_middleware_stack)

    def build_with_fast_path() -> ASGIApp:
        full = build()
        handlers = {key: h for key, h in app.exception_handlers.items() if key not in (500, Exception)}
        direct = ExceptionMiddleware(AsyncExitStackMiddleware(app.router), handlers=handlers)

        async def dispatch(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] == "http" and scope["path"] in paths:
                await direct(scope, receive, send)
            else:
                await full(scope, receive, send)

        return dispatch

    build_with_fast_path.full_stack_builder = build  # type: ignore[attr-defined]  # re-applying never nests
    app.build_middleware_stack = build_with_fast_path  # type: ignore[method-assign]
    app.middleware_stack = None
