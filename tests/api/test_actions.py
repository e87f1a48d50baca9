"""Actions as REST and in the dashboard: jobs, progress, the double-start guard, results."""

import asyncio
from collections.abc import Iterator

import pytest
from nicegui import ui
from nicegui.testing import User

from application import Airdate
from data import Database
from data.counters import read_stats
from services.jobs import Jobs
from settings import Settings
from standins.jellyseerr import JellyseerrWorld, create_app
from tests.utils.pages import open_dashboard

from ..utils.actions import HeldAction
from ..utils.pages import shown, stat
from ..utils.standins import serve
from ..utils.waiting import eventually


@pytest.fixture
def jellyseerr(settings: Settings) -> Iterator[JellyseerrWorld]:
    """A slow stand-in Jellyseerr with 30 users, and Airdate's settings pointing at it (request this
    before ``user``)."""
    world = JellyseerrWorld(delay=0.05)
    for i in range(30):
        world.add_user(f"viewer{i}")
    with serve(create_app(world, "key")) as url:
        settings.jellyseerr.url, settings.jellyseerr.api_key = url, "key"
        yield world


async def finished(user: User, job_id: str) -> dict:
    """Poll GET /api/jobs/{id} as a REST client would, until the job ends."""
    async with asyncio.timeout(10):
        while (job := (await user.http_client.get(f"/api/jobs/{job_id}")).json())["status"] == "running":  # noqa: ASYNC110
            await asyncio.sleep(0.05)
    return job


async def test_an_action_runs_as_a_job_once_at_a_time(
    jellyseerr: JellyseerrWorld, user: User, airdate: Airdate
) -> None:
    first = await user.http_client.post("/api/actions/sync-users")
    second = await user.http_client.post("/api/actions/sync-users")
    assert first.status_code == 202 and first.json()["started"] is True
    assert second.status_code == 409 and second.json()["job_id"] == first.json()["job_id"]

    job = await finished(user, first.json()["job_id"])
    assert job["status"] == "succeeded"
    assert job["progress"] == {"done": 30, "total": 30}
    assert job["counts"] == {"created": 30}
    assert airdate.database.read(read_stats).users == 30
    third = await user.http_client.post("/api/actions/sync-users")
    assert third.status_code == 202, "a finished action can run again"


async def test_unknown_actions_and_jobs_are_404s(user: User) -> None:
    response = await user.http_client.post("/api/actions/sync-everything")
    assert response.status_code == 404
    assert response.json()["detail"].endswith(
        "choose from sync-users, sync-requests, import-episodes, read-calendar, send-pending, retry-failed"
    )
    assert (await user.http_client.get("/api/jobs/nope")).status_code == 404


async def test_a_failing_action_reports_why(user: User) -> None:
    response = await user.http_client.post("/api/actions/sync-users")
    job = await finished(user, response.json()["job_id"])
    assert job["status"] == "failed"
    assert job["error"] == "Jellyseerr is not configured: set AIRDATE_JELLYSEERR_URL"


async def test_the_sync_button_shows_progress_and_the_users_tile_moves(
    jellyseerr: JellyseerrWorld, user: User
) -> None:
    await open_dashboard(user)
    await eventually(lambda: stat(user, "users") == 0)
    user.find(marker="action-sync-users").click()
    (button,) = user.find(marker="action-sync-users").elements
    await eventually(
        lambda: not button.enabled
    )  # disabled while running: a second click cannot start another
    await eventually(lambda: stat(user, "users") not in {None, 0}, within=5)  # tiles move as the job writes
    await eventually(lambda: button.enabled, within=10)
    await eventually(lambda: stat(user, "users") == 30)  # the last commit's push may trail the job
    assert shown(user, "action-sync-users-counts") == "30 created"
    await user.should_see("Sync users: 30 created")  # the result notification


async def test_a_failed_action_is_a_negative_notification(user: User) -> None:
    await open_dashboard(user)
    user.find(marker="action-import-episodes").click()
    await user.should_see("Import episodes: failed: Sonarr is not configured: set AIRDATE_SONARR_URL")
    assert user.find(ui.button).elements  # the page still works


async def test_a_run_another_replica_started_is_already_running_when_clicked_here(
    user: User, airdate: Airdate, database: Database
) -> None:
    action = HeldAction()
    other = Jobs({"sync-users": action}, database, replica="airdate2")
    await open_dashboard(user)
    job, _ = await other.start("sync-users", started_by="alice")
    user.find(marker="action-sync-users").click()  # before this replica's feed has read that run
    await user.should_see("Sync users is already running")
    await airdate.feed.refresh()
    (button,) = user.find(marker="action-sync-users").elements
    assert not button.enabled and shown(user, "action-sync-users-counts").endswith(" · by alice")
    action.release.set()
    await other.wait(job)
    assert action.runs == 1


@pytest.fixture
def titles(settings: Settings) -> Iterator[JellyseerrWorld]:
    """A stand-in Jellyseerr whose answers for the titles in ``failing_titles`` are its 500 "Unable to
    retrieve series." (TMDB failing for them); request this before ``user``."""
    world = JellyseerrWorld()
    with serve(create_app(world, "key")) as url:
        settings.jellyseerr.url, settings.jellyseerr.api_key = url, "key"
        yield world


async def test_a_sync_with_a_failing_title_succeeds_with_its_errors_named(
    titles: JellyseerrWorld, user: User, caplog: pytest.LogCaptureFixture
) -> None:
    ada = titles.add_user("ada")
    titles.add_request(ada, "tv", 1, "Works")
    titles.add_request(ada, "tv", 2, "Broken")
    titles.failing_titles.add(("tv", 2))
    await open_dashboard(user)
    response = await user.http_client.post("/api/actions/sync-requests")
    job = await finished(user, response.json()["job_id"])
    assert job["status"] == "succeeded"
    assert job["counts"] == {"created": 1, "failed": 1}
    why = "request 2 (tv 2): Jellyseerr answered 500 for /api/v1/tv/2: Unable to retrieve series."
    assert job["problems"] == [why]
    counts = user.find(marker="action-sync-requests-counts").elements.pop()
    await eventually(lambda: f"succeeded with 1 error: {why}" in counts.text, what="the Actions card says so")
    assert f"sync-requests finished: 1 created, 1 failed · succeeded with 1 error: {why}" in caplog.text


async def test_a_sync_where_every_title_fails_fails(titles: JellyseerrWorld, user: User) -> None:
    titles.add_request(titles.add_user("ada"), "tv", 2, "Broken")
    titles.failing_titles.add(("tv", 2))
    response = await user.http_client.post("/api/actions/sync-requests")
    job = await finished(user, response.json()["job_id"])
    assert job["status"] == "failed"
    assert job["error"].startswith("every item failed: request 1 (tv 2): Jellyseerr answered 500")
