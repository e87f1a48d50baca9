"""Preferences and channels through the REST API: an admin token changes what a user gets, answers and
audit lines never show a channel's secrets, and nobody else may."""

import logging
from collections.abc import Iterator

import httpx
import pytest
from sqlmodel import select

from data import Database
from data.counters import read_stats
from data.models import Notification
from services.access import Access
from settings import Settings
from standins.smtp import Sink
from standins.webhook_sink import WebhookSink

from ..utils.console import Console
from ..utils.factories import land_episode, make_tracked_show, make_users

ELSEWHERE = "198.51.100.23"  # not this machine: credentials are needed
SECRET = "hunter2secret"


@pytest.fixture
def tokens(database: Database) -> dict[str, str]:
    access = Access(database)
    access.add_account("vic", "viewer-password", "viewer", by="test")
    return {scope: access.mint_token(f"{scope}-token", scope, by="test") for scope in ("read", "admin")}


@pytest.fixture
def hooks() -> Iterator[WebhookSink]:
    with WebhookSink() as sink:
        yield sink


@pytest.fixture
def settings(settings: Settings, tokens: dict[str, str], mail_server: tuple[Sink, int]) -> Settings:
    settings.smtp.host, settings.smtp.port, settings.smtp.tls = "127.0.0.1", mail_server[1], "none"
    settings.delivery.send_interval = 3600.0  # nothing leaves on its own
    return settings


@pytest.fixture
def admin(console: Console, tokens: dict[str, str]) -> httpx.AsyncClient:
    program = console.http_client(ELSEWHERE)
    program.headers["Authorization"] = f"Bearer {tokens['admin']}"
    return program


def audit_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "airdate.audit"]


def statuses(database: Database) -> list[str]:
    with database.reading() as session:
        return list(session.exec(select(Notification.status).order_by(Notification.id)).all())


async def test_an_admin_token_reads_and_changes_preferences_and_queued_items_follow(
    admin: httpx.AsyncClient, database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="airdate.audit")
    (fan,) = make_tracked_show(database, tmdb_id=1, requesters=1)
    land_episode(database, 1, 1, 1)
    read = await admin.get(f"/api/users/{fan}/preferences")
    assert read.status_code == 200
    assert read.json() == {
        "user_id": fan,
        "username": "fan1_0",
        "mode": "as_they_land",
        "digest_at": "08:00",
        "time_zone": "UTC",
        "email": "fan1_0@example.org",
        "email_enabled": True,
        "channels": [],
        "shows": [{"tmdb_id": 1, "title": "Show 1", "muted": False, "rule": None, "followed": False}],
        "email_note": "",
        "email_set_by_admin": False,
        "removed": False,
        "episode_rule": "each",
        "locale": "",  # Jellyseerr's settings.locale for them ('': none set, the admin's default speaks)
    }

    changed = await admin.put(
        f"/api/users/{fan}/preferences",
        json={"mode": "digest", "digest_at": "07:30", "time_zone": "Europe/Berlin", "muted": [1]},
    )
    assert changed.status_code == 200
    assert changed.json()["skipped"] == 1, "the muted show's queued episode is not sent"
    after = changed.json()["preferences"]
    assert (after["mode"], after["digest_at"], after["time_zone"]) == ("digest", "07:30", "Europe/Berlin")
    assert after["shows"] == [
        {"tmdb_id": 1, "title": "Show 1", "muted": True, "rule": None, "followed": False}
    ]
    assert statuses(database) == ["skipped"]
    assert database.read(read_stats).notifications_skipped == 1
    assert (
        f"token admin-token changed digest_at, mode, muted, time_zone of user {fan} (fan1_0); "
        "1 queued item(s) skipped" in audit_lines(caplog)
    )
    assert (await admin.get(f"/api/users/{fan}/preferences")).json() == after


