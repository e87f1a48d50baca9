from collections.abc import Awaitable, Callable

from nicegui import ui

from data import NotificationRow
from live import Event
from live.hub import NOTIFICATION

from .time_text import TimeText

STATUS_COLORS = {"pending": "orange", "sending": "blue", "sent": "positive", "failed": "negative"}


class NotificationLine(ui.element):
    """One row of the table; its status chip follows the notification's changes."""

    def __init__(self, row: NotificationRow) -> None:
        super().__init__("tr")
        self.mark(f"notification-{row.id}")
        with self:
            with ui.element("td"):
                TimeText(row.created_at, mode="relative")
            with ui.element("td"):
                ui.label(row.user).classes("font-medium")
            with ui.element("td").classes("whitespace-normal"):
                ui.label(row.subject)
            with ui.element("td"):
                self.chip = ui.chip(row.status).props("dense square text-color=white").mark("status")
        self.show(row)

    def show(self, row: NotificationRow) -> None:
        self.chip.set_text(row.status)
        self.chip.props(f"color={STATUS_COLORS.get(row.status, 'grey')}")


class RecentNotifications(ui.card):
    """The newest notifications, newest first: new ones are prepended, status changes update in place."""

    def __init__(self, load: Callable[[], Awaitable[list[NotificationRow]]], limit: int = 50) -> None:
        super().__init__()
        self.classes("w-full p-0 gap-0").mark("recent-notifications")
        self.load = load
        self.limit = limit
        self.lines: dict[int, NotificationLine] = {}
        with self:
            ui.label("Recent notifications").classes("text-lg font-medium px-4 pt-3 pb-2")
            with (
                ui.element("q-markup-table").props("flat dense wrap-cells").classes("w-full overflow-x-auto")
            ):
                with ui.element("thead"), ui.element("tr"):
                    for title in ("When", "User", "Subject", "Status"):
                        with ui.element("th").classes("text-left"):
                            ui.label(title)
                self.body = ui.element("tbody")
            self.empty = ui.label("No notifications yet.").classes("px-4 py-3 text-gray-500")

    @property
    def shown_ids(self) -> list[int]:
        """Notification ids in display order (newest first)."""
        order = {line.id: nid for nid, line in self.lines.items()}
        return [order[child.id] for child in self.body.default_slot.children]

    async def reload(self) -> None:
        rows = await self.load()
        self.body.clear()
        self.lines.clear()
        self._add_older(rows)

    async def fill(self) -> None:
        """First load: rows that live events already brought stay as they are (they are fresher)."""
        self._add_older(await self.load())

    def take(self, event: Event) -> None:
        if event.kind != NOTIFICATION:
            return
        row: NotificationRow = event.payload
        if row.id in self.lines:
            self.lines[row.id].show(row)
            return
        with self.body:
            self.lines[row.id] = NotificationLine(row).move(target_index=0)
        self._trim()

    def _add_older(self, rows: list[NotificationRow]) -> None:
        for row in rows:  # newest first
            if row.id not in self.lines and len(self.lines) < self.limit:
                with self.body:
                    self.lines[row.id] = NotificationLine(row)
        self._trim()

    def _trim(self) -> None:
        while len(self.lines) > self.limit:
            oldest = self.body.default_slot.children[-1]
            self.lines = {nid: line for nid, line in self.lines.items() if line is not oldest}
            self.body.remove(oldest)
        self.empty.set_visibility(not self.lines)
