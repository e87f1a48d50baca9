"""A stand-in Jellyseerr: users, requests and media details, behind an API key, paged like the real one."""

import time
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Header, HTTPException

# Jellyseerr's numbers (see services/jellyseerr.py)
PENDING, APPROVED, DECLINED = 1, 2, 3
MEDIA_PROCESSING, MEDIA_AVAILABLE = 3, 5


@dataclass
class JellyseerrWorld:
    users: list[dict] = field(default_factory=list)
    requests: list[dict] = field(default_factory=list)
    titles: dict[tuple[str, int], dict] = field(default_factory=dict)
    failures: int = 0  # answer this many calls with 503 first (a restarting Jellyseerr)
    delay: float = 0.0  # seconds each call takes (a slow Jellyseerr)

    def add_user(self, name: str) -> dict:
        user = {"id": len(self.users) + 1, "email": f"{name}@example.org", "displayName": name}
        self.users.append(user)
        return user

    def add_request(
        self,
        user: dict,
        kind: str,
        tmdb_id: int,
        title: str,
        *,
        tvdb_id: int | None = None,
        ended: bool = False,
    ) -> dict:
        request = {
            "id": len(self.requests) + 1,
            "status": APPROVED,
            "type": kind,
            "media": {"tmdbId": tmdb_id, "tvdbId": tvdb_id, "mediaType": kind, "status": MEDIA_PROCESSING},
            "requestedBy": user,
        }
        self.requests.append(request)
        name = "title" if kind == "movie" else "name"
        self.titles[(kind, tmdb_id)] = {
            "id": tmdb_id,
            name: title,
            "status": "Ended" if ended else "Returning Series",
        }
        return request


def create_app(world: JellyseerrWorld, api_key: str) -> FastAPI:
    app = FastAPI(title="Jellyseerr stand-in")

    def check(key: str | None) -> None:
        if world.delay:
            time.sleep(world.delay)  # served from a worker thread
        if world.failures > 0:
            world.failures -= 1
            raise HTTPException(503, "Service Unavailable")
        if key != api_key:
            raise HTTPException(403, "Invalid API key")

    def page(items: list[dict], take: int, skip: int) -> dict[str, Any]:
        chunk = items[skip : skip + take]
        pages = max(1, -(-len(items) // take))
        return {
            "pageInfo": {"pages": pages, "pageSize": take, "results": len(items), "page": skip // take + 1},
            "results": chunk,
        }

    @app.get("/api/v1/user")
    def users(take: int = 20, skip: int = 0, x_api_key: str | None = Header(None)) -> dict:
        check(x_api_key)
        return page(world.users, take, skip)

    @app.get("/api/v1/request")
    def requests(
        take: int = 20, skip: int = 0, filter: str = "all", x_api_key: str | None = Header(None)
    ) -> dict:
        check(x_api_key)
        return page(world.requests, take, skip)

    @app.get("/api/v1/request/{request_id}")
    def one_request(request_id: int, x_api_key: str | None = Header(None)) -> dict:
        check(x_api_key)
        for request in world.requests:
            if request["id"] == request_id:
                return request
        raise HTTPException(404, "Request not found.")

    @app.get("/api/v1/{kind}/{tmdb_id}")
    def details(kind: str, tmdb_id: int, x_api_key: str | None = Header(None)) -> dict:
        check(x_api_key)
        if (kind, tmdb_id) not in world.titles:
            raise HTTPException(404, "Unable to retrieve media.")
        return world.titles[(kind, tmdb_id)]

    return app
