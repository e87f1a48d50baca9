"""A page on another site reading Airdate in Chromium (AIRDATE_CORS_ORIGINS): the seed's own
startLiveUpdates() with API_BASE pointing at Airdate and a read token fills its tiles; a page from an
origin not listed gets nothing; the preflight of a fetch with an Authorization header is answered."""

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from playwright.async_api import Browser, Page, expect

from standins.net import free_port

from ..utils.accounts import add_account, add_token
from ..utils.server import Server
from .test_access_browser import SEED_PAGE

pytestmark = pytest.mark.asyncio(loop_scope="session")  # the worker's Chromium lives there (conftest)


class OneFile(BaseHTTPRequestHandler):
    """Serves the dashboard page another site would have (Chromium treats a real loopback server's page
    as loopback; a page it made up would be "public" and need Local Network Access permission)."""

    html = b""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(self.html)))
        self.end_headers()
        self.wfile.write(self.html)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def ports() -> Iterator[tuple[int, int]]:
    """Two other sites on this machine: the first is listed in AIRDATE_CORS_ORIGINS, the second not."""
    servers = [ThreadingHTTPServer(("127.0.0.1", free_port()), OneFile) for _ in range(2)]
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    yield servers[0].server_address[1], servers[1].server_address[1]
    for server in servers:
        server.shutdown()
        server.server_close()


@pytest.fixture
def airdate(airdate_env: str, ports: tuple[int, int]) -> Iterator[tuple[Server, str]]:
    add_account("alice", "alice-password\n", "admin")
    token = add_token("dashboard", "read")
    listed = f"http://127.0.0.1:{ports[0]}"
    server = Server(airdate_env, {"stats_interval": "0.3", "cors_origins": listed}).start()
    yield server, token
    server.stop()


async def seed_page_at(page: Page, origin: str, airdate: Server, token: str) -> None:
    """The seed's page, unchanged but for API_BASE and the token EventSource cannot send as a header."""
    html = SEED_PAGE.read_text().replace("const API_BASE = '';", f"const API_BASE = '{airdate.url}';")
    html = html.replace("`${API_BASE}/sse/stats`", f"`${{API_BASE}}/sse/stats?access_token={token}`")
    OneFile.html = html.encode()
    await page.goto(f"{origin}/dashboard.html")


async def test_a_listed_origin_reads_the_stream_and_others_do_not(
    airdate: tuple[Server, str], ports: tuple[int, int], browser: Browser
) -> None:
    server, token = airdate
    listed = await browser.new_page()
    await seed_page_at(listed, f"http://127.0.0.1:{ports[0]}", server, token)
    await expect(listed.locator("#totalUsers")).to_have_text("0")
    server.sql("INSERT INTO users (username, email, created_at) VALUES ('seen', 's@x', '2026-01-01')")
    await expect(listed.locator("#totalUsers")).to_have_text("1")  # live, not a one-off

    fetched = await listed.evaluate(
        """async ([url, token]) => {
            const answer = await fetch(url + '/api/stats', {headers: {Authorization: 'Bearer ' + token}});
            return [answer.status, (await answer.json()).users];
        }""",
        [server.url, token],
    )
    assert fetched == [200, 1], "a preflighted fetch with a token"

    stranger = await browser.new_page()
    async with stranger.expect_console_message(lambda m: "CORS policy" in m.text, timeout=10_000) as said:
        await seed_page_at(stranger, f"http://127.0.0.1:{ports[1]}", server, token)
    assert "Access-Control-Allow-Origin" in (await said.value).text
    await expect(stranger.locator("#totalUsers")).to_have_text("-")


async def test_cors_headers_are_exact_and_only_on_the_read_paths(
    airdate: tuple[Server, str], ports: tuple[int, int]
) -> None:
    server, token = airdate
    listed = f"http://127.0.0.1:{ports[0]}"
    async with httpx.AsyncClient(base_url=server.url) as client:
        preflight = await client.options(
            "/api/stats",
            headers={"Origin": listed, "Access-Control-Request-Method": "GET",
                     "Access-Control-Request-Headers": "authorization"},
        )  # fmt: skip
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == listed
        assert "access-control-allow-credentials" not in preflight.headers
        read = await client.get("/api/stats", headers={"Origin": listed, "Authorization": f"Bearer {token}"})
        assert read.headers["access-control-allow-origin"] == listed
        assert "origin" in read.headers["vary"].lower()
        other = await client.get(
            "/api/stats", headers={"Origin": "http://evil.example", "Authorization": f"Bearer {token}"}
        )
        assert "access-control-allow-origin" not in other.headers
        action = await client.options(
            "/api/actions/sync-users", headers={"Origin": listed, "Access-Control-Request-Method": "POST"}
        )
        assert "access-control-allow-origin" not in action.headers, "actions stay same-origin"
