"""Behind a reverse proxy: forwarding headers and an authenticating proxy's user header are believed
from AIRDATE_TRUSTED_PROXIES only."""

import pytest

from data import Database
from services.access import Access
from settings import Settings

from ..utils.console import Console

PROXY = "10.1.2.3"
STRANGER = "192.0.2.9"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    settings.auth.trusted_proxies = "10.0.0.0/8, 127.0.0.1"
    settings.auth.auth_header = "Remote-User"
    return settings


@pytest.fixture
def console(database: Database, console: Console) -> Console:
    """Alice exists (added from outside, as the command line would)."""
    Access(database).add_account("alice", "alice-password", "admin", by="test")
    console.app.identities.forget()
    return console


async def test_the_user_header_counts_from_a_trusted_proxy_only(console: Console) -> None:
    vouched = await console.http_client(PROXY).get(
        "/", headers={"Remote-User": "alice", "Accept": "text/html"}
    )
    assert vouched.status_code == 200
    assert "signed in as alice (admin)" in vouched.text
    forged = await console.http_client(STRANGER).get(
        "/", headers={"Remote-User": "alice", "Accept": "text/html"}
    )
    assert forged.status_code == 303, "from anywhere else the header is ignored"
    stranger = await console.http_client(PROXY).get("/api/stats", headers={"Remote-User": "mallory"})
    assert stranger.status_code == 403
    assert "no Airdate account" in stranger.json()["detail"]


async def test_forwarded_https_makes_cookies_secure_only_from_a_trusted_proxy(console: Console) -> None:
    form = {"username": "alice", "password": "alice-password"}
    https = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.5"}
    trusted = await console.http_client(PROXY).post("/login", data=form, headers=https)
    assert "; Secure" in trusted.headers["set-cookie"]
    untrusted = await console.http_client(STRANGER).post("/login", data=form, headers=https)
    assert "Secure" not in untrusted.headers["set-cookie"]


async def test_the_client_address_behind_a_trusted_proxy_is_the_forwarded_one(console: Console) -> None:
    """Lockout counts the real client, not the proxy: five failures from one client lock that client."""
    proxy = console.http_client(PROXY)
    for _ in range(5):
        wrong = {"username": "alice", "password": "wrong-wrong"}
        await proxy.post("/login", data=wrong, headers={"X-Forwarded-For": "203.0.113.7"})
    good = {"username": "alice", "password": "alice-password"}
    assert (
        await proxy.post("/login", data=good, headers={"X-Forwarded-For": "203.0.113.7"})
    ).status_code == 429
    assert (
        await proxy.post("/login", data=good, headers={"X-Forwarded-For": "203.0.113.8"})
    ).status_code == 303
