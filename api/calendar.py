"""``GET /calendar/{token}.ics``: a person's calendar feed of their shows' episodes, for a calendar app to
subscribe to (services.calendar).

Like the manage link, the token is the whole credential (``Need.SIGNED``; the guard strips the ``.ics``):
calendar apps fetch a feed with no session and no cookie. Replacing the user's links revokes it too.
"""

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from services.calendar import CalendarFeeds, NotFound
from services.links import CALENDAR, ICS

from .policy import Need, requires

MEDIA_TYPE = "text/calendar; charset=utf-8"
HEADERS = {
    "Content-Disposition": 'inline; filename="airdate.ics"',
    "Cache-Control": "private, max-age=300",  # the person's own schedule: no shared cache keeps it
}


def create_router(feeds: CalendarFeeds) -> APIRouter:
    router = APIRouter(tags=["calendar"])

    @router.get(
        CALENDAR + "{token}" + ICS,
        dependencies=[requires(Need.SIGNED)],
        summary="The calendar (RFC 5545) of the episodes of a person's shows, from the link in a message",
        response_class=Response,
        responses={
            200: {"content": {"text/calendar": {}}, "description": "the feed"},
            403: {"description": "the link was changed, replaced, or not made by this Airdate"},
            404: {"description": "the link's user no longer exists"},
        },
    )
    async def calendar(token: str, request: Request) -> Response:
        user_id: int = request.state.link_user  # the guard refused the request unless it is set
        try:
            body = await feeds.feed(user_id)
        except NotFound:
            raise HTTPException(404, "this link's user no longer exists") from None
        return Response(body, media_type=MEDIA_TYPE, headers=HEADERS)

    return router