async def test_a_value_that_cannot_be_kept_is_422_with_the_reason_and_changes_nothing(
    admin: httpx.AsyncClient, database: Database
) -> None:
    (lena,) = make_users(database, 1, prefix="lena")
    path = f"/api/users/{lena}/preferences"
    for body, reason in (
        ({"mode": "sometimes"}, "mode must be one of as_they_land, digest, off, not 'sometimes'"),
        ({"digest_at": "25:00"}, "digest time must be HH:MM on a 24-hour clock, not '25:00'"),
        ({"time_zone": "Mars/Olympus", "mode": "off"}, "unknown time zone 'Mars/Olympus'"),
    ):
        refused = await admin.put(path, json=body)
        assert refused.status_code == 422, body
        assert refused.json()["detail"].startswith(reason)
    for garbage in ({"colour": "blue"}, {"muted": ["one"]}, {"email_enabled": "perhaps"}):
        assert (await admin.put(path, json=garbage)).status_code == 422, garbage
    assert (await admin.get(path)).json()["mode"] == "as_they_land", "the refused 'off' was not kept"


async def test_a_channel_is_added_masked_tested_and_removed_and_its_secret_never_shows(
    admin: httpx.AsyncClient,
    database: Database,
    hooks: WebhookSink,
    mail_server: tuple[Sink, int],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    (lena,) = make_users(database, 1, prefix="lena")
    url = f"json://bob:{SECRET}@127.0.0.1:{hooks.port}/hook"
    label = f"json://bob:****@127.0.0.1:{hooks.port}/hook"
    answers = []

    added = await admin.post(f"/api/users/{lena}/channels", json={"url": url})
    answers.append(added)
    assert added.status_code == 201
    channel = added.json()
    assert channel == {"id": channel["id"], "label": label}
    answers.append(read := await admin.get(f"/api/users/{lena}/preferences"))
    assert read.json()["channels"] == [channel]

    answers.append(tested := await admin.post(f"/api/users/{lena}/test-notification"))
    assert tested.status_code == 200
    assert tested.json() == {
        "results": [
            {"channel": "e-mail", "ok": True, "error": None},
            {"channel": label, "ok": True, "error": None},
        ]
    }
    (mail,) = mail_server[0].received
    assert mail.recipients == ["lena0@example.org"] and mail.subject == "Airdate test notification"
    (hit,) = hooks.hits
    assert (hit.path, hit.json()["title"]) == ("/hook", "Airdate test notification")

    hooks.fail_with = 500
    answers.append(failing := await admin.post(f"/api/users/{lena}/test-notification"))
    (email, hook) = failing.json()["results"]
    assert email["ok"] is True
    assert hook["ok"] is False and "500" in hook["error"]

    answers.append(removed := await admin.delete(f"/api/users/{lena}/channels/{channel['id']}"))
    assert removed.json() == {"id": channel["id"], "removed": True, "skipped": 0}
    assert (await admin.get(f"/api/users/{lena}/preferences")).json()["channels"] == []
    again = await admin.delete(f"/api/users/{lena}/channels/{channel['id']}")
    assert (again.status_code, again.json()["detail"]) == (404, f"user {lena} has no channel {channel['id']}")

    audit = audit_lines(caplog)
    assert f"token admin-token added channel {channel['id']} ({label}) for user {lena} (lena0)" in audit
    assert f"token admin-token sent a test notification to user {lena} (lena0)" in audit
    assert any(
        line.startswith(f"token admin-token removed channel {channel['id']} ({label})") for line in audit
    )
    for response in answers:
        assert SECRET not in response.text
    logged = [record.getMessage() for record in caplog.records]
    assert logged and not [line for line in logged if SECRET in line], "the password was logged"


async def test_a_url_apprise_cannot_use_is_422_with_the_reason(
    admin: httpx.AsyncClient, database: Database
) -> None:
    (lena,) = make_users(database, 1, prefix="lena")
    for url, reason in (
        ("hello", "not a notification URL: it looks like service://…, e.g. ntfys://ntfy.sh/topic"),
        ("nosuch://x/y", "Apprise cannot use this nosuch:// URL: unknown service or a part is missing"),
        ("json://a\x00b/c", "the URL has control characters in it"),
    ):
        refused = await admin.post(f"/api/users/{lena}/channels", json={"url": url})
        assert (refused.status_code, refused.json()["detail"]) == (422, reason), url
    assert (await admin.post(f"/api/users/{lena}/channels", json={})).status_code == 422
    assert (await admin.get(f"/api/users/{lena}/preferences")).json()["channels"] == []


async def test_an_unknown_user_is_404_everywhere_and_another_users_channel_is_404(
    admin: httpx.AsyncClient, database: Database
) -> None:
    lena, max_ = make_users(database, 2, prefix="lena")
    hers = (await admin.post(f"/api/users/{lena}/channels", json={"url": "ntfy://127.0.0.1:9/t"})).json()
    nobody = "/api/users/999999"
    for method, path, body in (
        ("GET", f"{nobody}/preferences", None),
        ("PUT", f"{nobody}/preferences", {"mode": "off"}),
        ("POST", f"{nobody}/channels", {"url": "ntfy://127.0.0.1:9/t"}),
        ("POST", f"{nobody}/channels", {"url": "not a url"}),
        ("DELETE", f"{nobody}/channels/{hers['id']}", None),
        ("POST", f"{nobody}/test-notification", None),
    ):
        missing = await admin.request(method, path, json=body)
        assert (missing.status_code, missing.json()["detail"]) == (404, "there is no user 999999"), path
    not_his = await admin.delete(f"/api/users/{max_}/channels/{hers['id']}")
    assert not_his.status_code == 404
    assert (await admin.get(f"/api/users/{lena}/preferences")).json()["channels"] == [hers]


async def test_a_viewer_and_a_read_token_get_403_and_change_nothing(
    console: Console, tokens: dict[str, str], database: Database
) -> None:
    (lena,) = make_users(database, 1, prefix="lena")
    vic = console.http_client(ELSEWHERE)
    await vic.post("/login", data={"username": "vic", "password": "viewer-password", "next": "/"})
    reader = console.http_client(ELSEWHERE)
    reader.headers["Authorization"] = f"Bearer {tokens['read']}"
    anonymous = console.http_client(ELSEWHERE)
    calls = (
        ("GET", f"/api/users/{lena}/preferences", None),
        ("PUT", f"/api/users/{lena}/preferences", {"mode": "off"}),
        ("POST", f"/api/users/{lena}/channels", {"url": "ntfy://127.0.0.1:9/t"}),
        ("DELETE", f"/api/users/{lena}/channels/1", None),
        ("POST", f"/api/users/{lena}/test-notification", None),
    )
    for method, path, body in calls:
        for who, expected in ((vic, 403), (reader, 403), (anonymous, 401)):
            answer = await who.request(method, path, json=body, headers={"Origin": "http://localhost"})
            assert answer.status_code == expected, (method, path, answer.status_code)
    refused = await vic.get(f"/api/users/{lena}/preferences")
    assert "vic (viewer) may not do this" in refused.json()["detail"]
    with database.reading() as session:
        from data.models import Channel, User

        assert session.get(User, lena).notify_mode == "as_they_land"
        assert session.exec(select(Channel)).all() == []


async def test_an_admin_gives_an_address_to_a_user_jellyseerr_has_none_for(
    admin: httpx.AsyncClient, database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    """A Jellyfin user's name in Jellyseerr's ``email`` is no address: the API says so, refuses another
    non-address, and takes one an admin gives; the next e-mail preview then has somebody to go to."""
    caplog.set_level(logging.INFO, logger="airdate.audit")
    (mark,) = make_users(database, 1, prefix="mark")
    with database.engine.begin() as connection:  # as a sync leaves a Jellyfin user without an address
        connection.exec_driver_sql(f"UPDATE users SET email = '', upstream_email = 'mark' WHERE id = {mark}")
    shown = (await admin.get(f"/api/users/{mark}/preferences")).json()
    assert (shown["email"], shown["email_note"]) == (
        "",
        "no e-mail address (Jellyseerr has 'mark', which is not one)",
    )
    preview = (await admin.get(f"/api/users/{mark}/next-email")).json()
    assert (preview["items"], preview["note"]) == (
        0,
        "No e-mail: no e-mail address (Jellyseerr has 'mark', which is not one).",
    )
    refused = await admin.put(f"/api/users/{mark}/preferences", json={"email": "mark"})
    assert (refused.status_code, refused.json()["detail"]) == (422, "'mark' is not an e-mail address")
    given = await admin.put(f"/api/users/{mark}/preferences", json={"email": "mark@lumon.example"})
    assert given.status_code == 200, given.text
    kept = given.json()["preferences"]
    assert (kept["email"], kept["email_set_by_admin"]) == ("mark@lumon.example", True)
    assert kept["email_note"].startswith("set by an admin")
    assert any("changed email of user" in line for line in audit_lines(caplog))
