"""POST /webhooks/sonarr with payloads shaped like Sonarr's documented ones."""

import base64

import httpx
import pytest
from nicegui.testing import User
from sqlmodel import select

from application import Airdate
from data.counters import read_stats
from data.models import Episode, MediaRequest, Notification
from settings import Settings

from ..utils.console import Console
from ..utils.factories import make_tracked_show
from ..utils.server import Server

pytestmark = pytest.mark.both_databases

SECRET = "s3cret"
SERIES = {
    "id": 7,
    "title": "Saltmarsh",
    "path": "/tv/Saltmarsh",
    "tvdbId": 81003,
    "tmdbId": 91003,
    "type": "standard",
}


def download(*episodes: tuple[int, int], series: dict = SERIES) -> dict:
    """Sonarr v4's "On Import" payload (eventType Download)."""
    return {
        "eventType": "Download",
        "instanceName": "Sonarr",
        "applicationUrl": "",
        "series": series,
        "episodes": [
            {
                "id": 100 + number,
                "episodeNumber": number,
                "seasonNumber": season,
                "title": f"Episode {number}",
                "airDate": "2026-11-27",
                "airDateUtc": "2026-11-27T21:00:00Z",
            }
            for season, number in episodes
        ],
        "episodeFile": {"id": 1, "relativePath": "S01E01.mkv", "quality": "WEBDL-1080p", "size": 1},
        "isUpgrade": False,
        "downloadClient": "qBittorrent",
        "downloadId": "ABC",
    }


@pytest.fixture
def webhook_env(settings: Settings) -> None:
    """Both ways Sonarr can authenticate are set up (request this before ``user``)."""
    settings.webhook.secret = SECRET
    settings.webhook.username = "sonarr"
    settings.webhook.password = "pw"


def counts(airdate: Airdate) -> tuple[int, int]:
    with airdate.database.reading() as session:
        return len(session.exec(select(Episode)).all()), len(session.exec(select(Notification)).all())


async def post(user: User, body: object, **kwargs: object):
    kwargs.setdefault("params", {"secret": SECRET})
    return await user.http_client.post("/webhooks/sonarr", json=body, **kwargs)


async def test_sonarrs_test_event_answers_200(webhook_env: None, user: User, airdate: Airdate) -> None:
    response = await post(user, {"eventType": "Test", "series": SERIES, "episodes": []})
    assert response.status_code == 200
    assert counts(airdate) == (0, 0)


async def test_a_download_of_a_tracked_show_notifies_each_requester_once(
    webhook_env: None, user: User, airdate: Airdate
) -> None:
    make_tracked_show(airdate.database, tmdb_id=91003, requesters=3)
    response = await post(user, download((1, 1), (1, 2)))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "upgrade": False, "new": 2, "known": 0, "untracked": 0}
    assert counts(airdate) == (2, 6)
    again = await post(user, download((1, 1), (1, 2)))  # Sonarr retries
    assert again.json()["new"] == 0 and again.json()["known"] == 2
    assert counts(airdate) == (2, 6)
    assert airdate.database.read(read_stats).notifications_pending == 6


async def test_a_show_is_matched_by_tvdb_id_too(webhook_env: None, user: User, airdate: Airdate) -> None:
    make_tracked_show(airdate.database, tmdb_id=91003, requesters=1)
    with airdate.database.transaction() as session:
        for request in session.exec(select(MediaRequest)).all():
            request.tvdb_id = 81003
            session.add(request)
    response = await post(user, download((2, 1), series={**SERIES, "tmdbId": 0}))
    assert response.json()["new"] == 1


async def test_a_show_nobody_tracks_stores_nothing(webhook_env: None, user: User, airdate: Airdate) -> None:
    response = await post(user, download((1, 1)))
    assert response.json() == {"status": "ok", "upgrade": False, "new": 0, "known": 0, "untracked": 1}
    assert counts(airdate) == (0, 0)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"series": SERIES, "episodes": []}, "eventType: Field required"),
        ({"eventType": "Download", "series": SERIES, "episodes": [{"seasonNumber": "one"}]}, "episodes.0"),
        ({"eventType": "Download", "series": SERIES, "episodes": []}, "needs series and episodes"),
        ({"eventType": "Download", "episodes": [{"seasonNumber": 1, "episodeNumber": 1}]}, "needs series"),
        ([1, 2, 3], "malformed Sonarr payload"),
    ],
)
async def test_a_malformed_payload_is_a_422_with_the_reason(
    webhook_env: None, user: User, body: object, reason: str, airdate: Airdate
) -> None:
    make_tracked_show(airdate.database, tmdb_id=91003, requesters=1)
    response = await post(user, body)
    assert response.status_code == 422
    assert reason in response.json()["detail"]
    assert counts(airdate) == (0, 0)


