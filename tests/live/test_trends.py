from datetime import UTC, datetime, timedelta

from data import Stats
from live.feed import Snapshot
from live.trends import MAX_POINTS, Trends


def at(minutes_ago: float, **values: int) -> Snapshot:
    return Snapshot(0, Stats(**values), datetime.now(UTC) - timedelta(minutes=minutes_ago))


def test_the_series_grows_one_point_per_time_slice() -> None:
    history = Trends()
    since = datetime.now(UTC) - timedelta(hours=1)
    counts = []
    for minutes_ago, users in ((50.5, 1), (30.5, 2), (30.4, 3), (10.5, 4), (1.5, 5)):
        history.record(at(minutes_ago, users=users))
        counts.append(len(history.series("users", since)))
    assert counts == [1, 2, 2, 3, 4], "two snapshots in the same minute share a point"
    assert [value for _, value in history.series("users", since)] == [1, 3, 4, 5]


def test_the_value_an_hour_ago_comes_from_the_seed_then_from_memory() -> None:
    hour_ago = datetime.now(UTC) - timedelta(hours=1)
    seeded = Trends()
    seeded.record(at(1, users=12))
    seeded.seed(hour_ago, {"users": 10})  # arrives after the first snapshot: it still goes first
    assert seeded.points[0] == (hour_ago, {"users": 10})
    assert seeded.change_since("users", 15, hour_ago + timedelta(seconds=1)) == 50.0
    assert Trends().change_since("users", 15, hour_ago) is None, "no history that old: no percentage"
    zero = Trends()
    zero.seed(hour_ago, {"users": 0})
    assert zero.change_since("users", 3, hour_ago + timedelta(seconds=1)) is None


def test_memory_stays_bounded() -> None:
    history = Trends()
    for i in range(MAX_POINTS + 100):
        history.record(at(0, users=i))
    assert len(history.points) == MAX_POINTS
    old = Trends()
    old.record(at(60 * 24, users=1))
    old.record(at(60 * 23, users=2))
    old.record(at(0, users=3))
    assert len(old.points) == 2, "points older than six hours are dropped (one kept as the baseline)"


def test_a_history_younger_than_a_slice_is_a_line_from_its_start_to_now() -> None:
    """Regression: a freshly started server's last-hour chart showed a lone point (nothing drawn)."""
    history = Trends()
    since = datetime.now(UTC) - timedelta(hours=1)
    history.record(at(0.3, notifications_pending=2))
    history.record(at(0.2, notifications_pending=5))
    history.record(at(0.1, notifications_pending=7))
    assert [value for _, value in history.series("notifications_pending", since)] == [2, 7]
