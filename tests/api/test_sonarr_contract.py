"""Sonarr v4 as it is (payloads written from its source: tests/fixtures/upstream/sonarr/): every event
answers 2xx, its own way of authenticating works, and an upgrade is never news."""

import base64
import json
from pathlib import Path

import pytest
from nicegui.testing import User
from sqlmodel import select

from application import Airdate
from data.models import Episode, Notification
from settings import Settings

from ..utils.factories import make_tracked_show

SONARR = Path(__file__).resolve().parents[1] / "fixtures" / "upstream" / "sonarr"
WEBHOOKS = sorted(path.stem for path in SONARR.glob("*.json") if not path.name.startswith("api_"))
SECRET = "s3cret"
SEVERANCE = 95396  # the fixtures' show (tvdb 371980)


def payload(name: str) -> dict:
    return json.loads((SONARR / f"{name}.json").read_text())


@pytest.fixture
def sonarr_settings(settings: Settings) -> None:
    """A webhook secret, and basic auth with a password Latin-1 can write but ASCII cannot."""
    settings.webhook.secret = SECRET
    settings.webhook.username = "sonarr"
    settings.webhook.password = "pässwörd"


def tracked(airdate: Airdate) -> tuple[list[tuple[int, int]], int]:
    with airdate.database.reading() as session:
        episodes = sorted((e.season, e.number) for e in session.exec(select(Episode)).all())
        return episodes, len(session.exec(select(Notification)).all())


@pytest.mark.parametrize("event", WEBHOOKS)
async def test_every_event_sonarr_sends_answers_2xx(
    sonarr_settings: None, user: User, airdate: Airdate, event: str
) -> None:
    make_tracked_show(airdate.database, tmdb_id=SEVERANCE, requesters=1)
    body = payload(event)
    response = await user.http_client.post("/webhooks/sonarr", params={"secret": SECRET}, json=body)
    assert 200 <= response.status_code < 300, (response.status_code, response.text)


async def test_sonarrs_latin_1_basic_auth_and_its_put_method_work(
    sonarr_settings: None, user: User, airdate: Airdate
) -> None:
    make_tracked_show(airdate.database, tmdb_id=SEVERANCE, requesters=1)
    latin_1 = base64.b64encode("sonarr:pässwörd".encode("latin-1")).decode()  # as Sonarr sends it
    utf_8 = base64.b64encode("sonarr:pässwörd".encode()).decode()  # as curl sends it
    wrong = base64.b64encode("sonarr:passwort".encode("latin-1")).decode()
    for method, credentials, expected in (
        ("POST", latin_1, 200),
        ("PUT", latin_1, 200),
        ("PUT", utf_8, 200),
        ("POST", wrong, 401),
    ):
        response = await user.http_client.request(
            method,
            "/webhooks/sonarr",
            headers={"Authorization": f"Basic {credentials}"},
            json=payload("download"),
        )
        assert response.status_code == expected, (method, response.text)
    assert tracked(airdate) == ([(2, 1)], 1), "one delivery counted, the repeats were known"


@pytest.mark.both_databases
async def test_an_upgrade_is_never_news_also_for_an_episode_airdate_never_saw(
    sonarr_settings: None, user: User, airdate: Airdate
) -> None:
    make_tracked_show(airdate.database, tmdb_id=SEVERANCE, requesters=2)
    upgrade = payload("download_upgrade")
    assert upgrade["isUpgrade"] is True and upgrade["deletedFiles"]
    response = await user.http_client.post("/webhooks/sonarr", params={"secret": SECRET}, json=upgrade)
    assert response.json() | {"new": 1} == {
        "status": "ok",
        "upgrade": True,
        "new": 1,
        "known": 0,
        "untracked": 0,
    }
    episodes, notifications = tracked(airdate)
    assert notifications == 0 and len(episodes) == 1, "recorded as known, nobody told"
    again = dict(upgrade, isUpgrade=False)  # the same episode arriving as a plain import later: known
    await user.http_client.post("/webhooks/sonarr", params={"secret": SECRET}, json=again)
    assert tracked(airdate)[1] == 0


@pytest.mark.parametrize(
    ("event", "episodes"),
    [
        ("download_multi_episode", [(2, 1), (2, 2)]),  # one file, two episodes
        ("import_complete", None),  # eventType "Download" with episodeFiles
        ("download_manual_import", None),  # no release, no download client
        ("download_special", [(0, 2)]),
    ],
)
@pytest.mark.both_databases
async def test_imports_of_every_shape_track_their_episodes(
    sonarr_settings: None, user: User, airdate: Airdate, event: str, episodes: list | None
) -> None:
    make_tracked_show(airdate.database, tmdb_id=SEVERANCE, requesters=1)
    body = payload(event)
    expected = episodes or sorted((e["seasonNumber"], e["episodeNumber"]) for e in body["episodes"])
    response = await user.http_client.post("/webhooks/sonarr", params={"secret": SECRET}, json=body)
    assert response.json()["new"] == len(expected)
    assert tracked(airdate)[0] == expected


async def test_a_series_without_a_tmdb_id_is_matched_by_its_tvdb_id(
    sonarr_settings: None, user: User, airdate: Airdate
) -> None:
    body = payload("download_tmdb_zero")
    assert body["series"]["tmdbId"] == 0
    make_tracked_show(airdate.database, tmdb_id=777, requesters=1)
    with airdate.database.engine.begin() as connection:
        connection.exec_driver_sql(f"UPDATE media_requests SET tvdb_id = {body['series']['tvdbId']}")
    response = await user.http_client.post("/webhooks/sonarr", params={"secret": SECRET}, json=body)
    assert response.json()["new"] == len(body["episodes"]) and tracked(airdate)[1] == len(body["episodes"])
