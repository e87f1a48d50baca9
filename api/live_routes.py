"""Routes for external programs: ``/sse/stats``, ``/api/stats``, ``/healthz`` and ``/metrics``."""

import logging
from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Query, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from live import KINDS, EventStream, History, LiveFeed, opening, reach

from .health import HealthProbe
from .policy import Caller, Need, requires

log = logging.getLogger("airdate.health")


def create_router(
    feed: LiveFeed,
    history: History,
    health: HealthProbe,
    *,
    send_timeout: float,
    metrics_public: bool = False,
) -> APIRouter:
    router = APIRouter(tags=["live"])
    hub = feed.hub
    reader = requires(Need.VIEWER, tokens=True)
    metrics_rule = requires(Need.OPEN, why="AIRDATE_METRICS_PUBLIC=true") if metrics_public else reader

    @router.get(
        "/sse/stats",
        dependencies=[reader],
        response_class=EventStream,
        status_code=200,
        summary="Live stats, notifications and logs (Server-Sent Events)",
    )
    async def sse_stats(
        caller: Caller,
        events: Annotated[str | None, Query(description="comma-separated: stats,notification,log")] = None,
        last_event_id: Annotated[str | None, Query(description="resume after this event id")] = None,
        last_event_id_header: Annotated[str | None, Header(alias="Last-Event-ID")] = None,
    ) -> EventStream:
        kinds = parse_kinds(events)
        if feed.current is None:
            await feed.refresh()
        resume_from = last_event_id_header if last_event_id_header is not None else last_event_id
        await reach(feed, resume_from)
        queue = hub.open_reader(kinds, owner=caller)  # first: see live.resume
        try:
            first = await opening(feed, history, resume_from, kinds)
        except BaseException:
            hub.close_reader(queue)
            raise
        return EventStream(
            queue,
            first=first,
            send_timeout=send_timeout,
            on_close=lambda: hub.close_reader(queue),
        )

    @router.get("/api/stats", dependencies=[reader], summary="The current stats snapshot")
    async def api_stats() -> JSONResponse:
        if feed.current is None:
            await feed.refresh()
        if feed.snapshot is None:
            return JSONResponse({"detail": f"stats are not available yet: {feed.error}"}, status_code=503)
        return JSONResponse(feed.snapshot.to_json(), headers={"X-Event-Id": str(feed.snapshot.id)})

    @router.get(
        "/healthz",
        dependencies=[requires(Need.OPEN, why="says only ok or unavailable")],
        summary="Liveness and database reachability (open: says only ok or unavailable)",
    )
    async def healthz() -> JSONResponse:
        problem = await health.problem()
        if problem is not None:
            log.warning("health check: the database is unavailable: %s", problem)
            return JSONResponse({"status": "unavailable"}, status_code=503)
        return JSONResponse({"status": "ok"})

    @router.get(
        "/metrics",
        dependencies=[metrics_rule],
        summary="Prometheus metrics",
        response_class=Response,
        responses={200: {"content": {CONTENT_TYPE_LATEST.split(";")[0]: {"schema": {"type": "string"}}}}},
    )
    async def metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router


def parse_kinds(events: str | None) -> frozenset[str]:
    if events is None:
        return KINDS
    kinds = frozenset(kind.strip() for kind in events.split(",") if kind.strip())
    unknown = sorted(kinds - KINDS)
    if unknown or not kinds:
        raise HTTPException(
            400,
            f"unknown event kind(s) {', '.join(map(repr, unknown)) or '(none given)'}: "
            f"choose from {', '.join(sorted(KINDS))}",
        )
    return kinds
