"""Overseerr end to end (its answers written from its source: Plex users whose ``username`` is null):
a real Airdate syncs from it, Sonarr's webhook lands an episode, and exactly the requesters of that
season get an e-mail."""

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from standins.jellyseerr import JellyseerrWorld, create_app
from standins.smtp import Sink

from ..utils.actions import run_action
from ..utils.mailing import sending_server
from ..utils.server import Server
from ..utils.standins import serve
from ..utils.waiting import eventually

UPSTREAM = Path(__file__).resolve().parents[1] / "fixtures" / "upstream"
KEY, SECRET = "overseerr-key", "sonarr-secret"


@pytest.fixture
def overseerr() -> Iterator[str]:
    with serve(create_app(JellyseerrWorld.recorded(UPSTREAM / "overseerr"), KEY)) as url:
        yield url


@pytest.fixture
def airdate(airdate_env: str, overseerr: str, sink: tuple[Sink, int]) -> Iterator[Server]:
    settings = {"jellyseerr_url": overseerr, "jellyseerr_api_key": KEY, "webhook_secret": SECRET}
    server = sending_server(airdate_env, sink[1], **settings, sync_interval="0").start()
    yield server
    server.stop()


async def test_overseerr_plex_users_are_synced_and_told_of_the_season_they_asked_for(
    airdate: Server, sink: tuple[Sink, int]
) -> None:
    mailbox, _ = sink
    async with httpx.AsyncClient(base_url=airdate.url, timeout=10) as client:
        users = await run_action(client, "sync-users")
        requests = await run_action(client, "sync-requests")
        assert (users["status"], users["counts"]) == ("succeeded", {"created": 3})
        assert (requests["status"], requests["counts"]) == ("succeeded", {"created": 5})
        names = {row[0] for row in airdate.query("SELECT username FROM users")}
        assert names == {"h.cobel", "seth.milchick", "ms.casey"}, "Plex users are named by plexUsername"
        download = json.loads((UPSTREAM / "sonarr" / "download.json").read_text())  # Severance S02E01
        landed = await client.post("/webhooks/sonarr", params={"secret": SECRET}, json=download)
        assert landed.json()["new"] == 1
    await eventually(lambda: len(mailbox.received) >= 2, within=15, what="the season 2 requesters' mail")
    recipients = sorted(address for mail in mailbox.received for address in mail.recipients)
    assert recipients == ["cobel@example.com", "milchick@example.com"], "not ms.casey: season 1 only"
    assert {mail.subject for mail in mailbox.received} == {"New episode: Severance S02E01"}
