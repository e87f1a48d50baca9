"""Routes for external programs: ``/sse/stats``, ``/api/stats``, ``/healthz`` and ``/metrics``."""

import asyncio

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from data import Database
from live import EventStream, StatsFeed

HEALTH_TIMEOUT = 5.0  # seconds; a health check must answer even when the database does not


def create_router(database: Database, feed: StatsFeed, *, keepalive: float) -> APIRouter:
    router = APIRouter()
    hub = feed.hub

    @router.get("/sse/stats", response_class=EventStream, summary="Live stats as Server-Sent Events")
    async def sse_stats() -> EventStream:
        if feed.current is None:
            await feed.refresh()
        mailbox = hub.open_mailbox()
        first = [feed.current.wire] if feed.current else []
        return EventStream(
            mailbox, first=first, keepalive=keepalive, on_close=lambda: hub.close_mailbox(mailbox)
        )

    @router.get("/api/stats", summary="The current stats snapshot")
    async def api_stats() -> JSONResponse:
        if feed.current is None:
            await feed.refresh()
        if feed.snapshot is None:
            return JSONResponse({"detail": f"stats are not available yet: {feed.error}"}, status_code=503)
        return JSONResponse(feed.snapshot.to_json(), headers={"X-Event-Id": str(feed.snapshot.id)})

    @router.get("/healthz", summary="Liveness and database reachability")
    async def healthz() -> JSONResponse:
        try:
            await asyncio.wait_for(asyncio.to_thread(database.ping), HEALTH_TIMEOUT)
        except TimeoutError:
            reason = f"no answer within {HEALTH_TIMEOUT:g} s"
            return JSONResponse({"status": "unhealthy", "database": reason}, status_code=503)
        except Exception as error:
            reason = str(getattr(error, "orig", None) or error).splitlines()[0]
            return JSONResponse({"status": "unhealthy", "database": reason}, status_code=503)
        return JSONResponse({"status": "ok", "database": "ok"})

    @router.get("/metrics", summary="Prometheus metrics")
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router
