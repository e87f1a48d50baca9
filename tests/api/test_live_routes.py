"""The JSON, health and metrics routes, through the app in-process."""

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from nicegui.testing import User

from application import Airdate
from settings import Settings

from ..utils.database import locked, unplugged
from ..utils.factories import make_tracked_show
from ..utils.waiting import eventually


@pytest.fixture
def settings(settings: Settings) -> Settings:
    settings.server.health_timeout = 0.3
    return settings


async def test_api_stats_returns_the_current_snapshot_once(user: User, airdate: Airdate) -> None:
    make_tracked_show(airdate.database, tmdb_id=4, requesters=2)
    await airdate.feed.tick()
    response = await user.http_client.get("/api/stats")
    assert response.status_code == 200
    body = response.json()
    assert body["users"] == 2
    assert body["requests"] == {"total": 2, "tracking": 2}
    assert body == airdate.feed.snapshot.to_json()
    assert int(response.headers["x-event-id"]) == airdate.feed.snapshot.id


async def test_healthz_reports_the_database(user: User) -> None:
    response = await user.http_client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_metrics_expose_stats_and_feed_cost(user: User, airdate: Airdate) -> None:
    await airdate.feed.tick()
    response = await user.http_client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    for name in (
        "airdate_stats_reads_total",
        "airdate_feed_ticks_total",
        "airdate_sse_subscribers",
        "airdate_dashboard_clients",
        "airdate_users",
        'airdate_notifications{status="pending"}',
        'airdate_requests{kind="tracking"}',
    ):
        assert f"\n{name} " in text, name


async def test_an_unknown_api_path_is_a_404_not_the_dashboard(user: User) -> None:
    response = await user.http_client.get("/api/nope")
    assert response.status_code == 404


async def test_healthz_reports_an_unreachable_database(
    user: User, airdate: Airdate, caplog: pytest.LogCaptureFixture
) -> None:
    assert (await user.http_client.get("/healthz")).status_code == 200
    with unplugged(airdate.database):
        response = await user.http_client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}, "no error text for anyone who asks"
    assert "unable to open database file" in caplog.text, "the reason goes to the log"
    await eventually(healthy(user), what="healthy again once the file is back")


async def test_a_hung_database_does_not_take_the_shared_thread_pool(
    user: User, airdate: Airdate, caplog: pytest.LogCaptureFixture
) -> None:
    """Regression: each timed-out probe left a thread of the default pool (which the feed, webhooks
    and mailer use) waiting for the database; a few probes exhausted it."""
    with locked(airdate.database):
        answers = await asyncio.gather(*(user.http_client.get("/healthz") for _ in range(20)))
        pool_still_free = await asyncio.wait_for(asyncio.to_thread(lambda: "free"), 2)
    reasons = [record.getMessage() for record in caplog.records if record.name == "airdate.health"]
    assert {answer.status_code for answer in answers} == {503}
    assert sum("no answer within 0.3 s" in reason for reason in reasons) == 2, "two probe threads wait"
    assert sum("still waiting" in reason for reason in reasons) == 18, "the others answer at once"
    assert pool_still_free == "free"
    await eventually(healthy(user), what="healthy again once the lock is gone")


def healthy(user: User) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return (await user.http_client.get("/healthz")).status_code == 200

    return check


@pytest.mark.parametrize("path", ["/", "/healthz", "/api/stats", "/users", "/metrics"])
async def test_head_is_answered_like_get_without_a_body(user: User, path: str) -> None:
    """Uptime checkers send HEAD; it was a 405."""
    get, head = await user.http_client.get(path), await user.http_client.head(path)
    assert head.status_code == get.status_code == 200
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.content == b""
