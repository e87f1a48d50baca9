"""Syncing from a stand-in Jellyseerr over real HTTP."""

from collections.abc import Iterator

import pytest
from sqlmodel import select

from data import Database
from data.counters import read_stats
from data.models import MediaRequest, RequestStatus, ShowFacts, User
from data.show_facts import Show
from services.jellyseerr import show_of, sync_requests, sync_users
from services.progress import Progress
from services.upstream import Upstream, UpstreamError
from standins.jellyseerr import DECLINED, MEDIA_AVAILABLE, PENDING, JellyseerrWorld, create_app

from ..utils.server import free_port
from ..utils.standins import serve

pytestmark = pytest.mark.both_databases

KEY = "right-key"


@pytest.fixture
def world() -> JellyseerrWorld:
    return JellyseerrWorld()


@pytest.fixture
def jellyseerr_url(world: JellyseerrWorld) -> Iterator[str]:
    with serve(create_app(world, KEY)) as url:
        yield url


def client(url: str, key: str = KEY, retries: int = 0) -> Upstream:
    return Upstream("Jellyseerr", url, key, timeout=2, retries=retries)


def users(database: Database) -> dict[int, tuple[str, str]]:
    with database.reading() as session:
        return {u.jellyseerr_id: (u.username, u.email) for u in session.exec(select(User)).all()}


async def test_users_are_upserted_by_jellyseerr_id_across_pages(
    database: Database, world: JellyseerrWorld, jellyseerr_url: str
) -> None:
    for i in range(120):  # three pages of 50
        world.add_user(f"viewer{i}")
    async with client(jellyseerr_url) as jellyseerr:
        first = await sync_users(database, jellyseerr, Progress())
        world.users[5]["displayName"] = "renamed"
        second = await sync_users(database, jellyseerr, Progress())
    assert (first.total, first.done, dict(first.counts)) == (120, 120, {"created": 120})
    assert dict(second.counts) == {"unchanged": 119, "updated": 1}
    assert len(users(database)) == 120
    assert users(database)[6] == ("renamed", "viewer5@example.org")
    assert database.read(read_stats).users == 120


async def test_request_statuses_map_to_airdates(
    database: Database, world: JellyseerrWorld, jellyseerr_url: str
) -> None:
    ada = world.add_user("ada")
    running = world.add_request(ada, "tv", 1, "Running Show", tvdb_id=11)
    waiting = world.add_request(ada, "tv", 2, "Waiting Show")
    waiting["status"] = PENDING
    refused = world.add_request(ada, "tv", 3, "Refused Show")
    refused["status"] = DECLINED
    ended = world.add_request(ada, "tv", 4, "Finished Show", ended=True)
    ended["media"]["status"] = MEDIA_AVAILABLE
    caught_up = world.add_request(ada, "tv", 5, "Caught-up Show")  # available, but more will air
    caught_up["media"]["status"] = MEDIA_AVAILABLE
    movie = world.add_request(ada, "movie", 6, "A Film")
    movie["media"]["status"] = MEDIA_AVAILABLE
    orphan = world.add_request(ada, "tv", 7, "Nobody's Show")
    orphan["requestedBy"] = None  # e.g. the requesting user was deleted in Jellyseerr
    async with client(jellyseerr_url) as jellyseerr:
        progress = await sync_requests(database, jellyseerr, Progress())
    assert progress.counts["created"] == 6
    assert progress.counts["skipped (no requester)"] == 1
    with database.reading() as session:
        rows = {r.title: r for r in session.exec(select(MediaRequest)).all()}
    assert {title: row.status for title, row in rows.items()} == {
        "Running Show": RequestStatus.APPROVED,
        "Waiting Show": RequestStatus.PENDING,
        "Refused Show": RequestStatus.DECLINED,
        "Finished Show": RequestStatus.AVAILABLE,
        "Caught-up Show": RequestStatus.APPROVED,
        "A Film": RequestStatus.AVAILABLE,
    }
    assert rows["Running Show"].tvdb_id == 11
    stats = database.read(read_stats)
    assert (stats.requests_total, stats.requests_tracking, stats.users) == (6, 2, 1)
    assert running["id"] == rows["Running Show"].jellyseerr_id


