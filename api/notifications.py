"""``POST /api/notifications/{id}/retry``: one failed notification back to pending (admins)."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Path
from fastapi.responses import JSONResponse

from data import Database
from data.models import NotificationStatus
from services.requeue import NotRetryable, retry_one

from .policy import Caller, Need, requires, who

NotificationId = Annotated[int, Path(ge=1, le=2**63 - 1, description="the notification's id")]


def create_router(database: Database) -> APIRouter:
    router = APIRouter(tags=["notifications"])

    @router.post(
        "/api/notifications/{notification_id}/retry",
        dependencies=[requires(Need.ADMIN, tokens=True)],
        summary="Put a failed notification back to pending; the mailer's next round sends it",
        responses={404: {"description": "no such notification"}, 409: {"description": "not failed"}},
    )
    async def retry(notification_id: NotificationId, caller: Caller) -> JSONResponse:
        by = who(caller)
        try:
            await retry_one(database, notification_id, by=by)
        except NotRetryable as refused:
            raise HTTPException(404 if refused.status is None else 409, str(refused)) from None
        return JSONResponse({"id": notification_id, "status": NotificationStatus.PENDING.value})

    return router
