"""The dashboard as a user sees it (NiceGUI's simulated user, no browser)."""

from collections.abc import Callable
from datetime import datetime, timedelta

from nicegui.testing import User
from prometheus_client import REGISTRY

from application import Airdate
from data import Database
from tests.utils.pages import open_dashboard
from ui.live_controls import Freshness

from ..utils.factories import make_tracked_show, make_users
from ..utils.pages import refresh_choice, stat
from ..utils.waiting import eventually

CARD_KEYS = ("users", "requests", "tracking", "episodes", "sent", "pending")


async def test_cards_show_the_database_values(user: User, database: Database, airdate: Airdate) -> None:
    make_tracked_show(database, tmdb_id=1, requesters=3)  # another handle, like another process
    await airdate.feed.tick()
    await open_dashboard(user)
    await user.should_see("Airdate")
    values = {key: stat(user, key) for key in CARD_KEYS}
    assert values == {"users": 3, "requests": 3, "tracking": 3, "episodes": 0, "sent": 0, "pending": 0}
    (grid,) = user.find(marker="stat-cards").elements
    assert [card["title"] for card in grid.props["cards"]] == [
        "Users",
        "Requests",
        "Tracking",
        "Episodes tracked",
        "Notifications sent",
        "Notifications pending",
    ]
    (last_sync,) = user.find(marker="last-sync").elements
    shown = datetime.fromisoformat(last_sync.props["iso"].replace("Z", "+00:00"))
    last_read = airdate.feed.last_read_at.replace(microsecond=0)
    # a read that finds nothing new redraws the time only after Freshness.QUIET: the app-wide timer may
    # have read again since the page was built (it said 18:10:00 beside a read at 18:10:01)
    assert timedelta(0) <= last_read - shown <= Freshness.QUIET, "the time of a read, and a recent one"


async def test_cards_change_after_a_write_without_reload(user: User, airdate: Airdate) -> None:
    await open_dashboard(user)
    await eventually(lambda: stat(user, "users") == 0)  # the app-wide timer's first read
    make_users(airdate.database, 1200)
    await eventually(lambda: stat(user, "users") == 1_200)


async def test_pause_freezes_one_viewer_while_another_keeps_updating(
    create_user: Callable[[], User], airdate: Airdate
) -> None:
    paused, watching = create_user(), create_user()
    await airdate.feed.tick()
    await open_dashboard(paused)
    await open_dashboard(watching)
    paused.find(marker="pause").click()
    await paused.should_see("Resume live updates")
    assert refresh_choice(paused) == "off"
    assert refresh_choice(watching) == "live"

    make_users(airdate.database, 2)
    await eventually(lambda: stat(watching, "users") == 2)  # delivered to every viewer...
    assert stat(paused, "users") == 0  # ...except the paused one

    paused.find(marker="pause").click()
    await paused.should_see("Pause live updates")
    assert stat(paused, "users") == 2, "resume catches up at once"
    assert refresh_choice(paused) == "live"
    make_users(airdate.database, 1, prefix="later")
    await eventually(lambda: stat(paused, "users") == 3)


async def test_a_closed_page_stops_listening(create_user: Callable[[], User]) -> None:
    viewer = create_user()
    await open_dashboard(viewer)
    await eventually(lambda: REGISTRY.get_sample_value("airdate_dashboard_clients") == 1)
    viewer.client.delete()
    assert REGISTRY.get_sample_value("airdate_dashboard_clients") == 0
