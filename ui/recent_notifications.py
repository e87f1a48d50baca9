"""The dashboard's table of the newest notifications, drawn by the browser (``notification_table.js``).

A page starts from the rows the live feed keeps in memory (no query per page); each notification
event then sends this viewer one row. An admin's table has a Retry button on failed rows; the row then
changes like any other, through the feed.
"""

from collections.abc import Awaitable, Callable

from nicegui import ui

from data import Database
from live import Event
from live.hub import NOTIFICATION
from live.latest import LatestNotifications
from services.requeue import NotRetryable, retry_one

Retry = Callable[[int], Awaitable[None]]


class NotificationTable(
    ui.element, component="notification_table.js", dependencies=["draw_soon.js", "relative_time.js"]
):
    def __init__(self, latest: LatestNotifications, limit: int = 50, on_retry: Retry | None = None) -> None:
        super().__init__()
        self.latest = latest
        self.limit = limit
        self.rows = latest.newest()[:limit]  # what this viewer was sent, newest first
        self.props["initial"] = self.rows
        self.props["limit"] = limit
        self.props["retryable"] = on_retry is not None
        if on_retry is not None:  # no listener, no retry: a viewer's browser cannot send one
            self.on("retry", lambda event: on_retry(int(event.args)))

    @property
    def shown_ids(self) -> list[int]:
        return [row["id"] for row in self.rows]

    def status_of(self, notification_id: int) -> str | None:
        return next((row["status"] for row in self.rows if row["id"] == notification_id), None)

    def take(self, event: Event) -> None:
        if event.kind != NOTIFICATION:
            return
        row = self.latest.row(event)
        at = next((i for i, known in enumerate(self.rows) if known["id"] == row["id"]), None)
        if at is None:
            self.rows = [row, *self.rows][: self.limit]
        else:
            self.rows = [*self.rows[:at], row, *self.rows[at + 1 :]]
        self._keep()
        self.run_method("upsert", row)

    async def reload(self) -> None:
        self.rows = self.latest.newest()[: self.limit]
        self._keep()
        self.run_method("replace", self.rows)

    def _keep(self) -> None:
        """For a page rendered anew; the browser already has it (the message above), not as a prop."""
        with self.props.suspend_updates():
            self.props["initial"] = self.rows


class RecentNotifications(ui.card):
    """The card around the table."""

    def __init__(self, latest: LatestNotifications, on_retry: Retry | None = None) -> None:
        super().__init__()
        # "contain: content": a changed row repaints the table only
        self.classes("w-full p-0 gap-0").style("contain: content").mark("recent-notifications")
        with self:
            ui.label("Recent notifications").classes("text-lg font-medium px-4 pt-3 pb-2")
            self.table = NotificationTable(latest, on_retry=on_retry)

    @property
    def shown_ids(self) -> list[int]:
        return self.table.shown_ids

    def take(self, event: Event) -> None:
        self.table.take(event)

    async def reload(self) -> None:
        await self.table.reload()


def retrier(database: Database, who: str) -> Retry:
    """What an admin's Retry button does: the notification back to pending, or a warning why not."""

    async def retry(notification_id: int) -> None:
        try:
            await retry_one(database, notification_id, by=who)
        except NotRetryable as refused:
            ui.notify(str(refused), type="warning")
            return
        ui.notify(f"Notification {notification_id} will be sent again", type="positive")

    return retry
