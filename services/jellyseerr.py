"""Jellyseerr (or Overseerr: same API) → Airdate: users and requests, upserted by their Jellyseerr id."""

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from sqlmodel import Session, select

from data import Database
from data.clock import utcnow
from data.models import MediaRequest, MediaType, RequestStatus, User
from data.upsert import upsert

from .progress import Progress
from .upstream import Upstream

PAGE = 50
# Jellyseerr's numbers: request status 1 pending, 2 approved, 3 declined (4 failed, 5 completed);
# media status 5 is "available".
DECLINED, PENDING = 3, 1
AVAILABLE = 5
ENDED_SHOWS = {"Ended", "Canceled", "Cancelled"}


async def paged(upstream: Upstream, path: str, progress: Progress, **params: Any) -> AsyncIterator[dict]:
    skip = 0
    while True:
        page = await upstream.get(path, take=PAGE, skip=skip, **params)
        results = page.get("results", [])
        progress.total = int(page.get("pageInfo", {}).get("results", len(results)))
        for item in results:
            yield item
        skip += len(results)
        if not results or skip >= progress.total:
            return


async def sync_users(database: Database, upstream: Upstream, progress: Progress) -> Progress:
    async for item in paged(upstream, "/api/v1/user", progress):
        progress.step(await _in_thread(database, _upsert_user, item))
    return progress


async def sync_requests(database: Database, upstream: Upstream, progress: Progress) -> Progress:
    details: dict[tuple[str, int], dict] = {}
    async for item in paged(upstream, "/api/v1/request", progress, filter="all"):
        media = item.get("media") or {}
        kind = media.get("mediaType") or item.get("type")
        key = (kind, media.get("tmdbId"))
        if key not in details:
            details[key] = await upstream.get(f"/api/v1/{kind}/{media.get('tmdbId')}")
        progress.step(await _in_thread(database, _upsert_request, item, details[key]))
    return progress


async def track_request(database: Database, upstream: Upstream, request_id: int) -> str:
    """Read one request (and its title) from Jellyseerr and store it as a sync would; what happened."""
    item = await upstream.get(f"/api/v1/request/{request_id}")
    media = item.get("media") or {}
    detail = await upstream.get(f"/api/v1/{media.get('mediaType') or item.get('type')}/{media.get('tmdbId')}")
    return await _in_thread(database, _upsert_request, item, detail)


def display_name(item: dict) -> str:
    for key in ("displayName", "username", "jellyfinUsername", "plexUsername"):
        if item.get(key):
            return str(item[key])
    return str(item.get("email", f"user {item['id']}")).split("@")[0]


def our_status(item: dict, detail: dict) -> RequestStatus:
    """A tv request stays 'approved' (tracking) until the show is available and has ended."""
    media = item.get("media") or {}
    if item.get("status") == DECLINED:
        return RequestStatus.DECLINED
    if item.get("status") == PENDING:
        return RequestStatus.PENDING
    if media.get("status") == AVAILABLE and (
        media.get("mediaType") == MediaType.MOVIE or detail.get("status") in ENDED_SHOWS
    ):
        return RequestStatus.AVAILABLE
    return RequestStatus.APPROVED


async def _in_thread(database: Database, write: Any, *args: Any) -> str:
    return await asyncio.to_thread(write, database, *args)


def _upsert_user(database: Database, item: dict) -> str:
    with database.session() as session:
        outcome = _merge_user(session, item)[1]
        session.commit()
    return outcome


def _merge_user(session: Session, item: dict) -> tuple[int, str]:
    """Create or update the user with this Jellyseerr id in one atomic statement (two syncs at once
    end with one row and no error); (user id, what happened)."""
    before = session.exec(select(User).where(User.jellyseerr_id == item["id"])).first()
    wanted = {"username": display_name(item), "email": item.get("email") or ""}
    if before is not None and (before.username, before.email) == (wanted["username"], wanted["email"]):
        return before.id, "unchanged"
    values = {"jellyseerr_id": item["id"], **wanted, "created_at": utcnow()}
    row = upsert(
        session,
        User.__table__,
        values,
        keys=("jellyseerr_id",),
        insert_only=("created_at",),
        returning=("id",),
    )
    return row.id, "created" if before is None else "updated"


def _upsert_request(database: Database, item: dict, detail: dict) -> str:
    media = item.get("media") or {}
    if not (item.get("requestedBy") or {}).get("id"):
        return "skipped (no requester)"  # nobody to notify; the other requests still sync
    with database.session() as session:
        requester_id, _ = _merge_user(session, item["requestedBy"])
        wanted = {
            "media_type": media.get("mediaType") or item.get("type"),
            "title": detail.get("title") or detail.get("name") or f"TMDB {media.get('tmdbId')}",
            "tmdb_id": media.get("tmdbId"),
            "tvdb_id": media.get("tvdbId"),
            "status": our_status(item, detail),
            "requester_id": requester_id,
        }
        before = session.exec(select(MediaRequest).where(MediaRequest.jellyseerr_id == item["id"])).first()
        if before is not None and all(getattr(before, key) == value for key, value in wanted.items()):
            session.commit()  # the requester's name or address may have changed
            return "unchanged"
        values = {"jellyseerr_id": item["id"], **wanted, "created_at": utcnow()}
        upsert(session, MediaRequest.__table__, values, keys=("jellyseerr_id",), insert_only=("created_at",))
        session.commit()
    return "created" if before is None else "updated"
