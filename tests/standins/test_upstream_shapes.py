"""The stand-ins speak upstream's shapes: what they answer and send has the keys and value types of the
answers written from Jellyseerr's, Overseerr's and Sonarr's source (tests/fixtures/upstream/), so the demo
and every test that uses them exercise what a real install sends."""

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from standins import jellyseerr, sonarr
from standins.jellyseerr import JellyseerrWorld

from ..utils.standins import serve

UPSTREAM = Path(__file__).resolve().parents[1] / "fixtures" / "upstream"


def fixture(name: str) -> Any:
    return json.loads((UPSTREAM / name).read_text())


def keys_and_types(value: Any, optional: frozenset[str] = frozenset()) -> Any:
    """The shape of a JSON value: keys with the shapes of their values, down to types; None for null.
    Keys in ``optional`` (present only sometimes upstream) are left out."""
    if isinstance(value, dict):
        return {k: keys_and_types(v, optional) for k, v in value.items() if k not in optional}
    if isinstance(value, list):
        return [keys_and_types(value[0], optional)] if value else []
    return None if value is None else type(value).__name__


def same_shape(ours: Any, theirs: Any, where: str = "") -> list[str]:
    """Differences between two shapes; a null on one side matches any value on the other (upstream's
    nullable fields), an empty list any list."""
    if ours is None or theirs is None or ours == [] or theirs == []:
        return []
    if isinstance(ours, dict) and isinstance(theirs, dict):
        problems = [f"{where}.{k}: only ours" for k in ours.keys() - theirs.keys()]
        problems += [f"{where}.{k}: missing" for k in theirs.keys() - ours.keys()]
        for k in ours.keys() & theirs.keys():
            problems += same_shape(ours[k], theirs[k], f"{where}.{k}")
        return problems
    if isinstance(ours, list) and isinstance(theirs, list):
        return same_shape(ours[0], theirs[0], f"{where}[]")
    return [] if ours == theirs else [f"{where}: {ours} vs {theirs}"]


def of_type(items: list[dict], user_type: int) -> dict:
    return next(item for item in items if item["userType"] == user_type)


def test_the_stand_in_jellyseerrs_users_are_shaped_like_each_kind_of_real_one() -> None:
    recorded = [
        u
        for page in ("users_page1", "users_page2", "users_page3")
        for u in fixture(f"jellyseerr/{page}.json")["results"]
    ]
    world = JellyseerrWorld()
    ours = {
        jellyseerr.LOCAL: world.add_user("irving"),
        jellyseerr.PLEX: world.add_plex_user("kier.eagan", "kier@example.org"),
        jellyseerr.JELLYFIN: world.add_jellyfin_user("Mark"),
        jellyseerr.EMBY: world.add_jellyfin_user("HellyR", emby=True),
    }
    for user_type, user in ours.items():
        assert same_shape(keys_and_types(user), keys_and_types(of_type(recorded, user_type))) == [], user_type
    assert (ours[jellyseerr.JELLYFIN]["email"], ours[jellyseerr.JELLYFIN]["username"]) == ("mark", None)


def test_the_stand_in_jellyseerrs_requests_titles_pages_and_errors_are_shaped_like_the_real_ones() -> None:
    world = JellyseerrWorld()
    user = world.add_jellyfin_user("Mark")
    world.add_request(user, "tv", 95396, "Severance", tvdb_id=371980, seasons=(2,))
    world.add_request(user, "movie", 987654, "The Lumon Orientation Tapes")
    world.failing_titles.add(("tv", 1))
    recorded = fixture("jellyseerr/requests_page1.json")
    optional = frozenset(
        {"profileName", "mediaUrl", "serviceUrl"}
    )  # only with a Sonarr profile / on a server
    with serve(jellyseerr.create_app(world, "key")) as url:
        listing = httpx.get(f"{url}/api/v1/request", params={"take": 1}, headers={"X-Api-Key": "key"}).json()
        broken = httpx.get(f"{url}/api/v1/tv/1", headers={"X-Api-Key": "key"})
        refused = httpx.get(f"{url}/api/v1/user", headers={"X-Api-Key": "wrong"})
    assert same_shape(keys_and_types(listing, optional), keys_and_types(recorded, optional)) == []
    assert listing["pageInfo"] == {"pages": 2, "pageSize": 1, "results": 2, "page": 1}
    assert (broken.status_code, broken.json()) == (500, fixture("jellyseerr/tv_error_500.json"))
    assert refused.status_code == 403 and set(refused.json()) == {"status", "error"}
    hook = world.webhook(world.requests[0])
    assert (
        same_shape(keys_and_types(hook), keys_and_types(fixture("jellyseerr/webhook_media_approved.json")))
        == []
    )


