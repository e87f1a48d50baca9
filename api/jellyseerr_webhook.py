"""``POST /webhooks/jellyseerr``: Jellyseerr's (or Overseerr's) webhook agent, so that a request is
tracked the moment it is approved instead of at the next scheduled sync.

Jellyseerr sends its default JSON template (``notification_type``, ``media``, ``request``, …) with the
*Authorization Header* set in its webhook settings; that header carries an Airdate admin API token
(``Bearer …``), so the route is closed like every other one and needs nothing of its own. The payload
only says which request changed: Airdate then reads that request from Jellyseerr's API, so what it stores
is exactly what a sync would store.
"""

import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, ValidationError

from data import Database
from services.actions import Upstreams
from services.jellyseerr import track_request
from services.upstream import UpstreamError

from .bodies import BODY_PROBLEMS, inline_schema, read_json
from .policy import Need, requires

log = logging.getLogger("airdate.webhooks")

REQUEST_EVENTS = {  # server/lib/notifications/index.ts: the events about one request
    "MEDIA_PENDING",
    "MEDIA_APPROVED",
    "MEDIA_AUTO_APPROVED",
    "MEDIA_AUTO_REQUESTED",
    "MEDIA_AVAILABLE",
    "MEDIA_DECLINED",
    "MEDIA_FAILED",
}


class RequestPart(BaseModel):
    model_config = ConfigDict(extra="allow")
    request_id: int  # Jellyseerr sends it as text ("42"); pydantic reads either


class JellyseerrHook(BaseModel):
    """The fields of Jellyseerr's default webhook template that Airdate reads (others are ignored)."""

    model_config = ConfigDict(extra="allow")
    notification_type: str
    subject: str = ""
    request: RequestPart | None = None


def create_router(database: Database, upstreams: Upstreams) -> APIRouter:
    router = APIRouter(tags=["webhooks"])

    @router.post(
        "/webhooks/jellyseerr",
        dependencies=[requires(Need.ADMIN, tokens=True)],
        summary="Jellyseerr's webhook agent (request approved / available / declined; the Test button too)",
        responses=BODY_PROBLEMS,
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": inline_schema(JellyseerrHook)}},
            }
        },
    )
    async def jellyseerr_webhook(request: Request) -> JSONResponse:
        try:
            hook = JellyseerrHook.model_validate(await read_json(request))
        except ValidationError as error:
            problem = error.errors()[0]
            where = ".".join(str(part) for part in problem["loc"]) or "body"
            return JSONResponse({"detail": f"malformed Jellyseerr payload: {where}: {problem['msg']}"}, 422)
        if hook.notification_type == "TEST_NOTIFICATION":
            log.info("Jellyseerr's test webhook arrived")
            return JSONResponse({"status": "ok", "message": "Airdate received Jellyseerr's test"})
        if hook.notification_type not in REQUEST_EVENTS:
            return JSONResponse({"status": "ignored", "notification_type": hook.notification_type})
        if hook.request is None:
            return JSONResponse({"detail": f"a {hook.notification_type} event needs request.request_id"}, 422)
        if not upstreams.jellyseerr_url:
            return JSONResponse({"detail": "Jellyseerr is not configured: set AIRDATE_JELLYSEERR_URL"}, 409)
        try:
            async with upstreams.jellyseerr() as jellyseerr:
                outcome = await track_request(database, jellyseerr, hook.request.request_id)
        except UpstreamError as error:
            log.warning("Jellyseerr webhook: reading request %s failed: %s", hook.request.request_id, error)
            return JSONResponse({"detail": f"could not read the request from Jellyseerr: {error}"}, 502)
        log.info("Jellyseerr: request %s %s (%s)", hook.request.request_id, outcome, hook.notification_type)
        return JSONResponse({"status": "ok", "request": outcome})

    return router
