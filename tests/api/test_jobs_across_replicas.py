"""Jobs across replicas, as a user of one of them notices: another replica's run answers 409 here, shows
its progress on this dashboard and in GET /api/jobs/{id}; a run whose replica died fails after its lease,
and one whose replica restarted fails at once."""

from collections.abc import Iterator

import httpx
import pytest
from nicegui.testing import User

from data import Database
from services.jobs import Jobs
from settings import Settings
from standins.jellyseerr import JellyseerrWorld, create_app
from tests.utils.pages import open_dashboard

from ..utils.actions import HeldAction
from ..utils.pages import shown
from ..utils.server import Server
from ..utils.standins import serve
from ..utils.waiting import eventually, until

pytestmark = pytest.mark.both_databases

KEY = "jellyseerr-key"


@pytest.fixture
def settings(settings: Settings, backend: str) -> Settings:
    settings.replica.name = "airdate1"
    settings.replica.job_lease = 1.0
    if backend == "sqlite":  # (on PostgreSQL another replica's writes wake the feed: no timer needed)
        settings.live.stats_interval = 0.2
    return settings


@pytest.fixture
def slow_jellyseerr() -> Iterator[dict[str, str]]:
    """A Jellyseerr with 1,000 users that takes 0.3 s a page of 50: a sync that lasts a few seconds."""
    world = JellyseerrWorld(delay=0.3)
    for i in range(1000):
        world.add_user(f"viewer{i}")
    with serve(create_app(world, KEY)) as url:
        yield {"jellyseerr_url": url, "jellyseerr_api_key": KEY}


async def test_a_run_on_another_replica_is_409_here_and_followed_on_this_dashboard(
    user: User, database: Database
) -> None:
    action = HeldAction()
    other = Jobs({"sync-users": action}, database, replica="airdate2", lease=1.0)  # the other replica
    await open_dashboard(user)
    job, _ = await other.start("sync-users", started_by="alice")
    try:
        (button,) = user.find(marker="action-sync-users").elements
        await eventually(lambda: shown(user, "action-sync-users-counts") == "1 of 3 · 1 created · by alice")
        assert not button.enabled
        answer = await user.http_client.post("/api/actions/sync-users")
        assert answer.status_code == 409 and answer.json()["job_id"] == job.id
        here = (await user.http_client.get(f"/api/jobs/{job.id}")).json()
        assert (here["status"], here["replica"], here["progress"]) == (
            "running",
            "airdate2",
            {"done": 1, "total": 3},
        )

        action.release.set()
        await eventually(lambda: shown(user, "action-sync-users-counts") == "3 created · by alice")
        assert button.enabled
        assert (await user.http_client.get(f"/api/jobs/{job.id}")).json()["status"] == "succeeded"
    finally:
        await other.stop()


async def test_a_run_whose_replica_died_fails_after_its_lease_and_the_action_can_run_again(
    airdate_env: str, slow_jellyseerr: dict[str, str], user: User
) -> None:
    other = Server(airdate_env, {"replica_name": "airdate2", "job_lease": "1", **slow_jellyseerr}).start()
    try:
        async with httpx.AsyncClient() as program:
            started = await program.post(f"{other.url}/api/actions/sync-users")
        assert started.status_code == 202
        job_id = started.json()["job_id"]

        async def under_way_here() -> bool:
            job = (await user.http_client.get(f"/api/jobs/{job_id}")).json()
            return job["status"] == "running" and job["progress"]["done"] >= 50

        await eventually(under_way_here, what="the other replica's progress, read here")
        assert (await user.http_client.post("/api/actions/sync-users")).status_code == 409
        other.process.kill()  # type: ignore[union-attr]  # no clean stop: it just dies

        async def starts_here() -> bool:
            return (await user.http_client.post("/api/actions/sync-users")).status_code == 202

        await eventually(starts_here, what="a start once the dead replica's lease ran out")
        dead = (await user.http_client.get(f"/api/jobs/{job_id}")).json()
        assert (dead["status"], dead["error"]) == (
            "failed",
            "replica airdate2 stopped renewing its lease (no heartbeat for 1 s)",
        )
    finally:
        other.stop()


def test_a_replica_that_restarts_fails_the_run_it_left_at_once(
    airdate_env: str, slow_jellyseerr: dict[str, str]
) -> None:
    settings = {
        "replica_name": "airdate2",
        "job_lease": "3600",
        **slow_jellyseerr,
    }  # the lease cannot run out
    first = Server(airdate_env, settings).start()
    try:
        job_id = httpx.post(f"{first.url}/api/actions/sync-users").json()["job_id"]
        first.process.kill()  # type: ignore[union-attr]
        first.process.wait()  # type: ignore[union-attr]
    finally:
        first.stop()
    again = Server(airdate_env, settings).start()
    try:

        def failed() -> bool:
            return httpx.get(f"{again.url}/api/jobs/{job_id}").json()["status"] == "failed"

        until(failed, what="failed at start")
        job = httpx.get(f"{again.url}/api/jobs/{job_id}").json()
        assert job["error"] == "replica airdate2 restarted"
        assert httpx.post(f"{again.url}/api/actions/sync-users").status_code == 202
    finally:
        output = again.stop()
    assert "Traceback" not in output, output
