"""Cross-origin reading for pages on other sites: ``AIRDATE_CORS_ORIGINS`` (exact origins) may read the
stream and the read API from the browser, with an API token (``?access_token=`` for EventSource, or an
``Authorization`` header after a preflight). Starlette's CORSMiddleware does the protocol; this only
decides which paths it covers.

Deliberately narrow: only the read paths below, only GET, and never with the browser's own credentials
(``Access-Control-Allow-Credentials`` is never sent, so a cookie session is never used cross-origin:
another site's page gets exactly what its token may have). Everything else stays same-origin.
"""

from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

READ_PATHS = ("/sse/stats", "/api/stats", "/api/jobs/", "/openapi.json")


class CrossOriginReads:
    def __init__(self, app: ASGIApp, origins: list[str]) -> None:
        self.app = app
        self.cors = CORSMiddleware(
            app,
            allow_origins=origins,
            allow_methods=["GET"],
            allow_headers=["Authorization", "Last-Event-ID", "Cache-Control"],
            allow_credentials=False,
            expose_headers=["X-Event-Id"],
            max_age=600,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(READ_PATHS):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)
