"""The stand-in Jellyseerr's Media rows and what a title's details say of its poster, as Jellyseerr
writes them (the fixtures' README names the files: ``server/entity/Media.ts``, ``server/models/Tv.ts``).

``mediaUrl`` is no column: Media's ``@AfterLoad`` ``setPlexUrls`` computes it on every load, and only
when the media server has the title — on Jellyfin or Emby from ``jellyfinMediaId`` as
``<externalHostname or hostname>/web/index.html#!/<details|item>?id=<id>&context=home&serverId=<id>``
(``item`` on Emby), on Plex from ``ratingKey``. A Media the server does not have yet has no key at all.
"""

import hashlib

JELLYFIN_SERVER_ID = "9d8c7b6a5f4e4d3c2b1a0f9e8d7c6b5a"  # the media server's id (Jellyseerr's settings)


def media_row(media_id: int, kind: str, tmdb_id: int, tvdb_id: int | None, stamp: str) -> dict:
    """A Media as the request listing serves it (columns in entity order, computed keys after)."""
    return {
        "downloadStatus": [],
        "downloadStatus4k": [],
        "id": media_id,
        "mediaType": kind,
        "tmdbId": tmdb_id,
        "tvdbId": tvdb_id,
        "imdbId": None,
        "status": 3,  # PROCESSING
        "status4k": 1,  # UNKNOWN
        "createdAt": stamp,
        "updatedAt": stamp,
        "lastSeasonChange": stamp,
        "mediaAddedAt": stamp,
        "serviceId": 0,
        "serviceId4k": None,
        "externalServiceId": None,
        "externalServiceId4k": None,
        "externalServiceSlug": None,
        "externalServiceSlug4k": None,
        "ratingKey": None,
        "ratingKey4k": None,
        "jellyfinMediaId": None,
        "jellyfinMediaId4k": None,
    }


def watch(media: dict, jellyfin_url: str, server_id: str) -> dict:
    """The Jellyfin server has the title: its item id, ``mediaUrl`` computed as Jellyseerr does, and
    the title partly available (4) at least."""
    item_id = hashlib.md5(f"{media['mediaType']}{media['tmdbId']}".encode()).hexdigest()  # 32 hex digits
    media["jellyfinMediaId"] = item_id
    media["mediaUrl"] = (
        f"{jellyfin_url.rstrip('/')}/web/index.html#!/details?id={item_id}&context=home&serverId={server_id}"
    )
    media["status"] = max(media["status"], 4)
    return media


def poster_and_overview(tmdb_id: int, title: str) -> dict:
    """TMDB's ``posterPath`` (a path on its image host; ours end in .png, which the image stand-in
    draws) and ``overview``, as the title's details carry them."""
    return {
        "overview": f"{title}: the story so far, as TMDB tells it.",
        "posterPath": f"/airdate-standin-{tmdb_id}.png",
    }
