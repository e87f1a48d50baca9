"""An admin's Retry on a failed row of the dashboard's recent notifications."""

import logging

import pytest
from nicegui.testing import User

from application import Airdate
from data.models import NotificationStatus
from tests.utils.pages import open_dashboard
from ui.recent_notifications import NotificationTable

from ..utils.factories import make_notifications, set_status
from ..utils.waiting import eventually


def table(user: User) -> NotificationTable:
    (element,) = user.find(kind=NotificationTable).elements
    return element


async def test_retry_puts_the_row_back_to_pending_through_the_feed(
    user: User, airdate: Airdate, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="airdate.audit")
    failed, other = make_notifications(airdate.database, 2)
    for nid in (failed, other):
        set_status(airdate.database, nid, NotificationStatus.FAILED)
    await open_dashboard(user)
    await eventually(lambda: table(user).status_of(failed) == "failed")
    assert table(user).props["retryable"] is True, "this machine, no accounts: an admin"

    user.find(kind=NotificationTable).trigger("retry", failed)
    await eventually(lambda: table(user).status_of(failed) == "pending")
    await user.should_see(f"Notification {failed} will be sent again")
    assert table(user).status_of(other) == "failed"
    assert f"local retried notification {failed}" in [
        r.getMessage() for r in caplog.records if r.name == "airdate.audit"
    ]

    user.find(kind=NotificationTable).trigger("retry", failed)  # a second click, or another admin's
    await user.should_see(f"notification {failed} is pending, not failed")
