"""A person's language comes from Jellyseerr: their ``settings.locale``, read from the stand-in's
``/api/v1/user/{id}/settings/main`` at each user sync, stored on the user; their messages speak it."""

from collections.abc import Iterator

import pytest
from sqlmodel import select

from data import Database
from data.models import User
from services.jellyseerr import NO_LOCALE, sync_requests, sync_users
from services.progress import Progress
from services.upstream import Upstream
from standins.jellyseerr import JellyseerrWorld, create_app

from ..utils.standins import serve

KEY = "right-key"


@pytest.fixture
def world() -> JellyseerrWorld:
    return JellyseerrWorld()


@pytest.fixture
def jellyseerr_url(world: JellyseerrWorld) -> Iterator[str]:
    with serve(create_app(world, KEY)) as url:
        yield url


def locales(database: Database) -> dict[str, str]:
    with database.reading() as session:
        return {user.username: user.locale for user in session.exec(select(User)).all()}


async def test_each_users_locale_is_read_from_their_jellyseerr_settings(
    database: Database, world: JellyseerrWorld, jellyseerr_url: str
) -> None:
    world.speaks(world.add_user("irving"), "de")
    brazilian = world.speaks(world.add_jellyfin_user("Helly", "helly@example.org"), "pt-BR")
    world.add_user("mark")  # chose none: the admin's default speaks
    async with Upstream("Jellyseerr", jellyseerr_url, KEY, timeout=2, retries=0) as jellyseerr:
        await sync_users(database, jellyseerr, Progress())
        assert locales(database) == {"irving": "de", "Helly": "pt-BR", "mark": ""}

        world.speaks(brazilian, "fr")
        again = await sync_users(database, jellyseerr, Progress())
        assert dict(again.counts) == {"unchanged": 2, "updated": 1}
        assert locales(database)["Helly"] == "fr"

        world.add_request(brazilian, "tv", 95396, "Severance", seasons=(2,))
        await sync_requests(database, jellyseerr, Progress())  # requestedBy carries no settings
        assert locales(database)["Helly"] == "fr", "a request's requester keeps their language"


async def test_a_user_whose_settings_cannot_be_read_keeps_their_language(
    database: Database, world: JellyseerrWorld, jellyseerr_url: str
) -> None:
    irving = world.speaks(world.add_user("irving"), "es")
    world.add_user("mark")
    async with Upstream("Jellyseerr", jellyseerr_url, KEY, timeout=2, retries=0) as jellyseerr:
        await sync_users(database, jellyseerr, Progress())
        world.speaks(irving, "de")
        world.failing_settings.add(irving["id"])
        progress = await sync_users(database, jellyseerr, Progress())
    assert locales(database) == {"irving": "es", "mark": ""}
    assert progress.counts[NO_LOCALE] == 1 and progress.failed == 0, "noted; the user is still synced"
