"""``GET /api/users/{id}/next-email``: the e-mail a user would get next, exactly as it would be sent."""

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path

from services.notifier import Notifier

from .policy import Need, requires


def create_router(notifier: Notifier) -> APIRouter:
    router = APIRouter(tags=["notifications"])

    @router.get(
        "/api/users/{user_id}/next-email",
        dependencies=[requires(Need.ADMIN, tokens=True)],
        summary="Preview the next e-mail a user would get (subject, text and HTML); nothing is sent",
        responses={404: {"description": "no such user"}, 409: {"description": "e-mail is not configured"}},
    )
    async def next_email(user_id: Annotated[int, Path(ge=1, le=2**63 - 1)]) -> dict:
        try:
            return asdict(await notifier.preview(user_id))
        except LookupError as error:
            raise HTTPException(404, str(error)) from None
        except ValueError as error:  # no mail server
            raise HTTPException(409, str(error)) from None

    return router
