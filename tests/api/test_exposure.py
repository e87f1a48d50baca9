"""Who counts as "this machine", and what a proxy's word is worth: the open console, the Sonarr webhook
without a secret, forward-auth and cross-site writes, and what a stranger can make the server log.
Each test here is a regression for a way in that once worked (issue 21)."""

import logging

import httpx
import pytest

from api.webhooks import WebhookAuth
from data import Database
from services.access import Access
from settings import Settings

from ..utils.console import Console

PROXY = "10.1.2.3"
TEST_EVENT = {"eventType": "Test"}
SAME_SITE = {"Origin": "http://localhost"}


def local(console: Console, peer: str = "127.0.0.1") -> httpx.AsyncClient:
    return console.http_client(peer)


class TestTheOpenConsole:
    """No account yet: this machine may use the console, nobody else."""

    async def test_a_program_on_this_machine_is_the_admin(self, console: Console) -> None:
        assert (await local(console).get("/api/stats")).status_code == 200
        acting = await local(console).post("/api/actions/sync-users", headers=SAME_SITE)
        assert acting.status_code != 401 and acting.status_code != 403, acting.text

    @pytest.mark.parametrize(
        "headers",
        [
            {"Host": "evil.example", "Origin": "http://evil.example"},  # DNS rebinding: a page elsewhere
            {"X-Forwarded-For": "203.0.113.5"},  # a proxy on this machine relaying the world
            {"X-Real-IP": "203.0.113.5"},
            {"Forwarded": "for=203.0.113.5"},
        ],
    )
    async def test_another_host_name_or_a_forwarded_request_is_not_this_machine(
        self, console: Console, headers: dict[str, str]
    ) -> None:
        assert (await local(console).get("/api/stats", headers=headers)).status_code == 401
        acting = await local(console).post("/api/actions/sync-users", headers=headers)
        assert acting.status_code == 401

    async def test_a_forwarder_on_another_loopback_address_still_needs_a_loopback_host_name(
        self, console: Console
    ) -> None:
        relayed = await local(console, "127.0.0.77").get(
            "/api/stats", headers={"Host": "airdate.example.net"}
        )
        assert relayed.status_code == 401


class TestTheWebhookWithoutASecret:
    async def test_only_a_direct_local_sonarr_may_post(self, console: Console) -> None:
        assert (await local(console).post("/webhooks/sonarr", json=TEST_EVENT)).status_code == 200
        for headers in (
            {"X-Forwarded-For": "203.0.113.5"},
            {"X-Real-IP": "203.0.113.5"},
            {"Host": "evil.example"},
        ):
            relayed = await local(console).post("/webhooks/sonarr", json=TEST_EVENT, headers=headers)
            assert relayed.status_code == 503, headers
            assert "AIRDATE_WEBHOOK_SECRET" in relayed.json()["detail"]

    def test_exposed_without_a_secret_it_says_so_at_start(self) -> None:
        (warning,) = WebhookAuth(exposed=True).warnings()
        assert "refuses every delivery until you set AIRDATE_WEBHOOK_SECRET" in warning
        assert WebhookAuth(exposed=True, secret="s3cret-enough").warnings() == []


class TestBehindATrustedProxy:
    @pytest.fixture
    def settings(self, settings: Settings) -> Settings:
        settings.auth.trusted_proxies = "10.0.0.0/8, 127.0.0.1"
        settings.auth.auth_header = "Remote-User"
        return settings

    @pytest.fixture
    def console(self, database: Database, console: Console) -> Console:
        Access(database).add_account("alice", "alice-password", "admin", by="test")
        console.app.identities.forget()
        return console

    async def test_the_webhook_refuses_the_world_relayed_through_the_proxy(self, console: Console) -> None:
        """nginx on this machine forwarding an internet client: the exemption once let it post episodes."""
        relayed = await local(console).post(
            "/webhooks/sonarr", json=TEST_EVENT, headers={"X-Forwarded-For": "203.0.113.5"}
        )
        assert relayed.status_code == 503
        direct = await local(console).post("/webhooks/sonarr", json=TEST_EVENT)
        assert direct.status_code == 503, "reachable through a proxy: no exemption at all without a secret"

    @pytest.mark.parametrize(
        "headers",
        [
            {"Origin": "http://evil.example"},
            {"Sec-Fetch-Site": "cross-site"},
            {"Sec-Fetch-Site": "same-site"},
        ],
    )
    async def test_a_proxy_sign_in_is_held_to_the_cross_site_rule(
        self, console: Console, headers: dict[str, str]
    ) -> None:
        vouched = {"Remote-User": "alice", "Host": "airdate.example.net"}
        forged = await console.http_client(PROXY).post("/api/actions/sync-users", headers=vouched | headers)
        assert forged.status_code == 403
        assert "cross-site request refused" in forged.json()["detail"]
        own = {"Origin": "http://airdate.example.net", "Sec-Fetch-Site": "same-origin"}
        allowed = await console.http_client(PROXY).post("/api/actions/sync-users", headers=vouched | own)
        assert allowed.status_code < 300, allowed.text

    async def test_hsts_is_sent_when_the_proxy_says_https(self, console: Console) -> None:
        https = {"X-Forwarded-Proto": "https", "Accept": "text/html"}
        page = await console.http_client(PROXY).get("/login", headers=https)
        assert page.headers["strict-transport-security"].startswith("max-age=")
        plain = await console.http_client(PROXY).get("/login", headers={"Accept": "text/html"})
        assert "strict-transport-security" not in plain.headers

    async def test_a_user_header_sent_twice_is_refused(self, console: Console) -> None:
        twice = httpx.Headers([("Remote-User", "mallory"), ("Remote-User", "alice")])
        answer = await console.http_client(PROXY).get("/api/stats", headers=twice)
        assert answer.status_code == 400
        assert "more than once" in answer.json()["detail"]


class TestWhatAStrangerCanMakeUsLog:
    async def test_refused_sign_ins_are_bounded_escaped_and_summarised(
        self, database: Database, console: Console, caplog: pytest.LogCaptureFixture
    ) -> None:
        Access(database).add_account("alice", "alice-password", "admin", by="test")
        caplog.set_level(logging.INFO, logger="airdate.audit")
        stranger = console.http_client("198.51.100.9")
        huge = "\x1b[2J" + "a" * 100_000 + "\nforged line"
        for number in range(30):
            refused = await stranger.post("/login", data={"username": f"{huge}{number}", "password": "x" * 9})
            assert refused.status_code in (401, 429)
        console.app.access.flush_log()
        lines = [r.getMessage() for r in caplog.records if r.name == "airdate.audit"]
        assert 1 <= len(lines) <= 3, lines  # the first as it happened, the rest in one summary
        assert all(len(line) < 1000 and "\n" not in line and "\x1b" not in line for line in lines)
        assert any("29 more refused sign-in(s)" in line for line in lines), lines


async def test_huge_ids_in_paths_are_a_422_not_a_500(console: Console) -> None:
    for path in ("/api/users/99999999999999999999999/next-email", "/api/users/-1/preferences"):
        answer = await local(console).get(path)
        assert answer.status_code == 422, (path, answer.text)


async def test_security_headers_name_a_policy_the_console_works_under(console: Console) -> None:
    page = await local(console).get("/", headers={"Accept": "text/html"})
    policy = page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert "camera=()" in page.headers["permissions-policy"]
    assert "strict-transport-security" not in page.headers, "plain HTTP: HSTS would be wrong"
