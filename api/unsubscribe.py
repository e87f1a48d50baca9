"""``POST /unsubscribe/{token}``: RFC 8058 one-click unsubscribe, what a mail client's "Unsubscribe"
button posts to the ``List-Unsubscribe`` URL of an e-mail Airdate sent.

The token is the whole credential: the guard has checked that Airdate signed it for one user
(``Need.SIGNED``) before this runs, so there is no session, no cookie and no Origin to check. The body
should be ``List-Unsubscribe=One-Click``, but anything (or nothing) is accepted: some clients send none.
The user's mode becomes *off*, and what was queued for them becomes ``skipped``.
"""

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse

from data.models import NotifyMode
from services.links import UNSUBSCRIBE
from services.preferences import NotFound, UserSettings

from .policy import Need, requires


def create_router(users: UserSettings) -> APIRouter:
    router = APIRouter(tags=["unsubscribe"])

    @router.post(
        UNSUBSCRIBE + "{token}",
        dependencies=[requires(Need.SIGNED)],
        summary="One-click unsubscribe (RFC 8058) from a link in an e-mail: notifications off",
        responses={
            403: {"description": "the link was changed, or not made by this Airdate"},
            404: {"description": "the link's user no longer exists"},
        },
    )
    async def unsubscribe(token: str, request: Request) -> JSONResponse:
        user_id: int = request.state.link_user  # the guard refused the request unless it is set
        try:
            skipped = await users.unsubscribe(user_id, where="with the one-click link of an e-mail")
        except NotFound:
            raise HTTPException(404, "this link's user no longer exists") from None
        return JSONResponse({"mode": NotifyMode.OFF.value, "skipped": skipped})

    return router
