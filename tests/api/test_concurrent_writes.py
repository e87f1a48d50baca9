"""Two Airdate processes on one database, syncing and taking webhooks at the same moment: the same rows
as one process would make, no duplicates, no errors (``INSERT … ON CONFLICT`` instead of check-then-insert).
A sync asked of both at once runs once: jobs are shared (``jobs_one_running``).
"""

import asyncio
from collections.abc import Iterator

import httpx
import pytest

from standins.jellyseerr import JellyseerrWorld, create_app

from ..utils.server import Server
from ..utils.standins import serve
from ..utils.waiting import eventually
from .test_webhooks import SECRET, SERIES, download

pytestmark = pytest.mark.both_databases

KEY = "jellyseerr-key"
PEOPLE = 40


@pytest.fixture
def world() -> JellyseerrWorld:
    world = JellyseerrWorld()
    for i in range(PEOPLE):
        person = world.add_user(f"viewer{i}")
        world.add_request(person, "tv", SERIES["tmdbId"], SERIES["title"], tvdb_id=SERIES["tvdbId"])
    return world


@pytest.fixture
def servers(airdate_env: str, world: JellyseerrWorld) -> Iterator[list[Server]]:
    with serve(create_app(world, KEY)) as url:
        settings = {"jellyseerr_url": url, "jellyseerr_api_key": KEY, "webhook_secret": SECRET}
        running = [Server(airdate_env, settings).start(), Server(airdate_env, settings).start()]
        try:
            yield running
        finally:
            outputs = [server.stop() for server in running]
    assert all("Traceback" not in output and " ERROR " not in output for output in outputs), outputs


async def test_syncs_and_duplicate_webhooks_on_two_processes_at_once_give_each_row_once(
    servers: list[Server],
) -> None:
    async with httpx.AsyncClient(timeout=30) as client:

        async def act(server: Server, action: str) -> dict:
            started = await client.post(f"{server.url}/api/actions/{action}")
            assert started.status_code in (202, 409), started.text  # 409: the other one's run
            job = f"{server.url}/api/jobs/{started.json()['job_id']}"

            async def done() -> bool:
                return (await client.get(job)).json()["status"] != "running"

            await eventually(done, within=30)
            return (await client.get(job)).json()

        async def hook(server: Server) -> int:
            answer = await client.post(
                f"{server.url}/webhooks/sonarr", params={"secret": SECRET}, json=download((1, 1), (1, 2))
            )
            return answer.status_code

        jobs = [act(server, action) for action in ("sync-users", "sync-requests") for server in servers]
        results = await asyncio.gather(*jobs)
        assert [job["status"] for job in results] == ["succeeded"] * 4, results
        for first, second in (results[:2], results[2:]):  # the same run, or one after the other
            runs = sorted((first, second), key=lambda job: job["started_at"])
            assert first["id"] == second["id"] or runs[0]["finished_at"] <= runs[1]["started_at"], runs
        hooks = await asyncio.gather(*(hook(servers[i % 2]) for i in range(20)))
        assert hooks == [200] * 20

    def counts() -> list[tuple]:
        return servers[0].query(
            "SELECT (SELECT COUNT(*) FROM users), (SELECT COUNT(*) FROM media_requests), "
            "(SELECT COUNT(*) FROM episodes), (SELECT COUNT(*) FROM notifications)"
        )

    assert counts() == [(PEOPLE, PEOPLE, 2, 2 * PEOPLE)]
    await eventually(lambda: servers[1].stats()["users"] == PEOPLE, within=10)
