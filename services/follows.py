"""Following a show someone else requested, as use cases: list the shows to follow, follow, unfollow.

The REST API, the admin's show page and the requester's signed manage page all call these, so the same
change leaves the same audit line wherever it was made. A follower is told of the show's new episodes
as a requester of all its seasons is (:func:`data.writes.told_of`), by their own preferences.
"""

import asyncio
import logging
from dataclasses import dataclass

from data import Database
from data import follows as stored
from data.follows import TrackedShow

from .preferences import NotFound

audit = logging.getLogger("airdate.audit")
SHOWN = 50  # shows listed at once; a search narrows them

__all__ = ["SHOWN", "Follows", "NotFound", "TrackedShow"]


@dataclass(frozen=True)
class Follows:
    database: Database

    async def shows(self, search: str = "", limit: int = SHOWN) -> list[TrackedShow]:
        """The tracked shows whose title contains ``search``, by title, each with requesters and followers."""
        return await asyncio.to_thread(self.database.read, stored.tracked_shows, search, limit)

    async def show(self, tmdb_id: int) -> TrackedShow:
        found = await asyncio.to_thread(self.database.read, stored.tracked_show, tmdb_id)
        if found is None:
            raise NotFound(f"Airdate tracks no show with TMDB id {tmdb_id}")
        return found

    async def candidates(self, tmdb_id: int) -> list[tuple[int, str]]:
        """Who could follow the show (neither follows nor requested it): (user id, name), by name."""
        return await asyncio.to_thread(self.database.read, stored.candidates, tmdb_id)

    async def followers(self, tmdb_id: int) -> list[tuple[int, str]]:
        """The show's followers: (user id, name), by name."""
        return await asyncio.to_thread(self.database.read, stored.followers, tmdb_id)

    async def followed(self, user_id: int) -> dict[int, str]:
        """The shows the user follows: TMDB id → title."""
        return await asyncio.to_thread(self.database.read, stored.followed, user_id)

    async def follow(self, user_id: int, tmdb_id: int, *, by: str) -> bool:
        """Make the user a follower of a tracked show; whether they were not one already."""
        try:
            added = await asyncio.to_thread(self.database.write, stored.follow, user_id, tmdb_id, by)
        except LookupError as error:
            raise NotFound(str(error)) from None
        if added:
            audit.info("%s made user %d a follower of show %d", by, user_id, tmdb_id)
        return added

    async def unfollow(self, user_id: int, tmdb_id: int, *, by: str) -> int:
        """The user stops following the show; how many of their queued items of it became ``skipped``
        (none when they requested it too)."""
        try:
            was, skipped = await asyncio.to_thread(self.database.write, stored.unfollow, user_id, tmdb_id)
        except LookupError as error:
            raise NotFound(str(error)) from None
        if was:
            audit.info(
                "%s removed user %d from the followers of show %d; %d queued item(s) skipped",
                by,
                user_id,
                tmdb_id,
                skipped,
            )
        return skipped
