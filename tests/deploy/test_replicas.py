"""Three real Airdate processes on one throwaway PostgreSQL, behind Debian's nginx running the shipped
deploy/nginx.conf: pages and their websocket stick to one replica by the airdate_replica cookie, SSE
streams from any replica, unbuffered, and a browser whose replica died is served by another one."""

import asyncio
import itertools
import json
import re
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
import websockets

from standins.nginx import Nginx, NginxUnavailable
from standins.postgres import Postgres

from ..utils.server import Server, run_cli
from ..utils.sse import next_data, open_stream
from ..utils.waiting import eventually

NAMES = ("airdate1", "airdate2", "airdate3")  # deploy/nginx.conf's map keys
PASSWORD = "alice-password"
PAGE = {"Accept": "text/html"}
SERVED_BY = re.compile(r"served by (airdate\d)")
_DATABASES = itertools.count(1)


@dataclass
class Cluster:
    replicas: dict[str, Server]
    nginx: Nginx
    token: str

    def signed_in(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.nginx.url, timeout=10)


def served_by(page: httpx.Response) -> str:
    assert page.status_code == 200, (page.status_code, page.text[:300])
    found = SERVED_BY.search(page.text)
    assert found is not None, "the page names its replica"
    return found.group(1)


def replica_cookie(response: httpx.Response) -> str | None:
    for cookie in response.headers.get_list("set-cookie"):
        if cookie.startswith("airdate_replica="):
            return cookie.split(";")[0].split("=", 1)[1]
    return None


async def sign_in(browser: httpx.AsyncClient) -> None:
    answer = await browser.post("/login", data={"username": "alice", "password": PASSWORD})
    assert answer.status_code == 303, answer.text


@pytest.fixture(scope="module")
def cluster(postgres_cluster: Postgres, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    try:
        nginx = Nginx({name: "127.0.0.1:0" for name in NAMES})
    except NginxUnavailable as missing:
        pytest.skip(str(missing))
    folder = tmp_path_factory.mktemp("replicas")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)  # the replicas' working folder (no stray .env, storage or logs elsewhere)
        url = postgres_cluster.create_database(f"replicas{next(_DATABASES)}")
        added = run_cli("accounts", "add", "alice", "--role", "admin", input=PASSWORD, database_url=url)
        assert added.returncode == 0, added.stderr
        made = run_cli("tokens", "add", "stream", "--scope", "read", database_url=url)
        assert made.returncode == 0, made.stderr
        replicas = {name: Server(url, replica_settings(name, folder)) for name in NAMES}
        with ThreadPoolExecutor(len(replicas)) as starting:
            list(starting.map(Server.start, replicas.values()))
        nginx.replicas = {name: f"127.0.0.1:{server.port}" for name, server in replicas.items()}
        try:
            nginx.start()
            yield Cluster(replicas, nginx, made.stdout.strip())
        finally:
            nginx.stop()
            for server in replicas.values():
                server.stop()


def replica_settings(name: str, folder: Path) -> dict[str, str]:
    return {
        "replica_name": name,
        "trusted_proxies": "127.0.0.1",
        "stats_interval": "0.2",  # the fallback timer that carries other replicas' writes, for now
        "sse_keepalive": "0.5",
        "storage_path": str(folder / name),
    }


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
        assert not await websocket_is_accepted(cluster, client_id.group(1), elsewhere), "routed by the cookie"
        assert await websocket_is_accepted(cluster, client_id.group(1), home), "the page's own replica"
    spread = set()
    for _ in range(6):  # without the cookie, the pool spreads browsers over the replicas
        async with cluster.signed_in() as other:
            await sign_in(other)
            spread.add(served_by(await other.get("/", headers=PAGE)))
    assert len(spread) > 1, spread


async def websocket_is_accepted(cluster: Cluster, client_id: str, replica: str) -> bool:
    """Connect the page's socket.io websocket through nginx: only the replica that built the page knows
    its client and accepts the handshake (``40``); any other refuses it (``44``)."""
    query = {"EIO": "4", "transport": "websocket", "client_id": client_id, "implicit_handshake": "true"}
    query |= {"tab_id": "tab-1", "document_id": "doc-1"}
    address = cluster.nginx.url.replace("http://", "ws://") + f"/_nicegui_ws/socket.io/?{urlencode(query)}"
    async with websockets.connect(address, additional_headers={"Cookie": f"airdate_replica={replica}"}) as ws:
        opened = await asyncio.wait_for(ws.recv(), 5)
        assert str(opened).startswith("0{"), opened
        await ws.send("40")
        answer = str(await asyncio.wait_for(ws.recv(), 5))
        return answer.startswith("40")


async def test_sse_through_nginx_is_unbuffered_and_carries_a_change_made_elsewhere(cluster: Cluster) -> None:
    bearer = {"Authorization": f"Bearer {cluster.token}"}
    started = time.monotonic()
    async with open_stream(cluster.nginx.url, headers=bearer) as (response, events):
        assert response.status_code == 200
        assert replica_cookie(response) is None, "a stream never moves a browser's pages"
        first = await next_data(events, within=2)
        waited = time.monotonic() - started
        assert waited < 1.0, f"the first event took {waited:.2f} s: nginx buffered it"
        users = json.loads(first.data)["users"]
        writer = cluster.replicas["airdate1"]  # whichever replica streams, the database is shared
        writer.sql("INSERT INTO users (username, email, created_at) VALUES ('new', 'n@x', '2026-01-01')")
        written = time.monotonic()
        async with asyncio.timeout(5):
            while True:
                message = await next_data(events, within=5)
                if json.loads(message.data).get("users") == users + 1:
                    break
        print(f"first event {waited * 1000:.0f} ms; change seen {(time.monotonic() - written) * 1000:.0f} ms")


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
