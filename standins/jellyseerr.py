"""A stand-in Jellyseerr that answers as Jellyseerr's own source writes it: users (local, Plex, and
Jellyfin or Emby users whose ``email`` is their user name), requests with their seasons, titles, paging,
error bodies, the default webhook template, and each user's general settings (their ``locale``).
``tests/fixtures/upstream/`` holds answers written from
upstream's source, and a test checks this stand-in against them, key by key.
"""

import json
import math
import time
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Header
from fastapi.responses import HTMLResponse, JSONResponse

from .jellyseerr_media import JELLYFIN_SERVER_ID, media_row, poster_and_overview, watch

# server/constants/media.ts
PENDING, APPROVED, DECLINED, FAILED = 1, 2, 3, 4  # MediaRequestStatus
MEDIA_UNKNOWN, MEDIA_PENDING, MEDIA_PROCESSING, MEDIA_PARTIAL, MEDIA_AVAILABLE, MEDIA_BLACKLISTED = range(
    1, 7
)
MEDIA_NAMES = ("UNKNOWN", "PENDING", "PROCESSING", "PARTIALLY_AVAILABLE", "AVAILABLE", "BLACKLISTED")
PLEX, LOCAL, JELLYFIN, EMBY = 1, 2, 3, 4  # server/constants/user.ts UserType
STAMP = "2025-03-01T12:00:00.000Z"
ALL_SEASONS = tuple(range(1, 11))  # "all seasons" of a stand-in show
NO_PERMISSION = {"status": 403, "error": "You do not have permission to access this endpoint"}


