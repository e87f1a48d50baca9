"""The newest notifications, kept in memory from the feed's events, for every page that shows them.

Read once from the database at start; after that each ``notification`` event updates it. A page
opening fills its table from here, not from a query of its own; each event's row is turned into what
a browser is sent once, for every viewer.
"""

from collections import OrderedDict
from collections.abc import Callable

from data import NotificationRow

from .feed import notification_json
from .hub import NOTIFICATION, Event

KEEP = 50


class LatestNotifications:
    def __init__(self, load: Callable[[int], list[NotificationRow]], keep: int = KEEP) -> None:
        self.load = load
        self.keep = keep
        self._rows: OrderedDict[int, dict] = OrderedDict()  # notification id -> row, oldest first
        self._by_event: OrderedDict[int, dict] = OrderedDict()  # recent event seq -> its row

    def fill(self) -> None:
        """Read the newest rows (call once, off the event loop, before pages are served)."""
        for row in reversed(self.load(self.keep)):
            self._rows[row.id] = notification_json(row)

    def take(self, event: Event) -> None:
        """A hub listener, registered before any page's."""
        if event.kind != NOTIFICATION:
            return
        row = notification_json(event.payload)
        self._by_event[event.seq] = row
        while len(self._by_event) > 4 * self.keep:
            self._by_event.popitem(last=False)
        self._rows[row["id"]] = row  # a known one changes in place; a new one is the newest
        while len(self._rows) > self.keep:
            self._rows.popitem(last=False)

    def row(self, event: Event) -> dict:
        """The browser's row for a notification event (made once, whoever asks)."""
        return self._by_event.get(event.seq) or notification_json(event.payload)

    def newest(self) -> list[dict]:
        """Newest first."""
        return list(reversed(self._rows.values()))
