"""Recent notifications and the log on the dashboard, as a user sees them."""

import logging
from collections.abc import Callable

from nicegui.testing import User

from application import Airdate
from data.models import NotificationStatus
from tests.utils.pages import open_dashboard
from ui.log_viewer import LogViewer
from ui.recent_notifications import RecentNotifications

from ..utils.factories import make_notifications, set_status
from ..utils.waiting import eventually


def table(user: User) -> RecentNotifications:
    (element,) = user.find(marker="recent-notifications").elements
    return element


def logs(user: User) -> LogViewer:
    (element,) = user.find(marker="logs").elements
    return element


def chip_text(user: User, notification_id: int) -> str | None:
    """The status a row of this viewer's table shows."""
    return table(user).table.status_of(notification_id)


async def test_new_notifications_are_prepended_and_the_table_keeps_fifty(
    user: User, airdate: Airdate
) -> None:
    first = make_notifications(airdate.database, 3)
    await open_dashboard(user)
    await eventually(lambda: table(user).shown_ids == first[::-1])  # loaded, newest first
    more = make_notifications(airdate.database, 55, user_id=1)
    await eventually(lambda: table(user).shown_ids[:1] == [more[-1]])
    assert table(user).shown_ids == (first + more)[::-1][:50]
    assert table(user).table.rows[0]["subject"] == "Note 54"  # (Chromium checks what it looks like)


async def test_a_status_change_updates_its_row_in_place(user: User, airdate: Airdate) -> None:
    (nid,) = make_notifications(airdate.database, 1)
    await open_dashboard(user)
    await eventually(lambda: table(user).shown_ids == [nid])
    assert chip_text(user, nid) == "pending"
    set_status(airdate.database, nid, NotificationStatus.SENT)
    await eventually(lambda: chip_text(user, nid) == "sent")
    assert table(user).shown_ids == [nid]


async def test_log_lines_appear_and_the_level_filter_hides_lower_ones(user: User, airdate: Airdate) -> None:
    await open_dashboard(user)
    logging.getLogger("airdate.test").info("an informative line")
    logging.getLogger("airdate.test").warning("a warning line")
    await eventually(lambda: any("a warning line" in line for line in logs(user).lines))
    assert "INFO    airdate.test: an informative line" in logs(user).lines
    logs(user).level.value = "WARNING"
    assert not any("an informative line" in line for line in logs(user).lines)
    assert any("a warning line" in line for line in logs(user).lines)
    logging.getLogger("airdate.test").info("another informative line")
    logging.getLogger("airdate.test").warning("a second warning")
    await eventually(lambda: any("a second warning" in line for line in logs(user).lines))
    assert not any("another informative line" in line for line in logs(user).lines)


async def test_pause_freezes_the_tables_and_resume_catches_up_without_duplicates(
    create_user: Callable[[], User],
    airdate: Airdate,
) -> None:
    paused, watching = create_user(), create_user()
    first = make_notifications(airdate.database, 2)
    await open_dashboard(paused)
    await open_dashboard(watching)
    await eventually(lambda: table(paused).shown_ids == first[::-1])
    paused.find(marker="pause").click()
    await paused.should_see("Resume live updates")

    more = make_notifications(airdate.database, 3, user_id=1)
    set_status(airdate.database, first[0], NotificationStatus.SENT)
    logging.getLogger("airdate.test").warning("while paused")
    await eventually(lambda: table(watching).shown_ids == (first + more)[::-1])
    await eventually(lambda: chip_text(watching, first[0]) == "sent")
    assert table(paused).shown_ids == first[::-1]
    assert chip_text(paused, first[0]) == "pending"
    assert not any("while paused" in line for line in logs(paused).lines)

    paused.find(marker="pause").click()
    await eventually(lambda: table(paused).shown_ids == (first + more)[::-1])
    assert chip_text(paused, first[0]) == "sent"
    assert sum("while paused" in line for line in logs(paused).lines) == 1