@dataclass
class JellyseerrWorld:
    users: list[dict] = field(default_factory=list)
    requests: list[dict] = field(default_factory=list)
    titles: dict[tuple[str, int], dict] = field(default_factory=dict)
    failures: int = 0  # answer this many calls with 503 first (a restarting Jellyseerr)
    delay: float = 0.0  # seconds each call takes (a slow Jellyseerr)
    failing_titles: set[tuple[str, int]] = field(default_factory=set)  # TMDB fails for these: 500
    broken_after: int | None = None  # listings fail (503) from this many items on: a sync breaks midway
    jellyfin_url: str = "http://jellyfin.local:8096"  # the media server's address (Jellyseerr's settings)
    locales: dict[int, str] = field(default_factory=dict)  # UserSettings.locale by user id ('' when unset)
    failing_settings: set[int] = field(default_factory=set)  # these users' settings/main answer 500
    _ids: dict[str, int] = field(default_factory=dict)

    @classmethod
    def recorded(cls, folder: Path) -> "JellyseerrWorld":
        """A world holding answers written from upstream's source (``tests/fixtures/upstream/*``): the
        items of every ``users_page*.json`` and ``requests_page*.json``, and each ``tv_*.json`` and
        ``movie_*.json`` title, served by this stand-in's own paging."""
        world = cls()
        for page in sorted(folder.glob("users_page*.json")):
            world.users += json.loads(page.read_text())["results"]
        for page in sorted(folder.glob("requests_page*.json")):
            world.requests += json.loads(page.read_text())["results"]
        for kind in ("tv", "movie"):
            for title in folder.glob(f"{kind}_*.json"):
                if title.stem.removeprefix(f"{kind}_").isdigit():
                    world.titles[(kind, int(title.stem.removeprefix(f"{kind}_")))] = json.loads(
                        title.read_text()
                    )
        by_id = {user["id"]: user for user in world.users}
        for request in world.requests:  # one user, whichever listing shows them (as in Jellyseerr's database)
            if request.get("requestedBy"):
                request["requestedBy"] = by_id.get(request["requestedBy"]["id"], request["requestedBy"])
        for kind, items in (("user", world.users), ("request", world.requests)):
            world._ids[kind] = max((item["id"] for item in items), default=0)
        return world

    def add_user(self, name: str) -> dict:
        """A local user with an address (``name@example.org``)."""
        return self._user(LOCAL, email=f"{name}@example.org", username=name, display=name)

    def add_plex_user(self, name: str, email: str) -> dict:
        """A Plex user: ``username`` stays null, the name is ``plexUsername``."""
        return self._user(PLEX, email=email, plexUsername=name, plexId=self._next("plex"), display=name)

    def add_jellyfin_user(self, name: str, email: str | None = None, *, emby: bool = False) -> dict:
        """A Jellyfin (or Emby) user; without an address Jellyseerr keeps their user name, lower-cased,
        in ``email`` (server/routes/auth.ts, import-from-jellyfin)."""
        kind = EMBY if emby else JELLYFIN
        jellyfin_id = f"{self._next('jellyfin'):032x}"
        return self._user(
            kind,
            email=(email or name).lower(),
            jellyfinUsername=name,
            jellyfinUserId=jellyfin_id,
            avatar=f"/avatarproxy/{jellyfin_id}",
            display=name,
        )

    def add_request(
        self,
        user: dict,
        kind: str,
        tmdb_id: int,
        title: str,
        *,
        tvdb_id: int | None = None,
        ended: bool = False,
        seasons: tuple[int, ...] = ALL_SEASONS,
    ) -> dict:
        request = {
            "id": self._next("request"),
            "status": APPROVED,
            "createdAt": STAMP,
            "updatedAt": STAMP,
            "type": kind,
            "is4k": False,
            "serverId": 0,
            "profileId": 4,
            "rootFolder": "/tv" if kind == "tv" else "/movies",
            "languageProfileId": None,
            "tags": [],
            "isAutoRequest": False,
            "media": self._media(kind, tmdb_id, tvdb_id),
            "seasons": [self._season(number) for number in seasons] if kind == "tv" else [],
            "modifiedBy": None,
            "requestedBy": user,
            "seasonCount": len(seasons) if kind == "tv" else 0,
        }
        self.requests.append(request)
        name = "title" if kind == "movie" else "name"
        status = "Released" if kind == "movie" else "Ended" if ended else "Returning Series"
        detail = {"id": tmdb_id, name: title, "status": status, **poster_and_overview(tmdb_id, title)}
        if kind == "tv":  # three seasons so far (server/models/Tv.ts: seasons[].seasonNumber, airDate)
            detail["seasons"] = [
                {"id": tmdb_id * 100 + n, "seasonNumber": n, "airDate": f"202{n}-01-15", "episodeCount": 10}
                for n in (1, 2, 3)
            ]
        self.titles.setdefault((kind, tmdb_id), detail)
        user["requestCount"] = user.get("requestCount", 0) + 1
        return request

    def watchable(self, kind: str, tmdb_id: int) -> dict:
        """The media server has the title now: Jellyfin's item id on its Media, and the ``mediaUrl``
        Jellyseerr builds from it (see :func:`standins.jellyseerr_media.watch`); the Media."""
        for request in self.requests:
            if (request["media"]["mediaType"], request["media"]["tmdbId"]) == (kind, tmdb_id):
                return watch(request["media"], self.jellyfin_url, JELLYFIN_SERVER_ID)
        raise LookupError(f"nobody requested {kind} {tmdb_id}")

    def speaks(self, user: dict, locale: str) -> dict:
        """The user chose a display language in Jellyseerr (their settings' ``locale``: de, pt-BR…)."""
        self.locales[user["id"]] = locale
        return user

    def settings_main(self, user: dict) -> dict:
        """``GET /api/v1/user/{id}/settings/main`` as server/routes/user/usersettings.ts answers it
        (Fallenbagel/jellyseerr 27112be9330eb271a2030848ae3f530715300ab4): the user's general settings,
        ``locale`` '' when they chose none (server/entity/UserSettings.ts: ``@Column({ default: '' })``).
        The ``global*Quota*`` keys are left out as Jellyseerr's JSON leaves them with its default
        ``defaultQuotas: {movie: {}, tv: {}}`` (server/lib/settings/index.ts): undefined."""
        return {
            "username": user.get("username"),
            "email": user.get("email"),
            "discordId": None,
            "locale": self.locales.get(user["id"], ""),
            "discoverRegion": None,
            "streamingRegion": None,
            "originalLanguage": None,
            "movieQuotaLimit": user.get("movieQuotaLimit"),
            "movieQuotaDays": user.get("movieQuotaDays"),
            "tvQuotaLimit": user.get("tvQuotaLimit"),
            "tvQuotaDays": user.get("tvQuotaDays"),
            "watchlistSyncMovies": None,
            "watchlistSyncTv": None,
        }

    def delete_request(self, request: dict) -> None:
        self.requests.remove(request)

    def delete_user(self, user: dict) -> None:
        """As Jellyseerr does: the user's requests go with them (``onDelete: 'CASCADE'``)."""
        self.users.remove(user)
        self.requests = [r for r in self.requests if (r.get("requestedBy") or {}).get("id") != user["id"]]

    def webhook(self, request: dict, notification_type: str = "MEDIA_APPROVED") -> dict:
        """The webhook agent's default template as Jellyseerr renders it (every value a string)."""
        media, user = request["media"], request["requestedBy"] or {}
        title = self.titles.get((media["mediaType"], media["tmdbId"]), {})
        return {
            "notification_type": notification_type,
            "event": f"{'Series' if request['type'] == 'tv' else 'Movie'} Request Approved",
            "subject": str(title.get("name") or title.get("title") or ""),
            "message": "",
            "image": "",
            "media": {
                "media_type": media["mediaType"],
                "tmdbId": str(media["tmdbId"]),
                "tvdbId": str(media["tvdbId"] or ""),
                "status": MEDIA_NAMES[media["status"] - 1],
                "status4k": MEDIA_NAMES[media["status4k"] - 1],
            },
            "request": {
                "request_id": str(request["id"]),
                "requestedBy_email": str(user.get("email") or ""),
                "requestedBy_username": str(user.get("displayName") or ""),
                "requestedBy_avatar": str(user.get("avatar") or ""),
                "requestedBy_settings_discordId": "",
                "requestedBy_settings_telegramChatId": "",
            },
            "issue": None,
            "comment": None,
            "extra": [],
        }

    def _user(self, kind: int, *, email: str, display: str, **names: Any) -> dict:
        user_id = self._next("user")
        user = {
            "permissions": 32,
            "warnings": [],
            "id": user_id,
            "email": email,
            "plexUsername": None,
            "jellyfinUsername": None,
            "username": None,
            "recoveryLinkExpirationDate": None,
            "userType": kind,
            "plexId": None,
            "jellyfinUserId": None,
            "avatar": f"https://gravatar.com/avatar/{user_id:032x}?default=mm&size=200",
            "movieQuotaLimit": None,
            "movieQuotaDays": None,
            "tvQuotaLimit": None,
            "tvQuotaDays": None,
            "createdAt": STAMP,
            "updatedAt": STAMP,
            "requestCount": 0,
            "displayName": display,
        }
        user.update(names)
        self.users.append(user)
        return user

    def _media(self, kind: str, tmdb_id: int, tvdb_id: int | None) -> dict:
        for request in self.requests:  # one media row per title, shared by its requests
            if (request["media"]["mediaType"], request["media"]["tmdbId"]) == (kind, tmdb_id):
                return request["media"]
        return media_row(self._next("media"), kind, tmdb_id, tvdb_id, STAMP)

    def _season(self, number: int) -> dict:
        return {
            "id": self._next("season"),
            "seasonNumber": number,
            "status": APPROVED,
            "createdAt": STAMP,
            "updatedAt": STAMP,
        }

    def _next(self, kind: str) -> int:
        self._ids[kind] = self._ids.get(kind, 0) + 1
        return self._ids[kind]


