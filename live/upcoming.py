"""What airs next, for every page that shows it: the feed's latest read of the upcoming episodes
(:mod:`data.upcoming`), turned into table rows once per change and shared by every viewer.

The feed reads the window only when its revision or the minute moved, and hands it here; pages render
:attr:`UpcomingBoard.rows` and listen for the next change. No page queries the schedule itself.
"""

import logging
from collections.abc import Callable

from data.clock import iso_utc
from data.listeners import Listeners
from data.upcoming import Upcoming, UpcomingShow

log = logging.getLogger("airdate.upcoming")
FINALES = {"season": "season finale", "series": "series finale", "midseason": "mid-season finale"}


class UpcomingBoard:
    def __init__(self) -> None:
        self.current: Upcoming | None = None  # None until the feed's first read
        self.rows: list[dict] = []  # one per episode, soonest first, as pages show them
        self._listeners: Listeners[[]] = Listeners(log, "an Upcoming page failed")

    def take(self, upcoming: Upcoming) -> None:
        """The feed's hook (``LiveFeed.on_upcoming``): a read that may differ from the last."""
        rows = [row for show in upcoming.shows for row in _rows(show)]
        rows.sort(key=lambda row: (row["air_at"], row["show"]))
        changed = rows != self.rows
        self.current, self.rows = upcoming, rows
        if changed:
            self._listeners.notify()

    def listen(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call ``listener`` after each change of :attr:`rows`; returns the stop."""
        return self._listeners.add(listener)


def _rows(show: UpcomingShow) -> list[dict]:
    return [
        {
            "id": f"{show.tmdb_id}-{e.season}-{e.number}",
            "show": show.title,
            "tmdb_id": show.tmdb_id,
            "episode": f"S{e.season:02d}E{e.number:02d}",
            "title": e.title,
            "air_at": iso_utc(e.air_at),
            "note": FINALES.get(e.finale or "", ""),
            "told": ", ".join(e.told) or "nobody",
        }
        for e in show.episodes
    ]
