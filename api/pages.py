"""The one answer to "is this request a person's browser asking for a page?" (the guard sends such a
request to the sign-in form instead of a 401, the page gate queues it, the 404 handler draws a page)."""

from starlette.types import Scope

PROGRAM_PATHS = ("/_nicegui", "/api/", "/sse/", "/webhooks/", "/metrics", "/healthz", "/openapi", "/demo/")


def wants_page(method: str, path: str, accept: str) -> bool:
    """A GET (or HEAD) that accepts HTML, for a path that is not a program's (API, stream, webhook,
    metrics, NiceGUI's own files): what a browser's address bar or link sends."""
    return method in ("GET", "HEAD") and "text/html" in accept and not path.startswith(PROGRAM_PATHS)


def asks_for_page(scope: Scope) -> bool:
    """:func:`wants_page` for an ASGI request scope (a websocket or lifespan scope is no page request);
    every ``Accept`` header counts."""
    if scope["type"] != "http":
        return False
    accept = b",".join(value for name, value in scope["headers"] if name == b"accept").decode("latin-1")
    return wants_page(scope["method"], scope["path"], accept)
