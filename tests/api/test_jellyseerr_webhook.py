"""POST /webhooks/jellyseerr with the payload Jellyseerr's webhook agent sends (its default template),
and the scheduled sync that needs no click at all."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from nicegui.testing import User
from sqlmodel import select

from application import Airdate
from data.jellyseerr import seasons_of
from data.models import MediaRequest, RequestStatus
from settings import Settings
from standins.jellyseerr import DECLINED, JellyseerrWorld, create_app

from ..utils.server import Server
from ..utils.standins import serve
from ..utils.waiting import eventually

pytestmark = pytest.mark.both_databases


def payload(notification_type: str, request_id: int | None, tmdb_id: int = 95396) -> dict:
    """Jellyseerr's default webhook template as it renders it (its values are all text)."""
    return {
        "notification_type": notification_type,
        "event": "New Request",
        "subject": "Severance (2022)",
        "message": "A new request was approved.",
        "image": "https://image.tmdb.org/t/p/w600_and_h900_bestv2/x.jpg",
        "media": {
            "media_type": "tv",
            "tmdbId": str(tmdb_id),
            "tvdbId": "371980",
            "status": "PROCESSING",
            "status4k": "UNKNOWN",
        },
        "request": None
        if request_id is None
        else {
            "request_id": str(request_id),
            "requestedBy_email": "ada@example.org",
            "requestedBy_username": "ada",
            "requestedBy_avatar": "",
        },
        "issue": None,
        "comment": None,
        "extra": [],
    }


@pytest.fixture
def world(settings: Settings) -> Iterator[JellyseerrWorld]:
    """A stand-in Jellyseerr with Ada's approved request, and Airdate pointed at it (before ``user``)."""
    world = JellyseerrWorld()
    world.add_request(world.add_user("ada"), "tv", 95396, "Severance", tvdb_id=371980)
    with serve(create_app(world, "key")) as url:
        settings.jellyseerr.url, settings.jellyseerr.api_key = url, "key"
        yield world


def stored(airdate: Airdate) -> list[tuple[int, str, str]]:
    with airdate.database.reading() as session:
        rows = session.exec(select(MediaRequest)).all()
        return [(r.jellyseerr_id, r.title, r.status) for r in rows]


async def test_an_approved_request_is_tracked_when_the_webhook_answers(
    world: JellyseerrWorld, user: User, airdate: Airdate
) -> None:
    response = await user.http_client.post("/webhooks/jellyseerr", json=payload("MEDIA_APPROVED", 1))
    assert response.status_code == 200, response.text
    assert response.json() == {"status": "ok", "request": "created"}
    assert stored(airdate) == [(1, "Severance", RequestStatus.APPROVED)]

    world.requests[0]["status"] = DECLINED
    response = await user.http_client.post("/webhooks/jellyseerr", json=payload("MEDIA_DECLINED", 1))
    assert response.json()["request"] == "updated"
    assert stored(airdate) == [(1, "Severance", RequestStatus.DECLINED)]


async def test_the_test_button_and_other_events_store_nothing(
    world: JellyseerrWorld, user: User, airdate: Airdate
) -> None:
    test = await user.http_client.post("/webhooks/jellyseerr", json=payload("TEST_NOTIFICATION", None))
    assert test.json()["message"] == "Airdate received Jellyseerr's test"
    issue = await user.http_client.post("/webhooks/jellyseerr", json=payload("ISSUE_CREATED", None))
    assert issue.json() == {"status": "ignored", "notification_type": "ISSUE_CREATED"}
    assert stored(airdate) == []


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"subject": "no type"}, "malformed Jellyseerr payload: notification_type: Field required"),
        (payload("MEDIA_APPROVED", None), "a MEDIA_APPROVED event needs request.request_id"),
        ({**payload("MEDIA_APPROVED", 1), "request": {"request_id": "{{request_id}}"}}, "request.request_id"),
    ],
)
async def test_a_malformed_payload_is_a_422_and_stores_nothing(
    world: JellyseerrWorld, user: User, airdate: Airdate, body: dict, reason: str
) -> None:
    response = await user.http_client.post("/webhooks/jellyseerr", json=body)
    assert response.status_code == 422
    assert reason in response.json()["detail"]
    assert stored(airdate) == []


async def test_an_unknown_request_is_a_502_that_says_so(world: JellyseerrWorld, user: User) -> None:
    response = await user.http_client.post("/webhooks/jellyseerr", json=payload("MEDIA_APPROVED", 77))
    assert response.status_code == 502
    assert "could not read the request from Jellyseerr" in response.json()["detail"]


async def test_the_scheduled_sync_picks_up_a_new_request_without_a_click(airdate_env: str) -> None:
    world = JellyseerrWorld()
    with serve(create_app(world, "key")) as url:
        settings = {
            "jellyseerr_url": url,
            "jellyseerr_api_key": "key",
            "sync_interval": "1",
            "stats_interval": "0.5",
        }
        server = Server(airdate_env, settings).start()
        try:
            world.add_request(world.add_user("ada"), "tv", 95396, "Severance")
            await eventually(lambda: server.stats()["requests"]["tracking"] == 1, within=15)
            assert server.stats()["users"] == 1
        finally:
            output = server.stop()
    assert "sync-requests started by the schedule" in output


JELLYSEERR = Path(__file__).resolve().parents[1] / "fixtures" / "upstream" / "jellyseerr"
HOOKS = sorted(path.stem for path in JELLYSEERR.glob("webhook_*.json"))


@pytest.fixture
def recorded(settings: Settings) -> Iterator[JellyseerrWorld]:
    """Jellyseerr's answers as its source writes them (request 41: Mark, season 2 of Severance)."""
    world = JellyseerrWorld.recorded(JELLYSEERR)
    with serve(create_app(world, "key")) as url:
        settings.jellyseerr.url, settings.jellyseerr.api_key = url, "key"
        yield world


@pytest.mark.parametrize("hook", HOOKS)
async def test_every_payload_of_jellyseerrs_default_template_is_understood(
    recorded: JellyseerrWorld, user: User, airdate: Airdate, hook: str
) -> None:
    body = json.loads((JELLYSEERR / f"{hook}.json").read_text())
    if body["request"] is not None and not any(
        r["id"] == int(body["request"]["request_id"]) for r in recorded.requests
    ):
        # each payload is a snapshot of its own moment: its request joins the listing, shaped like 41
        recorded.requests.append({**recorded.requests[-1], "id": int(body["request"]["request_id"])})
    response = await user.http_client.post("/webhooks/jellyseerr", json=body)
    assert response.status_code == 200, response.text
    if body["request"] is None:  # the test button, an issue
        assert stored(airdate) == []
    else:
        request_id = int(body["request"]["request_id"])
        assert [row[0] for row in stored(airdate)] == [request_id]
        with airdate.database.reading() as session:
            request = session.exec(select(MediaRequest)).one()
            assert seasons_of(session, request.id) == [
                int(s["seasonNumber"]) for s in _seasons(recorded, request_id)
            ]


def _seasons(world: JellyseerrWorld, request_id: int) -> list[dict]:
    return next(r for r in world.requests if r["id"] == request_id)["seasons"]