def test_the_stand_in_sonarrs_webhook_and_api_are_shaped_like_the_real_ones() -> None:
    world = sonarr.SonarrWorld()
    series = world.add_series("Severance", 95396, 371980)
    payload = world.add_episode(series, 2, 1, "Hello, Ms. Cobel")
    optional = frozenset(
        {"imdbId", "originalLanguage", "sceneName", "releaseGroup", "mediaInfo", "sourcePath"}
    )
    recorded = fixture("sonarr/download.json")
    assert same_shape(keys_and_types(payload, optional), keys_and_types(recorded, optional)) == []
    upgrade = sonarr.download_payload(series, world.episodes, upgrade=True)
    assert upgrade["isUpgrade"] is True
    assert (
        upgrade["deletedFiles"][0].keys() <= fixture("sonarr/download_upgrade.json")["deletedFiles"][0].keys()
    )
    api_episode = fixture("sonarr/api_episodes_95396.json")[0]
    assert world.episodes[0].keys() <= api_episode.keys() | {"finaleType"}
    assert series.keys() <= fixture("sonarr/api_series.json")[0].keys()


def test_the_stand_in_sonarrs_calendar_is_shaped_like_the_real_one() -> None:
    world = sonarr.SonarrWorld()
    series = world.add_series("Severance", 95396, 371980)
    world.schedule(series, 2, 10, "Cold Harbor", datetime(2025, 3, 21, 1, tzinfo=UTC), finale="season")
    recorded = fixture("sonarr/api_calendar.json")
    # numbered absolutely: anime and some daily shows only; an overview: not yet for many unaired episodes
    optional = frozenset({"absoluteEpisodeNumber", "overview"})
    window = {"start": "2025-03-12T00:00:00Z", "end": "2025-03-22T00:00:00Z"}
    with serve(sonarr.create_app(world, "key")) as url:
        listed = httpx.get(f"{url}/api/v3/calendar", params=window, headers={"X-Api-Key": "key"}).json()
        with_series = httpx.get(
            f"{url}/api/v3/calendar", params=window | {"includeSeries": "true"}, headers={"X-Api-Key": "key"}
        ).json()
    finale = next(e for e in recorded if e.get("finaleType") == "season")
    assert same_shape(keys_and_types(listed[0], optional), keys_and_types(finale, optional)) == []
    assert listed[0].keys() - optional == finale.keys() - optional
    assert with_series[0]["series"].keys() <= fixture("sonarr/api_series.json")[0].keys()


def test_the_stand_in_jellyseerrs_poster_overview_and_watch_link_are_written_as_jellyseerrs() -> None:
    """A title's ``posterPath`` and ``overview`` (server/models/Tv.ts), and the ``mediaUrl`` a Media gets
    once Jellyfin has the show (server/entity/Media.ts ``setPlexUrls``: only with ``jellyfinMediaId``)."""
    world = JellyseerrWorld(jellyfin_url="https://jellyfin.example.com")
    user = world.add_jellyfin_user("Mark")
    world.add_request(user, "tv", 95396, "Severance", tvdb_id=371980, seasons=(2,))
    assert "mediaUrl" not in world.requests[0]["media"], "the media server has not got it yet"
    media = world.watchable("tv", 95396)
    recorded = fixture("jellyseerr/request_tv_season2.json")["media"]
    optional = frozenset({"seasons", "serviceUrl"})  # the one request's eager seasons; with a Sonarr set up
    assert same_shape(keys_and_types(media, optional), keys_and_types(recorded, optional)) == []
    shape = r"^https://jellyfin\.example\.com/web/index\.html#!/details\?id=[0-9a-f]{32}&context=home&serverId=[0-9a-f]{32}$"
    assert re.match(shape, recorded["mediaUrl"]) and re.match(shape, media["mediaUrl"])
    assert media["mediaUrl"].split("id=")[1].startswith(media["jellyfinMediaId"])
    with serve(jellyseerr.create_app(world, "key")) as url:
        title = httpx.get(f"{url}/api/v1/tv/95396", headers={"X-Api-Key": "key"}).json()
    theirs = fixture("jellyseerr/tv_95396.json")
    for key in ("posterPath", "overview"):
        assert type(title[key]) is type(theirs[key]) and title[key]
    assert title["posterPath"].startswith("/") and theirs["posterPath"].startswith("/")


def test_the_stand_in_jellyseerrs_user_settings_are_shaped_like_the_real_ones() -> None:
    """``/api/v1/user/{id}/settings/main``, where a person's ``locale`` is (no listing carries it)."""
    world = JellyseerrWorld()
    world.speaks(world.add_user("irving"), "de")
    world.add_jellyfin_user("Mark")
    with serve(jellyseerr.create_app(world, "key")) as url:
        german = httpx.get(f"{url}/api/v1/user/1/settings/main", headers={"X-Api-Key": "key"})
        unset = httpx.get(f"{url}/api/v1/user/2/settings/main", headers={"X-Api-Key": "key"}).json()
        listed = httpx.get(f"{url}/api/v1/user", headers={"X-Api-Key": "key"}).json()["results"]
    recorded = fixture("jellyseerr/user_settings_main.json")
    assert same_shape(keys_and_types(german.json()), keys_and_types(recorded)) == []
    assert (german.json()["locale"], unset["locale"]) == ("de", ""), "'' when the user chose none"
    assert all("settings" not in user and "locale" not in user for user in listed)
