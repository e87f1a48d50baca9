"""Jellyseerr (or Overseerr: same API) → Airdate: users and requests, upserted by their Jellyseerr id.

Shapes as Jellyseerr writes them (``tests/fixtures/upstream/README.md`` names the source files): paged
listings ``{pageInfo: {pages, pageSize, results, page}, results}``; a user's ``email`` that may be a
Jellyfin or Emby user name; a tv request's ``seasons[].seasonNumber``; request status 1 pending,
2 approved, 3 declined, 4 failed; media status 1 unknown … 5 available, 6 blacklisted.

A listing read to its end (every page, the same total on each, every id seen) is *complete*: what it no
longer has was deleted in Jellyseerr and is marked removed here. A listing that failed midway removes
nothing. One title Jellyseerr cannot describe (its 500 "Unable to retrieve series." when TMDB fails) is
noted and the sync goes on; only Jellyseerr failing as a whole (unreachable, the key refused, a listing
page failing, every item failing) fails it.

A person's language is their ``settings.locale``, which the user listing does not carry (Jellyseerr's
server/routes/user/index.ts builds it with a query builder, which loads no eager ``settings``): it is
read from ``/api/v1/user/{id}/settings/main`` (server/routes/user/usersettings.ts), one call per user.
When that call fails the user's language stays as it was ("languages not read" in the sync's counts).
"""

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from data import Database, show_facts, unwanted
from data.clock import utcnow
from data.jellyseerr import (
    UpstreamRequest,
    UpstreamUser,
    merge_request,
    merge_user,
    remove_requests_missing_from,
    remove_users_missing_from,
    users_without_address,
)
from data.models import MediaType, RequestStatus

from .progress import Progress
from .upstream import Upstream, UpstreamAnswer, UpstreamTimeout

PAGE = 50
SETTINGS_AT_ONCE = 8  # users' settings read at the same time (a page of 50 in ~7 round trips)
DETAIL_RETRIES = 1  # a title's details: one retry (TMDB failing for a title does not heal in seconds)
REQUEST_PENDING, REQUEST_DECLINED = 1, 3  # 2 approved and 4 failed (not handed to Sonarr) both track
MEDIA_AVAILABLE, MEDIA_BLACKLISTED = 5, 6
ENDED_SHOWS = {"Ended", "Canceled", "Cancelled"}
NO_ADDRESS = "users have no e-mail address"
NO_LOCALE = "languages not read"
T = TypeVar("T")


@dataclass
class Listing:
    """What a paged listing brought; ``complete`` once read to its end with nothing shifting under it:
    every page said how many there are (``pageInfo.results``), the same number each time, and that many
    were seen. An empty listing is never complete: it would remove everybody."""

    started: datetime = field(default_factory=utcnow)
    ids: set[int] = field(default_factory=set)
    totals: set[int | None] = field(default_factory=set)
    finished: bool = False

    @property
    def complete(self) -> bool:
        return self.finished and bool(self.ids) and self.totals == {len(self.ids)}


async def paged(
    upstream: Upstream, path: str, progress: Progress, listing: Listing, **params: Any
) -> AsyncIterator[dict]:
    skip = 0
    while True:
        page = await upstream.get(path, take=PAGE, skip=skip, **params)
        results = page.get("results", [])
        said = (page.get("pageInfo") or {}).get("results")
        listing.totals.add(said if isinstance(said, int) else None)
        total = said if isinstance(said, int) else skip + len(results) + (PAGE if len(results) == PAGE else 0)
        progress.total = total
        for item in results:
            listing.ids.add(item["id"])
            yield item
        skip += len(results)
        if not results or skip >= total:
            listing.finished = True
            return


async def sync_users(database: Database, upstream: Upstream, progress: Progress) -> Progress:
    listing = Listing()
    page: list[dict] = []
    async for item in paged(upstream, "/api/v1/user", progress, listing):
        page.append(item)
        if len(page) == PAGE:
            await _write_users(database, upstream, progress, page)
            page = []
    await _write_users(database, upstream, progress, page)
    if listing.complete:
        removed = await _in_thread(database, _remove_users, listing)
        if removed:
            progress.counts["removed"] += removed
    without = await _in_thread(database, _count_without_address)
    if without:
        progress.counts[NO_ADDRESS] = without
    await asyncio.to_thread(database.write, unwanted.skip_unwanted)
    return progress


