"""Three real Airdate processes on one throwaway PostgreSQL, behind Debian's nginx running the shipped
deploy/nginx.conf: pages and their websocket stick to one replica by the airdate_replica cookie, SSE
streams from any replica, unbuffered, and a browser whose replica died is served by another one."""

import asyncio
import json
import re
import time
from urllib.parse import urlencode

import websockets
from playwright.async_api import Page, async_playwright

from ..browser.conftest import ARGS, CHROMIUM
from ..utils.sse import next_data, open_stream
from ..utils.waiting import eventually
from .conftest import NAMES, PAGE, Cluster, replica_cookie, served_by, sign_in


async def test_a_browser_sticks_to_the_replica_its_first_page_names(cluster: Cluster) -> None:
    async with cluster.signed_in() as browser:
        await sign_in(browser)
        first = await browser.get("/", headers=PAGE)
        home = served_by(first)
        assert replica_cookie(first) == home, "the first page names the replica that built it"
        assert browser.cookies["airdate_replica"] == home
        for path in ("/", "/users", "/", "/requests", "/"):
            again = await browser.get(path, headers=PAGE)
            assert served_by(again) == home, path
            assert replica_cookie(again) is None, "the cookie already names this replica"
        client_id = re.search(r"""["']client_id["']:\s*["']([^"']+)""", first.text)
        assert client_id is not None
        elsewhere = next(name for name in NAMES if name != home)
        signed = {name: value for name, value in browser.cookies.items() if name != "airdate_replica"}
        page = (client_id.group(1), signed)  # a page's socket carries the page's sign-in (ui/page_sockets)
        assert not await websocket_is_accepted(cluster, *page, elsewhere), "routed by the cookie"
        assert await websocket_is_accepted(cluster, *page, home), "the page's own replica"
    spread = set()
    for _ in range(6):  # without the cookie, the pool spreads browsers over the replicas
        async with cluster.signed_in() as other:
            await sign_in(other)
            spread.add(served_by(await other.get("/", headers=PAGE)))
    assert len(spread) > 1, spread


async def websocket_is_accepted(
    cluster: Cluster, client_id: str, cookies: dict[str, str], replica: str
) -> bool:
    """Connect the page's socket.io websocket through nginx: only the replica that built the page knows
    its client and accepts the handshake (``40``); any other refuses it (``44``)."""
    query = {"EIO": "4", "transport": "websocket", "client_id": client_id, "implicit_handshake": "true"}
    query |= {"tab_id": "tab-1", "document_id": "doc-1"}
    address = cluster.nginx.url.replace("http://", "ws://") + f"/_nicegui_ws/socket.io/?{urlencode(query)}"
    cookie = "; ".join(f"{name}={value}" for name, value in {**cookies, "airdate_replica": replica}.items())
    async with websockets.connect(address, additional_headers={"Cookie": cookie}) as ws:
        opened = await asyncio.wait_for(ws.recv(), 5)
        assert str(opened).startswith("0{"), opened
        await ws.send("40")
        answer = str(await asyncio.wait_for(ws.recv(), 5))
        return answer.startswith("40")


async def test_sse_through_nginx_is_unbuffered_and_carries_a_change_made_elsewhere(cluster: Cluster) -> None:
    bearer = {"Authorization": f"Bearer {cluster.token}"}
    async with open_stream(cluster.nginx.url, headers=bearer) as (response, events):
        assert response.status_code == 200
        assert replica_cookie(response) is None, "a stream never moves a browser's pages"
        assert response.headers["x-airdate-replica"] in NAMES, "it says which replica streams"
        # A buffering proxy holds the first ~300 bytes (retry, snapshot, 0.5 s keepalives) until its
        # 4 KiB buffer fills, i.e. for minutes: that the event arrives at all shows nginx passes it on.
        first = await next_data(events, within=10)
        users = json.loads(first.data)["users"]
        writer = cluster.replicas["airdate1"]  # whichever replica streams, the database is shared
        writer.sql("INSERT INTO users (username, email, created_at) VALUES ('new', 'n@x', '2026-01-01')")
        written = time.monotonic()
        async with asyncio.timeout(5):
            while True:
                message = await next_data(events, within=5)
                if json.loads(message.data).get("users") == users + 1:
                    break
        print(f"change seen {(time.monotonic() - written) * 1000:.0f} ms after the write")


