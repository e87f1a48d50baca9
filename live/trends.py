"""The shared feed's recent past, kept in memory (bounded) for sparklines, charts and "% vs 1 h ago"."""

from collections import deque
from datetime import UTC, datetime, timedelta

from data import Stats

from .feed import Snapshot
from .hub import STATS, Event

KEEP = timedelta(hours=6)
MAX_POINTS = 5000


class Trends:
    """(moment, values) points, one per changed snapshot, and the sample of an hour before the start."""

    def __init__(self) -> None:
        self.points: deque[tuple[datetime, dict[str, int]]] = deque(maxlen=MAX_POINTS)
        self._memo: dict[tuple, object] = {}  # what viewers ask for, computed once per snapshot
        self.started = datetime.now(UTC)

    def seed(self, moment: datetime, values: dict[str, int]) -> None:
        """What the stats were at ``moment`` before this process started (from the samples table)."""
        if not self.points or moment < self.points[0][0]:
            self.points.appendleft((moment, values))
            self._memo.clear()

    def take(self, event: Event) -> None:
        """A hub listener: record every stats snapshot."""
        if event.kind == STATS:
            self.record(event.payload)

    def record(self, snapshot: Snapshot) -> None:
        self._memo.clear()
        self.points.append((snapshot.timestamp, _values(snapshot.stats)))
        horizon = snapshot.timestamp - KEEP
        while len(self.points) > 2 and self.points[1][0] < horizon:
            self.points.popleft()

    def last_hour(self, field: str, buckets: int = 60) -> list[tuple[datetime, int]]:
        """``series`` over the last hour, computed once per snapshot however many viewers ask."""
        key = ("last_hour", field, buckets)
        if key not in self._memo:
            self._memo[key] = self.series(field, datetime.now(UTC) - timedelta(hours=1), buckets)
        return self._memo[key]  # type: ignore[return-value]

    def change_in_last_hour(self, field: str, current: int) -> float | None:
        """Percent change against one hour ago, computed once per snapshot."""
        key = ("change", field, current)
        if key not in self._memo:
            self._memo[key] = self.change_since(field, current, datetime.now(UTC) - timedelta(hours=1))
        return self._memo[key]  # type: ignore[return-value]

    def tiles(self, snapshot: Snapshot, fields: tuple[str, ...], points: int) -> dict:
        """What the stat cards show for ``snapshot``: values, % change and sparkline points (epoch
        seconds, value) — one dict for every viewer, computed once per snapshot."""
        key = ("tiles", snapshot.stats, fields, points)
        if key not in self._memo:
            values = {field: getattr(snapshot.stats, field) for field in fields}
            self._memo[key] = {
                "values": values,
                "changes": {field: self.change_in_last_hour(field, values[field]) for field in fields},
                "sparks": {
                    field: [
                        [int(moment.timestamp()), value] for moment, value in self.last_hour(field, points)
                    ]
                    for field in fields
                },
            }
        return self._memo[key]  # type: ignore[return-value]

    def chart_last_hour(self, fields: tuple[str, ...], points: int = 60) -> list[list[list[int]]]:
        """One (epoch milliseconds, value) series per field over the last hour, for the chart."""
        key = ("chart", fields, points)
        if key not in self._memo:
            self._memo[key] = [
                [[int(moment.timestamp() * 1000), value] for moment, value in self.last_hour(field, points)]
                for field in fields
            ]
        return self._memo[key]  # type: ignore[return-value]

    def value_at(self, field: str, when: datetime) -> int | None:
        """The value ``field`` had at ``when``, if the history reaches back that far."""
        found = None
        for moment, values in self.points:
            if moment > when:
                break
            found = values.get(field)
        return found

    def series(self, field: str, since: datetime, buckets: int = 60) -> list[tuple[datetime, int]]:
        """At most ``buckets`` points since ``since``: the last value in each time slice, after the value at
        ``since`` (or, when the history starts later, its first value: a server started a minute ago
        draws a line from its start to now, not a lone point)."""
        width = (datetime.now(UTC) - since) / buckets
        sliced: dict[int, tuple[datetime, int]] = {}
        start = self.value_at(field, since)
        if start is not None:
            sliced[-1] = (since, start)
        for moment, values in self.points:
            if moment >= since and field in values:
                if not sliced:  # history starts inside the range: the line starts where it does
                    sliced[-1] = (moment, values[field])
                    continue
                sliced[int((moment - since) / width)] = (moment, values[field])
        return [sliced[key] for key in sorted(sliced)]

    def change_since(self, field: str, current: int, when: datetime) -> float | None:
        """Percent change from ``when`` to now; None when unknown or the old value was 0."""
        old = self.value_at(field, when)
        if not old:
            return None
        return (current - old) * 100.0 / old


def _values(stats: Stats) -> dict[str, int]:
    return stats.as_dict()