async def sync_requests(database: Database, upstream: Upstream, progress: Progress) -> Progress:
    listing = Listing()
    details: dict[tuple[str, int], dict] = {}
    async for item in paged(upstream, "/api/v1/request", progress, listing, filter="all"):
        kind, tmdb_id = media_of(item)
        if (kind, tmdb_id) not in details:
            try:
                details[(kind, tmdb_id)] = await upstream.get(
                    f"/api/v1/{kind}/{tmdb_id}", retries=DETAIL_RETRIES
                )
            except (UpstreamAnswer, UpstreamTimeout) as error:  # this title only; tried again next sync
                progress.failed_item(f"request {item['id']} ({kind} {tmdb_id}): {error}")
                continue
        progress.step(await _in_thread(database, _write_request, item, details[(kind, tmdb_id)]))
    if listing.complete:
        removed = await _in_thread(database, _remove_requests, listing)
        if removed:
            progress.counts["removed"] += removed
    await asyncio.to_thread(database.write, unwanted.skip_unwanted)
    return progress


async def track_request(database: Database, upstream: Upstream, request_id: int) -> str:
    """Read one request (and its title) from Jellyseerr and store it as a sync would; what happened."""
    item = await upstream.get(f"/api/v1/request/{request_id}")
    kind, tmdb_id = media_of(item)
    detail = await upstream.get(f"/api/v1/{kind}/{tmdb_id}", retries=DETAIL_RETRIES)
    return await _in_thread(database, _write_request, item, detail)


def media_of(item: dict) -> tuple[str, int]:
    media = item.get("media") or {}
    return str(media.get("mediaType") or item.get("type")), int(media.get("tmdbId") or 0)


def as_user(item: dict, locale: str | None = None) -> UpstreamUser:
    email = item.get("email") if "email" in item else None
    return UpstreamUser(int(item["id"]), display_name(item), None if email is None else str(email), locale)


async def _write_users(database: Database, upstream: Upstream, progress: Progress, items: list[dict]) -> None:
    """A page of users, their languages read a few at a time (one call each: see the module's doc)."""
    at_once = asyncio.Semaphore(SETTINGS_AT_ONCE)

    async def locale(user_id: int) -> str | None:
        async with at_once:
            return await locale_of(upstream, user_id)

    locales = await asyncio.gather(*(locale(int(item["id"])) for item in items))
    for item, found in zip(items, locales, strict=True):
        if found is None:
            progress.counts[NO_LOCALE] += 1
        progress.step(await _in_thread(database, _write_user, as_user(item, found)))


async def locale_of(upstream: Upstream, user_id: int) -> str | None:
    """The user's ``settings.locale`` ('' for none set: Jellyseerr's default, and a user without a
    settings row has no ``locale`` key); None when Jellyseerr did not answer."""
    try:
        settings = await upstream.get(f"/api/v1/user/{user_id}/settings/main", retries=DETAIL_RETRIES)
    except (UpstreamAnswer, UpstreamTimeout):
        return None
    locale = settings.get("locale") if isinstance(settings, dict) else None
    return locale.strip() if isinstance(locale, str) else ""


def display_name(item: dict) -> str:
    """Jellyseerr's own ``displayName`` (username, else the Plex or Jellyfin name, else the e-mail)."""
    for key in ("displayName", "username", "plexUsername", "jellyfinUsername"):
        if item.get(key):
            return str(item[key])
    return str(item.get("email") or f"user {item['id']}").split("@")[0]


def as_request(item: dict, detail: dict) -> UpstreamRequest:
    media = item.get("media") or {}
    kind, tmdb_id = media_of(item)
    seasons = tuple(
        sorted({int(s["seasonNumber"]) for s in item.get("seasons") or [] if "seasonNumber" in s})
    )
    return UpstreamRequest(
        jellyseerr_id=int(item["id"]),
        media_type=kind,
        title=str(detail.get("title") or detail.get("name") or f"TMDB {tmdb_id}"),
        tmdb_id=tmdb_id,
        tvdb_id=media.get("tvdbId") or None,
        status=our_status(item, detail),
        seasons=seasons if kind == MediaType.TV else (),
        all_seasons=kind == MediaType.TV and asked_for_all(seasons, detail, item.get("createdAt")),
    )


