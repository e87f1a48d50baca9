"""The shows Airdate tracks and their followers: ``GET /api/shows`` and ``/api/shows/{tmdb_id}`` (any
account or token: names, no addresses), ``PUT``/``DELETE /api/users/{id}/follows/{tmdb_id}`` (admins)."""

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Query

from services.follows import SHOWN, Follows, NotFound

from .channels import ADMIN_API, NO_USER, UserId
from .policy import Caller, Need, requires, who

ShowId = Annotated[int, Path(ge=1, le=2**31 - 1, description="the show's TMDB id")]
NO_SHOW = {404: {"description": "Airdate tracks no such show"}}


def create_router(follows: Follows) -> APIRouter:
    router = APIRouter(tags=["shows"])

    @router.get(
        "/api/shows",
        dependencies=[requires(Need.VIEWER, tokens=True)],
        summary="The shows Airdate tracks (by title), each with its requesters and followers",
    )
    async def shows(
        search: Annotated[str, Query(max_length=200, description="part of the title, any case")] = "",
        limit: Annotated[int, Query(ge=1, le=500)] = SHOWN,
    ) -> dict:
        return {"shows": [asdict(show) for show in await follows.shows(search, limit)]}

    @router.get(
        "/api/shows/{tmdb_id}",
        dependencies=[requires(Need.VIEWER, tokens=True)],
        summary="One tracked show with its requesters and followers",
        responses=NO_SHOW,
    )
    async def show(tmdb_id: ShowId) -> dict:
        try:
            return asdict(await follows.show(tmdb_id))
        except NotFound as error:
            raise HTTPException(404, str(error)) from None

    @router.put(
        "/api/users/{user_id}/follows/{tmdb_id}",
        dependencies=[ADMIN_API],
        summary="Make a user a follower of a tracked show: told of its new episodes by their preferences",
        responses={404: {"description": "no such user, or Airdate tracks no such show"}},
    )
    async def follow(user_id: UserId, tmdb_id: ShowId, caller: Caller) -> dict:
        try:
            added = await follows.follow(user_id, tmdb_id, by=who(caller))
        except NotFound as error:
            raise HTTPException(404, str(error)) from None
        return {"user_id": user_id, "tmdb_id": tmdb_id, "following": True, "added": added}

    @router.delete(
        "/api/users/{user_id}/follows/{tmdb_id}",
        dependencies=[ADMIN_API],
        summary="Remove a user from a show's followers; their queued items of it become skipped",
        responses=NO_USER,
    )
    async def unfollow(user_id: UserId, tmdb_id: ShowId, caller: Caller) -> dict:
        try:
            skipped = await follows.unfollow(user_id, tmdb_id, by=who(caller))
        except NotFound as error:
            raise HTTPException(404, str(error)) from None
        return {"user_id": user_id, "tmdb_id": tmdb_id, "following": False, "skipped": skipped}

    return router
