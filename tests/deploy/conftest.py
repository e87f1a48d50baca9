"""A cluster as deployed: three real Airdate processes on one throwaway PostgreSQL, behind Debian's nginx
running the shipped deploy/nginx.conf. Each test module that asks for it gets its own (module scope): a
module may stop, kill and restart replicas without disturbing another's."""

import itertools
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from standins.jellyseerr import JellyseerrWorld, create_app
from standins.nginx import Nginx, NginxUnavailable
from standins.postgres import Postgres

from ..utils.server import Server, run_cli
from ..utils.standins import serve

NAMES = ("airdate1", "airdate2", "airdate3")  # deploy/nginx.conf's map keys
PASSWORD = "alice-password"  # the admin alice's
WEBHOOK_SECRET = "sonarr-secret"
JELLYSEERR_KEY = "jellyseerr-key"
JOB_LEASE = 2  # seconds after which a dead replica's running job is failed
PAGE = {"Accept": "text/html"}
SERVED_BY = re.compile(r"served by (airdate\d)")
_DATABASES = itertools.count(1)


@dataclass
class Cluster:
    replicas: dict[str, Server]
    nginx: Nginx
    token: str  # an API token with scope read
    database_url: str
    admin_token: str = ""  # an API token with scope admin (starts actions)

    def signed_in(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.nginx.url, timeout=10)

    def named(self, address: str) -> str | None:
        """The replica that listens on ``address`` (host:port, as nginx's log names it)."""
        return next((name for name, server in self.replicas.items() if server.url.endswith(address)), None)


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
    with pytest.MonkeyPatch.context() as patch, slow_jellyseerr() as jellyseerr_url:
        patch.chdir(folder)  # the replicas' working folder (no stray .env, storage or logs elsewhere)
        url = postgres_cluster.create_database(f"replicas{next(_DATABASES)}")
        added = run_cli("accounts", "add", "alice", "--role", "admin", input=PASSWORD, database_url=url)
        assert added.returncode == 0, added.stderr
        made = run_cli("tokens", "add", "stream", "--scope", "read", database_url=url)
        assert made.returncode == 0, made.stderr
        operator = run_cli("tokens", "add", "operator", "--scope", "admin", database_url=url)
        assert operator.returncode == 0, operator.stderr
        upstream = {"jellyseerr_url": jellyseerr_url, "jellyseerr_api_key": JELLYSEERR_KEY}
        upstream |= {"sync_interval": "0", "job_lease": str(JOB_LEASE)}  # syncs only when asked to
        replicas = {name: Server(url, replica_settings(name, folder) | upstream) for name in NAMES}
        with ThreadPoolExecutor(len(replicas)) as starting:
            list(starting.map(Server.start, replicas.values()))
        nginx.replicas = {name: f"127.0.0.1:{server.port}" for name, server in replicas.items()}
        try:
            nginx.start()
            yield Cluster(replicas, nginx, made.stdout.strip(), url, operator.stdout.strip())
        finally:
            nginx.stop()
            for server in replicas.values():
                server.stop()


@contextmanager
def slow_jellyseerr() -> Iterator[str]:
    """A Jellyseerr with 1,000 users that takes 0.3 s a page of 50: a user sync lasts a few seconds."""
    world = JellyseerrWorld(delay=0.3)
    for i in range(1000):
        world.add_user(f"viewer{i}")
    with serve(create_app(world, JELLYSEERR_KEY)) as url:
        yield url


def replica_settings(name: str, folder: Path) -> dict[str, str]:
    return {
        "replica_name": name,
        "trusted_proxies": "127.0.0.1",
        "stats_interval": "0.2",  # the fallback timer that carries other replicas' writes, for now
        "sse_keepalive": "0.5",
        "storage_path": str(folder / name),
        "webhook_secret": WEBHOOK_SECRET,  # Sonarr's webhook, reached through nginx
    }