async def test_a_body_that_is_not_json_is_a_422(webhook_env: None, user: User) -> None:
    response = await user.http_client.post("/webhooks/sonarr", params={"secret": SECRET}, content=b"{nope")
    assert response.status_code == 422
    assert "not JSON" in response.json()["detail"]


async def test_other_events_are_acknowledged_and_ignored(
    webhook_env: None, user: User, airdate: Airdate
) -> None:
    make_tracked_show(airdate.database, tmdb_id=91003, requesters=1)
    response = await post(user, {**download((1, 1)), "eventType": "Grab"})
    assert response.json() == {"status": "ignored", "eventType": "Grab"}
    assert counts(airdate) == (0, 0)


async def test_credentials_are_required(webhook_env: None, user: User) -> None:
    assert (await post(user, download((1, 1)), params={})).status_code == 401
    assert (await post(user, download((1, 1)), params={"secret": "wrong"})).status_code == 401
    token = base64.b64encode(b"sonarr:pw").decode()
    basic = await post(user, {"eventType": "Test"}, params={}, headers={"Authorization": f"Basic {token}"})
    assert basic.status_code == 200
    wrong = base64.b64encode(b"sonarr:nope").decode()
    denied = await post(user, {"eventType": "Test"}, params={}, headers={"Authorization": f"Basic {wrong}"})
    assert denied.status_code == 401


async def test_an_unconfigured_webhook_serves_this_machine_only(user: User, console: Console) -> None:
    """Without a secret, a Sonarr on this machine may post; any other address is told how to set one."""
    assert (await post(user, {"eventType": "Test"}, params={})).status_code == 200
    elsewhere = console.http_client("192.0.2.7")
    response = await elsewhere.post("/webhooks/sonarr", json={"eventType": "Test"})
    assert response.status_code == 503
    assert "AIRDATE_WEBHOOK_SECRET" in response.json()["detail"]


@pytest.mark.parametrize("secret", ["sécret", "秘密", "\u0000"])
async def test_a_non_ascii_secret_is_a_401_not_a_500(webhook_env: None, user: User, secret: str) -> None:
    assert (await post(user, {"eventType": "Test"}, params={"secret": secret})).status_code == 401
    basic = base64.b64encode(f"sönarr:{secret}".encode()).decode()
    headers = {"Authorization": f"Basic {basic}"}
    assert (await post(user, {"eventType": "Test"}, params={}, headers=headers)).status_code == 401


async def test_a_deeply_nested_body_is_a_prompt_422_not_a_hang(airdate_env: str) -> None:
    """Regression: 200 KB nested 100,000 levels deep raised RecursionError; the log filter then
    recursed through the exception chain too, no response was ever sent and the client hung."""
    sonarr = Server(airdate_env, {"webhook_secret": SECRET}).start()
    try:
        async with httpx.AsyncClient(base_url=sonarr.url, timeout=10) as client:
            deep = b"[" * 100_000 + b"]" * 100_000
            nested = await client.post("/webhooks/sonarr", params={"secret": SECRET}, content=deep)
            huge = await client.post(
                "/webhooks/sonarr", params={"secret": SECRET}, content=b" " * (2 * 1024 * 1024)
            )
            after = await client.post(
                "/webhooks/sonarr", params={"secret": SECRET}, json={"eventType": "Test"}
            )
    finally:
        printed = sonarr.stop()
    assert nested.status_code == 422
    assert "nested too deeply" in nested.json()["detail"]
    assert huge.status_code == 413
    assert "larger than 1024 KiB" in huge.json()["detail"]
    assert after.status_code == 200, "the server carries on"
    assert "Traceback" not in printed
