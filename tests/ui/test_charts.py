"""Sparklines, the sent-vs-pending chart and "% vs 1 h ago", fed by the shared feed's history."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from nicegui.testing import User
from sqlmodel import select

from application import Airdate
from data import Database, samples
from data.models import User as UserRow
from data.models import utcnow
from tests.utils.pages import open_dashboard
from ui import charts as chart_module
from ui.charts import ActivityChart

from ..utils.factories import make_notifications, make_users, send_all_pending
from ..utils.pages import stat, tiles
from ..utils.waiting import eventually


@pytest.fixture
def two_hours_of_users(database: Database) -> None:
    """Four users who signed up two hours ago (before the server started)."""
    make_users(database, 4, prefix="early")
    with database.transaction() as session:
        for row in session.exec(select(UserRow)).all():
            row.created_at = utcnow() - timedelta(hours=2)
            session.add(row)


async def seeded(airdate: Airdate) -> None:
    """Wait for the start-up's warm-up: the trends know the stats of an hour ago (from the samples)."""
    trends = airdate.live.trends
    await eventually(lambda: trends.points and trends.points[0][0] < trends.started, what="seeded at start")


def chart(user: User) -> ActivityChart:
    (found,) = user.find(marker="activity-chart").elements
    return found


def last_point(user: User, series: str) -> int | None:
    """The newest value the chart shows for ``sent`` or ``pending`` (None: no point yet)."""
    data = chart(user).chart.options["series"][{"sent": 0, "pending": 1}[series]]["data"]
    return data[-1][1] if data else None


async def test_percent_change_compares_with_one_hour_ago(
    two_hours_of_users: None, user: User, airdate: Airdate
) -> None:
    await seeded(airdate)
    await open_dashboard(user)
    make_users(airdate.database, 2, prefix="new")
    await eventually(lambda: stat(user, "users") == 6)
    assert tiles(user)["changes"]["users"] == 50.0  # shown as "▲ 50% vs 1 h ago" (Chromium checks the words)
    assert tiles(user)["changes"]["notifications_pending"] is None, "no value an hour ago: no percentage"


async def test_sparklines_and_the_chart_follow_the_feed(
    two_hours_of_users: None, user: User, airdate: Airdate, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chart_module, "REDRAW_EVERY", 0.5)  # (5 s in the console)
    await seeded(airdate)  # the sparklines start from the sample of an hour ago
    await open_dashboard(user)
    await eventually(lambda: stat(user, "users") == 4)
    make_notifications(airdate.database, 3)
    await eventually(lambda: stat(user, "pending") == 3)
    await eventually(lambda: last_point(user, "pending") == 3, within=5)
    send_all_pending(airdate.database)
    await eventually(lambda: stat(user, "sent") == 3)
    await airdate.feed.tick()
    await eventually(lambda: last_point(user, "sent") == 3, within=5)
    assert last_point(user, "pending") == 0
    spark = [value for _, value in tiles(user)["sparks"]["notifications_sent"]]
    assert spark[0] == 0 and spark[-1] == 3, "the sent card's sparkline rose from 0 to 3"


async def test_longer_ranges_come_from_the_samples_once_for_every_viewer(
    create_user: Callable[[], User], database: Database, airdate: Airdate
) -> None:
    """Notifications sent before this version kept samples: the first start rebuilds them (hourly)."""
    make_notifications(database, 2)
    send_all_pending(database)
    await eventually(
        lambda: airdate.database.read(samples.value_at, utcnow()) is not None, what="samples rebuilt"
    )
    viewers = [create_user() for _ in range(3)]
    charts = []
    for viewer in viewers:
        await open_dashboard(viewer)
        charts.append(chart(viewer))
        charts[-1].range.set_value("24h")
    await eventually(lambda: all(c.point_count > 20 for c in charts))
    assert airdate.live.samples.reads == 1, "one read of the samples for the three viewers"
    sent = charts[0].chart.options["series"][0]["data"]
    assert sent[0][1] == 0 and sent[-1][1] == 2


async def test_the_last_hour_chart_redraws_at_most_once_per_interval_and_keeps_the_newest(
    monkeypatch: pytest.MonkeyPatch, user: User, airdate: Airdate
) -> None:
    """A burst of snapshots costs the browser one redraw; the newest waits for the next one."""
    monkeypatch.setattr(chart_module, "REDRAW_EVERY", 3600.0)  # the second redraw would come in an hour
    await open_dashboard(user)
    await eventually(lambda: stat(user, "pending") == 0)
    chart(user).range.set_value("24h")
    chart(user).range.set_value("1h")  # drawn now: the next redraw is an hour away
    await eventually(lambda: last_point(user, "pending") == 0)
    make_notifications(airdate.database, 2)
    await airdate.feed.tick()
    await eventually(lambda: stat(user, "pending") == 2)
    assert last_point(user, "pending") == 0, "the chart waits for its next redraw"
    chart(user).range.set_value("24h")
    chart(user).range.set_value("1h")
    await eventually(lambda: last_point(user, "pending") == 2, what="a range change draws the newest")