def show_of(item: dict, detail: dict) -> show_facts.Show | None:
    """What a message tells of a requested show (None for a movie): TMDB's ``posterPath`` and
    ``overview`` from the title's details, and where to watch it: the Media's ``mediaUrl``, which
    Jellyseerr computes after loading a Media (server/entity/Media.ts ``setPlexUrls``) only once the
    media server has the show (``jellyfinMediaId`` on Jellyfin or Emby, ``ratingKey`` on Plex);
    Overseerr calls it ``plexUrl``. Only http(s) addresses are kept."""
    kind, tmdb_id = media_of(item)
    if kind != MediaType.TV or not tmdb_id:
        return None
    poster = detail.get("posterPath")
    media_url = None
    for media in (item.get("media") or {}, detail.get("mediaInfo") or {}):
        for key in ("mediaUrl", "plexUrl"):
            if media_url is None and _web_address(media.get(key)):
                media_url = str(media[key])
    return show_facts.Show(
        tmdb_id,
        poster_path=str(poster) if isinstance(poster, str) and poster.startswith("/") else None,
        overview=str(detail.get("overview") or ""),
        media_url=media_url,
    )


def _web_address(value: object) -> bool:
    return isinstance(value, str) and value.startswith(("https://", "http://")) and value.isprintable()


def asked_for_all(seasons: tuple[int, ...], detail: dict, asked_at: str | None) -> bool:
    """Whether a request named every season the show had when it was made (Jellyseerr turns "all
    seasons" into that list): the seasons of the title (``/api/v1/tv``) that had started by then."""
    day = (asked_at or "")[:10]
    existing = {
        int(season["seasonNumber"])
        for season in detail.get("seasons") or []
        if season.get("seasonNumber") and season.get("airDate") and (not day or season["airDate"] <= day)
    }
    return bool(existing) and existing <= set(seasons)


def our_status(item: dict, detail: dict) -> RequestStatus:
    """Jellyseerr's request and media status → ours (the README's table).

    Pending (1) waits for approval; declined (3) and blacklisted media (6) are declined; approved (2) and
    failed (4: Jellyseerr could not hand it to Sonarr — an admin may retry, or add the show by hand) are
    tracked until the title is available (5) and, for a show, has ended; any other media status (1 unknown,
    2 pending, 3 processing, 4 partly available) keeps a request tracking."""
    media = item.get("media") or {}
    if item.get("status") == REQUEST_DECLINED or media.get("status") == MEDIA_BLACKLISTED:
        return RequestStatus.DECLINED
    if item.get("status") == REQUEST_PENDING:
        return RequestStatus.PENDING
    if media.get("status") == MEDIA_AVAILABLE and (
        media_of(item)[0] == MediaType.MOVIE or detail.get("status") in ENDED_SHOWS
    ):
        return RequestStatus.AVAILABLE
    return RequestStatus.APPROVED


async def _in_thread(database: Database, work: Callable[..., T], *args: Any) -> T:
    return await asyncio.to_thread(work, database, *args)


def _write_user(database: Database, user: UpstreamUser) -> str:
    with database.transaction() as session:
        outcome = merge_user(session, user)[1]
    return outcome


def _write_request(database: Database, item: dict, detail: dict) -> str:
    if not (item.get("requestedBy") or {}).get("id"):
        return "skipped (no requester)"  # nobody to notify; the other requests still sync
    with database.transaction() as session:
        requester_id, _ = merge_user(session, as_user(item["requestedBy"]))
        outcome = merge_request(session, as_request(item, detail), requester_id)
        show = show_of(item, detail)
        if show is not None:
            show_facts.keep(session, show)
    return outcome


def _remove_users(database: Database, listing: Listing) -> int:
    with database.transaction() as session:
        removed = remove_users_missing_from(session, listing.ids, listing.started)
    return removed


def _remove_requests(database: Database, listing: Listing) -> int:
    with database.transaction() as session:
        removed = remove_requests_missing_from(session, listing.ids, listing.started)
    return removed


def _count_without_address(database: Database) -> int:
    with database.reading() as session:
        return users_without_address(session)