async def test_a_browser_whose_replica_stopped_is_served_by_another(cluster: Cluster) -> None:
    async with cluster.signed_in() as browser:
        await sign_in(browser)
        home = served_by(await browser.get("/", headers=PAGE))
        stopped = cluster.replicas[home]
        stopped.stop()
        try:
            for path in ("/", "/users", "/"):
                page = await browser.get(path, headers=PAGE)
                assert page.status_code == 200, f"{path}: {page.status_code} (no 502 while one is down)"
                now = served_by(page)
                assert now != home
            assert browser.cookies["airdate_replica"] == now, "the cookie moved to the replica that answered"
        finally:
            await asyncio.to_thread(stopped.start)
        await eventually(lambda: stopped.process is not None and stopped.process.poll() is None)


RETRIES = 2  # times EventSource tries again (every 5 s) while no replica is up: a 10 s outage
FOLLOW = """([token]) => {  // an EventSource on the site's own origin, as a dashboard page would hold one
  window.seen = []; window.closed = false;
  const source = new EventSource(`/sse/stats?access_token=${token}`);
  source.onmessage = (e) => window.seen.push([e.lastEventId, JSON.parse(e.data).users]);
  source.onerror = () => { if (source.readyState === EventSource.CLOSED) window.closed = true; };
}"""


async def test_a_browsers_event_source_survives_an_outage_of_every_replica(cluster: Cluster) -> None:
    """nginx answers /sse/ with `retry: 5000` while no replica is up, so EventSource keeps trying (a 502
    would end it for good) and resumes with Last-Event-ID; the token it sends is in no nginx log."""
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            await follow_through_an_outage(cluster, await chromium.new_page())
        finally:
            await chromium.close()
    assert cluster.token not in cluster.nginx.every_log()
    assert cluster.token[4:20] not in cluster.nginx.every_log()


async def follow_through_an_outage(cluster: Cluster, page: Page) -> None:
    await page.goto(f"{cluster.nginx.url}/healthz")  # any page of the site: the stream is same-origin
    await page.evaluate(FOLLOW, [cluster.token])
    await page.wait_for_function("window.seen.length > 0")
    users = cluster.replicas["airdate1"].query("SELECT count(*) FROM users")[0][0]
    replicas = list(cluster.replicas.values())
    await asyncio.gather(*(asyncio.to_thread(server.stop) for server in replicas))
    went = time.time()  # nginx's log says when, in epoch seconds

    def retried() -> list:  # the browser's tries that nginx answered itself, no replica being up
        lines = cluster.nginx.access_log()
        return [
            line
            for line in lines
            if line.path == "/sse/stats" and line.at >= went and "502" in line.upstream_statuses
        ]

    replicas[0].sql("INSERT INTO users (username, email, created_at) VALUES ('during-outage', 'o@x', now())")
    await eventually(lambda: len(retried()) >= RETRIES, within=RETRIES * 5 + 10, what="EventSource retries")
    assert not await page.evaluate("window.closed"), "EventSource gave up during the outage"
    await asyncio.gather(*(asyncio.to_thread(server.start) for server in replicas))
    await page.wait_for_function(f"window.seen.some(([id, users]) => users === {users + 1})", timeout=20_000)
    assert not await page.evaluate("window.closed")
    ids = [int(event_id) for event_id, _ in await page.evaluate("window.seen") if event_id]
    assert ids == sorted(ids), "resumed where it left off, nothing twice"
    assert {line.status for line in retried()} == {200}, "no 502 reached the browser"
