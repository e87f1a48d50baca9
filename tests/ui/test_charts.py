"""Sparklines, the sent-vs-pending chart and "% vs 1 h ago", fed by the shared feed's history."""

from datetime import timedelta

import pytest
from nicegui.testing import User
from sqlmodel import select

from application import Airdate
from data import Database
from data.models import User as UserRow
from data.models import utcnow
from ui.charts import ActivityChart
from ui.stat_card import StatCard

from ..utils.factories import make_notifications, make_users, send_all_pending
from ..utils.pages import shown
from ..utils.waiting import eventually


@pytest.fixture
def two_hours_of_users(database: Database) -> None:
    """Four users who signed up two hours ago (before the server started)."""
    make_users(database, 4, prefix="early")
    with database.session() as session:
        for row in session.exec(select(UserRow)).all():
            row.created_at = utcnow() - timedelta(hours=2)
            session.add(row)
        session.commit()


def chart(user: User) -> ActivityChart:
    (found,) = user.find(marker="activity-chart").elements
    return found


def card(user: User, key: str) -> StatCard:
    (value,) = user.find(marker=f"stat-{key}").elements
    return value.parent_slot.parent.parent_slot.parent


async def test_percent_change_compares_with_one_hour_ago(
    two_hours_of_users: None, user: User, airdate: Airdate
) -> None:
    await user.open("/")
    make_users(airdate.database, 2, prefix="new")
    await eventually(lambda: shown(user, "stat-users") == "6")
    assert shown(user, "change-users") == "▲ 50% vs 1 h ago"
    assert shown(user, "change-pending") == "", "no value an hour ago: no percentage"


async def test_sparklines_and_the_chart_follow_the_feed(user: User, airdate: Airdate) -> None:
    await user.open("/")
    await eventually(lambda: shown(user, "stat-users") == "0")
    make_notifications(airdate.database, 3)
    await eventually(lambda: shown(user, "stat-pending") == "3")
    assert chart(user).chart.options["series"][1]["data"][-1][1] == 3
    send_all_pending(airdate.database)
    await eventually(lambda: shown(user, "stat-sent") == "3")
    await airdate.feed.tick()
    sent = chart(user).chart.options["series"][0]["data"]
    pending = chart(user).chart.options["series"][1]["data"]
    assert sent[-1][1] == 3 and pending[-1][1] == 0
    spark = [value for _, value in card(user, "sent").spark.options["series"][0]["data"]]
    assert spark[0] == 0 and spark[-1] == 3, "the sent card's sparkline rose from 0 to 3"


async def test_longer_ranges_come_from_the_database(user: User, airdate: Airdate) -> None:
    make_notifications(airdate.database, 2)
    send_all_pending(airdate.database)
    await user.open("/")
    activity = chart(user)
    activity.range.set_value("24h")
    await eventually(lambda: activity.point_count == 25)
    sent = activity.chart.options["series"][0]["data"]
    assert sent[0][1] == 0 and sent[-1][1] == 2
