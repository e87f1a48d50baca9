"""The one answer to "is this request a person's browser asking for a page?" (the guard sends such a
request to the sign-in form instead of a 401, the page gate queues it, the 404 handler draws a page)."""

PROGRAM_PATHS = ("/_nicegui", "/api/", "/sse/", "/webhooks/", "/metrics", "/healthz", "/openapi", "/demo/")


def wants_page(method: str, path: str, accept: str) -> bool:
    """A GET (or HEAD) that accepts HTML, for a path that is not a program's (API, stream, webhook,
    metrics, NiceGUI's own files): what a browser's address bar or link sends."""
    return method in ("GET", "HEAD") and "text/html" in accept and not path.startswith(PROGRAM_PATHS)