def create_app(world: JellyseerrWorld, api_key: str) -> FastAPI:
    app = FastAPI(title="Jellyseerr stand-in")

    def refused(key: str | None) -> JSONResponse | None:
        if world.delay:
            time.sleep(world.delay)  # served from a worker thread
        if world.failures > 0:
            world.failures -= 1
            return JSONResponse({"message": "Service Unavailable"}, 503)
        if key != api_key:
            return JSONResponse(NO_PERMISSION, 403)
        return None

    def page(items: list[dict], take: int, skip: int) -> dict[str, Any] | JSONResponse:
        """server/routes/user/index.ts and request.ts: ``page`` is ceil(skip / take) + 1."""
        if world.broken_after is not None and skip + take > world.broken_after:
            return JSONResponse({"message": "Service Unavailable"}, 503)
        return {
            "pageInfo": {
                "pages": math.ceil(len(items) / take),
                "pageSize": take,
                "results": len(items),
                "page": math.ceil(skip / take) + 1,
            },
            "results": items[skip : skip + take],
        }

    @app.get("/api/v1/user", response_model=None)
    def users(take: int = 10, skip: int = 0, x_api_key: str | None = Header(None)) -> Any:
        return refused(x_api_key) or page(list(world.users), take, skip)

    @app.get("/api/v1/user/{user_id}/settings/main", response_model=None)
    def user_settings(user_id: int, x_api_key: str | None = Header(None)) -> dict | JSONResponse:
        if problem := refused(x_api_key):
            return problem
        found = next((user for user in world.users if user["id"] == user_id), None)
        if user_id in world.failing_settings:
            return JSONResponse({"message": "Something went wrong."}, 500)
        return world.settings_main(found) if found else JSONResponse({"message": "User not found."}, 404)

    @app.get("/api/v1/request", response_model=None)
    def requests(
        take: int = 10, skip: int = 0, filter: str = "all", x_api_key: str | None = Header(None)
    ) -> Any:
        listed = [r for r in world.requests if r["media"]["status"] != MEDIA_BLACKLISTED]  # as filter=all
        newest_first = sorted(listed, key=lambda r: r["id"], reverse=True)
        return refused(x_api_key) or page(newest_first, take, skip)

    @app.get("/api/v1/request/{request_id}", response_model=None)
    def one_request(request_id: int, x_api_key: str | None = Header(None)) -> dict | JSONResponse:
        if problem := refused(x_api_key):
            return problem
        found = next((r for r in world.requests if r["id"] == request_id), None)
        return found or JSONResponse({"message": "Request not found."}, 404)

    @app.get("/api/v1/{kind}/{tmdb_id}", response_model=None)
    def details(kind: str, tmdb_id: int, x_api_key: str | None = Header(None)) -> dict | JSONResponse:
        if problem := refused(x_api_key):
            return problem
        if (kind, tmdb_id) in world.failing_titles or (kind, tmdb_id) not in world.titles:
            what = "series" if kind == "tv" else "movie"  # server/routes/tv.ts, movie.ts
            return JSONResponse({"message": f"Unable to retrieve {what}."}, 500)
        return world.titles[(kind, tmdb_id)]

    @app.get("/tv/{tmdb_id}", response_class=HTMLResponse)
    def tv_page(tmdb_id: int) -> str:
        """Jellyseerr's web page of a show (src/pages/tv/[tvId]), where a message's request link goes."""
        name = (world.titles.get(("tv", tmdb_id)) or {}).get("name") or f"TMDB {tmdb_id}"
        return f"<!DOCTYPE html><title>{escape(name)} - Jellyseerr</title><h1>{escape(name)}</h1>"

    return app
