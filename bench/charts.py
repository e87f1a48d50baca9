"""Chart ranges and start-up against table size (measured in the stats-read benchmark's database).

* Ranges: the 24-hour and 7-day charts, (a) now: one read of the samples table (30 days of samples:
  two days of minutes, then hours), against (b) before: the reconstruction this release replaced,
  two COUNT queries over the notifications per point, 25 points per range.
* Start-up: ``main.py`` on that database until ``/api/stats`` answers (the first snapshot), and its
  resident memory then; the first start of a database without chart samples rebuilds them in the
  background, once.
"""

import time
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import Connection, and_, func, or_, select

from data import Database, Stats, samples
from data.models import Notification, NotificationStatus
from tests.utils.server import Server

from .fanout.run import rss
from .report import median

FIELDS = ("notifications_sent", "notifications_pending")
RANGES = {"24 h": timedelta(days=1), "7 d": timedelta(days=7)}
OLD_POINTS = 25


def fill_samples(database: Database, now: datetime) -> None:
    """30 days of samples as a month-old Airdate keeps them (hours, then two days of minutes)."""
    with database.transaction(notify=False) as session:
        for hour in range(30 * 24, 48, -1):
            samples.record(session, now - timedelta(hours=hour), Stats(notifications_sent=hour))
        for minute in range(48 * 60, 0, -1):
            samples.record(session, now - timedelta(minutes=minute), Stats(notifications_sent=minute))


def old_range(connection: Connection, since: datetime, until: datetime) -> list[tuple[int, int]]:
    """The replaced chart read: sent by then and pending at then, counted from the notifications."""
    step = (until - since) / (OLD_POINTS - 1)
    points = []
    for i in range(OLD_POINTS):
        moment = since + step * i
        count = select(func.count()).select_from(Notification)
        sent = connection.execute(count.where(Notification.sent_at <= moment)).scalar_one()
        pending = connection.execute(
            count.where(
                and_(
                    Notification.created_at <= moment,
                    or_(Notification.sent_at.is_(None), Notification.sent_at > moment),
                    Notification.status != NotificationStatus.FAILED,
                )
            )
        ).scalar_one()
        points.append((sent, pending))
    return points


def time_ranges(database: Database, runs: int) -> dict[str, tuple[float, float, int]]:
    """Per range: (a) median seconds now, (b) median seconds before, points returned now."""
    now = datetime.now(UTC)
    found = {}
    for name, span in RANGES.items():
        a, b, points = [], [], 0
        with database.engine.connect() as connection:
            old_range(connection, now - span, now)  # warm
            for _ in range(runs):
                started = time.perf_counter()
                points = len(database.read(samples.series, now - span, now, FIELDS, 96))
                a.append(time.perf_counter() - started)
            for _ in range(max(2, runs // 20)):
                started = time.perf_counter()
                old_range(connection, now - span, now)
                b.append(time.perf_counter() - started)
        found[name] = (median(a), median(b), points)
    return found


def time_start(database_url: str) -> tuple[float, float]:
    """Seconds from starting ``main.py`` to the first snapshot, and resident MiB then."""
    server = Server(database_url, {"stats_interval": "5"})
    started = time.perf_counter()
    server.start(timeout=300)
    try:
        while httpx.get(f"{server.url}/api/stats", timeout=30).status_code != 200:
            time.sleep(0.05)
        took = time.perf_counter() - started
        return took, rss(server.process.pid) / 2**20
    finally:
        server.stop()