async def test_a_wrong_api_key_says_so(database: Database, jellyseerr_url: str) -> None:
    async with client(jellyseerr_url, key="wrong") as jellyseerr:
        with pytest.raises(UpstreamError, match="Jellyseerr rejected the API key"):
            await sync_users(database, jellyseerr, Progress())


async def test_an_unreachable_jellyseerr_names_the_url(database: Database) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    async with client(url, retries=1) as jellyseerr:
        with pytest.raises(UpstreamError, match=f"cannot reach Jellyseerr at {url}/api/v1/user"):
            await sync_users(database, jellyseerr, Progress())


async def test_failures_are_retried_with_backoff(
    database: Database, world: JellyseerrWorld, jellyseerr_url: str
) -> None:
    world.add_user("ada")
    world.failures = 2
    async with client(jellyseerr_url, retries=2) as jellyseerr:
        progress = await sync_users(database, jellyseerr, Progress())
    assert progress.counts["created"] == 1
    world.failures = 5
    async with client(jellyseerr_url, retries=1) as jellyseerr:
        with pytest.raises(UpstreamError, match="answered 503"):
            await sync_users(database, jellyseerr, Progress())


def test_an_unconfigured_or_malformed_url_is_a_clear_error() -> None:
    with pytest.raises(UpstreamError, match="set AIRDATE_JELLYSEERR_URL"):
        Upstream("Jellyseerr", "", KEY)
    with pytest.raises(UpstreamError, match="must start with http"):
        Upstream("Jellyseerr", "jellyseerr:5055", KEY)


async def test_each_sync_keeps_the_shows_poster_overview_and_watch_link(
    database: Database, world: JellyseerrWorld, jellyseerr_url: str
) -> None:
    """What messages show is read at the sync, not at send time; a show Jellyfin gets later has its
    "Watch now" link from the next sync. Movies are not kept (nobody is told of them)."""
    user = world.add_user("lena")
    world.add_request(user, "tv", 95396, "Severance")
    world.add_request(user, "movie", 987654, "The Lumon Orientation Tapes")

    async def facts() -> dict[int, tuple[str | None, str, str | None]]:
        async with client(jellyseerr_url) as jellyseerr:
            await sync_requests(database, jellyseerr, Progress())
        with database.reading() as session:
            rows = session.exec(select(ShowFacts)).all()
            return {row.tmdb_id: (row.poster_path, row.overview, row.media_url) for row in rows}

    overview = "Severance: the story so far, as TMDB tells it."
    assert await facts() == {95396: ("/airdate-standin-95396.png", overview, None)}
    world.watchable("tv", 95396)
    (poster, _, watch) = (await facts())[95396]
    assert poster == "/airdate-standin-95396.png"
    assert watch == world.requests[0]["media"]["mediaUrl"] and watch.startswith(world.jellyfin_url)


def test_only_web_addresses_are_kept_as_watch_links_and_overseerr_says_plexurl() -> None:
    detail = {"posterPath": "/p.jpg", "overview": "o"}
    plex = "https://app.plex.tv/desktop#!/server/abc/details?key=%2Flibrary%2Fmetadata%2F48211"
    overseerr = {"media": {"mediaType": "tv", "tmdbId": 1, "plexUrl": plex}}
    assert show_of(overseerr, detail) == Show(1, "/p.jpg", "o", plex)
    hostile = {"media": {"mediaType": "tv", "tmdbId": 1, "mediaUrl": "javascript:alert(1)"}}
    assert show_of(hostile, {"posterPath": "p.jpg"}) == Show(1, None, "", None)
    assert show_of({"media": {"mediaType": "movie", "tmdbId": 2}}, detail) is None
