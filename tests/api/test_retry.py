"""Retrying failed notifications through the REST API: one by id, or all with the retry-failed action."""

import logging

import pytest
from nicegui.testing import User
from sqlmodel import select

from data import Database
from data.counters import read_stats
from data.models import Notification, NotificationStatus
from services.access import Access
from settings import Settings
from ui.recent_notifications import NotificationTable

from ..utils.console import Console
from ..utils.factories import make_notifications, set_status
from ..utils.pages import open_dashboard
from ..utils.waiting import eventually

PASSWORDS = {"alice": "alice-password", "vic": "viewer-password"}
ELSEWHERE = "198.51.100.23"  # not this machine: credentials are needed
SAME_SITE = {"Origin": "http://localhost"}


@pytest.fixture
def tokens(database: Database) -> dict[str, str]:
    """Alice (admin), Vic (viewer), a read and an admin token, made before the app starts."""
    access = Access(database)
    access.add_account("alice", PASSWORDS["alice"], "admin", by="test")
    access.add_account("vic", PASSWORDS["vic"], "viewer", by="test")
    return {scope: access.mint_token(f"{scope}-token", scope, by="test") for scope in ("read", "admin")}


@pytest.fixture
def settings(settings: Settings, tokens: dict[str, str]) -> Settings:
    return settings


@pytest.fixture
def notes(database: Database) -> dict[str, int]:
    """A failed, a pending and a sent notification."""
    failed, pending, sent = make_notifications(database, 3)
    set_status(database, failed, NotificationStatus.FAILED)
    set_status(database, sent, NotificationStatus.SENT)
    return {"failed": failed, "pending": pending, "sent": sent}


def status(database: Database, notification_id: int) -> str:
    with database.reading() as session:
        return session.exec(select(Notification.status).where(Notification.id == notification_id)).one()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_an_admin_token_retries_a_failed_notification_and_the_audit_log_says_who(
    console: Console,
    tokens: dict[str, str],
    notes: dict[str, int],
    database: Database,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="airdate.audit")
    nid = notes["failed"]
    response = await console.http_client(ELSEWHERE).post(
        f"/api/notifications/{nid}/retry", headers=bearer(tokens["admin"])
    )
    assert response.status_code == 200
    assert response.json() == {"id": nid, "status": "pending"}
    assert status(database, nid) == "pending"
    audit = [r.getMessage() for r in caplog.records if r.name == "airdate.audit"]
    assert f"token admin-token retried notification {nid}" in audit
    await eventually(lambda: console.app.database.read(read_stats).notifications_failed == 0)


async def test_unknown_is_404_and_not_failed_is_409_with_the_reason(
    console: Console, tokens: dict[str, str], notes: dict[str, int], database: Database
) -> None:
    program = console.http_client(ELSEWHERE)
    admin = bearer(tokens["admin"])
    missing = await program.post("/api/notifications/999/retry", headers=admin)
    assert (missing.status_code, missing.json()["detail"]) == (404, "there is no notification 999")
    for kind in ("pending", "sent"):
        nid = notes[kind]
        refused = await program.post(f"/api/notifications/{nid}/retry", headers=admin)
        assert refused.status_code == 409
        assert refused.json()["detail"] == (
            f"notification {nid} is {kind}, not failed: only failed ones are retried"
        )
        assert status(database, nid) == kind
    garbage = await program.post("/api/notifications/nope/retry", headers=admin)
    assert garbage.status_code == 422
    assert status(database, notes["failed"]) == "failed"


async def test_only_admins_may_retry(
    console: Console, tokens: dict[str, str], notes: dict[str, int], database: Database
) -> None:
    path = f"/api/notifications/{notes['failed']}/retry"
    anonymous = await console.http_client(ELSEWHERE).post(path)
    assert anonymous.status_code == 401
    read = await console.http_client(ELSEWHERE).post(path, headers=bearer(tokens["read"]))
    assert read.status_code == 403
    vic = console.http_client(ELSEWHERE)
    await vic.post("/login", data={"username": "vic", "password": PASSWORDS["vic"], "next": "/"})
    refused = await vic.post(path, headers=SAME_SITE)
    assert refused.status_code == 403
    assert "vic (viewer) may not do this" in refused.json()["detail"]
    assert status(database, notes["failed"]) == "failed"

    alice = console.http_client(ELSEWHERE)
    await alice.post("/login", data={"username": "alice", "password": PASSWORDS["alice"], "next": "/"})
    assert (await alice.post(path, headers=SAME_SITE)).status_code == 200
    assert status(database, notes["failed"]) == "pending"


async def test_only_an_admins_dashboard_has_retry_buttons(console: Console, notes: dict[str, int]) -> None:
    retryable = {}
    for name in ("alice", "vic"):
        browser = User(console.http_client(ELSEWHERE))
        await browser.http_client.post(
            "/login", data={"username": name, "password": PASSWORDS[name], "next": "/"}
        )
        await open_dashboard(browser)
        (table,) = browser.find(kind=NotificationTable).elements
        retryable[name] = table.props["retryable"]
    assert retryable == {"alice": True, "vic": False}


async def test_retry_failed_without_email_fails_like_send_pending_and_moves_nothing(
    console: Console, tokens: dict[str, str], notes: dict[str, int], database: Database
) -> None:
    program = console.http_client(ELSEWHERE)
    admin = bearer(tokens["admin"])
    started = await program.post("/api/actions/retry-failed", headers=admin)
    assert started.status_code == 202
    assert started.json()["started_by"] == "token admin-token"
    job_id = started.json()["job_id"]

    async def finished() -> bool:
        return (await program.get(f"/api/jobs/{job_id}", headers=admin)).json()["status"] != "running"

    await eventually(finished)
    job = (await program.get(f"/api/jobs/{job_id}", headers=admin)).json()
    assert (job["status"], job["error"]) == ("failed", "e-mail is not configured: set AIRDATE_SMTP_HOST")
    assert status(database, notes["failed"]) == "failed"
    read = await program.post("/api/actions/retry-failed", headers=bearer(tokens["read"]))
    assert read.status_code == 403
