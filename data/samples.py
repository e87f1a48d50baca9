"""A small table of the stats over time, for the charts' longer ranges: one row per minute for the
last two days, one per hour (the hour's last minute) up to 30 days back.

Counting the notifications table for every point of a chart costs O(rows) per point (50 COUNT queries
per range switch, 1.6 s at 1 M notifications; ``make bench``); reading a range here costs at most a
few thousand small rows, whatever the size of the tables. The live feed writes one row a minute from
the snapshot it already has (see :mod:`live.samples`).

A sample holds every stat by name (``counts``), so a stat added to :data:`data.counters.COUNTERS` has
its long-range chart and its "% vs 1 h ago" after a restart from its first sample on, with no column of
its own. A name a sample does not hold (a stat defined later) reads as None: a gap, not a zero.
"""

from bisect import bisect_right
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from sqlalchemy import ColumnElement, Connection, delete, func, select
from sqlmodel import Session

from .clock import as_utc, utcnow
from .counters import Stats, read_stats
from .models import (
    Episode,
    MediaRequest,
    MediaType,
    Notification,
    NotificationStatus,
    RequestStatus,
    StatsSample,
    User,
)
from .upsert import upsert

MINUTES_KEPT = timedelta(days=2)
HOURS_KEPT = timedelta(days=30)


def minute_of(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(second=0, microsecond=0)


def record(session: Session, at: datetime, stats: Stats) -> None:
    """The stats at the end of the minute ``at`` falls in (a later call in the same minute wins)."""
    connection = session.connection()
    upsert(connection, StatsSample.__table__, {"at": minute_of(at), "counts": stats.as_dict()}, keys=("at",))


def series(
    session: Session, since: datetime, until: datetime, fields: tuple[str, ...], points: int
) -> list[tuple[datetime, dict[str, int]]]:
    """At most ``points`` (moment, values) pairs from ``since`` to ``until``: the last sample of each
    slice of time, and the sample in force at ``since`` first."""
    connection = session.connection()
    columns = (StatsSample.at, *(StatsSample.counts[field].as_integer() for field in fields))
    before = connection.execute(
        select(*columns).where(StatsSample.at <= since).order_by(StatsSample.at.desc()).limit(1)
    ).first()
    rows = connection.execute(
        select(*columns).where(StatsSample.at > since, StatsSample.at <= until).order_by(StatsSample.at)
    ).all()
    width = (until - since) / max(1, points)
    kept: dict[int, tuple] = {}
    if before is not None:
        kept[-1] = (since, *before[1:])
    for row in rows:  # the last sample in each slice wins; only those become dicts
        at = _moment(row[0])
        kept[min(points - 1, int((at - since) / width))] = (at, *row[1:])
    return [(kept[key][0], dict(zip(fields, kept[key][1:], strict=True))) for key in sorted(kept)]


def value_at(session: Session, when: datetime) -> dict[str, int] | None:
    """The newest sample at or before ``when`` (None if the samples do not reach back so far)."""
    connection = session.connection()
    latest = select(StatsSample.counts).where(StatsSample.at <= when).order_by(StatsSample.at.desc()).limit(1)
    counts = connection.execute(latest).scalar_one_or_none()
    return None if counts is None else dict(counts)


def thin(session: Session, now: datetime | None = None) -> None:
    """Keep minutes for two days, then the last sample of each hour, for thirty days."""
    connection = session.connection()
    now = now or utcnow()
    connection.execute(delete(StatsSample).where(StatsSample.at < now - HOURS_KEPT))
    older = _sorted_moments(
        connection.execute(select(StatsSample.at).where(StatsSample.at < now - MINUTES_KEPT))
    )
    last_of_hour = {at.replace(minute=0, second=0, microsecond=0): at for at in older}  # the last one wins
    keep = set(last_of_hour.values())
    drop = [at for at in older if at not in keep]
    if drop:
        connection.execute(delete(StatsSample).where(StatsSample.at.in_(drop)))


def is_empty(session: Session) -> bool:
    connection = session.connection()
    return connection.execute(select(func.count()).select_from(StatsSample)).scalar_one() == 0


def backfill(session: Session, now: datetime, hours: int = 7 * 24) -> int:
    """Hourly samples for the last ``hours``, rebuilt from the tables' timestamps: the first start of a
    database made before this table still shows a week of history. For each number, one COUNT of the
    rows made before the week and the timestamps of the rows made within it (not the whole table).
    Counts of rows made by a moment are exact; "pending at a moment" is a reconstruction (made by then,
    not sent by then, never failed). Only these six stats have a timeline to rebuild; the others start
    with the first sample the feed writes. Returns how many samples were written."""
    connection = session.connection()
    since = now - timedelta(hours=hours)
    moments = [since + timedelta(hours=i + 1) for i in range(hours)]
    tracking = (MediaRequest.media_type == MediaType.TV) & (MediaRequest.status == RequestStatus.APPROVED)
    timelines = {  # a timestamp column, and which rows count
        "users": (User.created_at, None),
        "requests_total": (MediaRequest.created_at, None),
        "requests_tracking": (MediaRequest.created_at, tracking),
        "episodes_tracked": (Episode.created_at, None),
        "notifications_sent": (Notification.sent_at, None),
        "made": (Notification.created_at, Notification.status != NotificationStatus.FAILED),
    }
    counted = {
        name: _counted_by(connection, column, where, since) for name, (column, where) in timelines.items()
    }
    for moment in moments:
        stats = {name: base + bisect_right(recent, moment) for name, (base, recent) in counted.items()}
        stats["notifications_pending"] = max(0, stats.pop("made") - stats["notifications_sent"])
        upsert(connection, StatsSample.__table__, {"at": moment, "counts": stats}, keys=("at",))
    return len(moments)


def backfill_if_empty(session: Session) -> int:
    """:func:`backfill` a week, if there are rows but no samples yet (the first start of a database made
    before them); how many samples were written."""
    has_rows = any(read_stats(session).as_dict().values())
    return backfill(session, utcnow()) if has_rows and is_empty(session) else 0


def _counted_by(
    connection: Connection, column: ColumnElement, where: ColumnElement | None, since: datetime
) -> tuple[int, list[datetime]]:
    """How many rows were made by ``since``, and the sorted timestamps of those made after it."""
    table = column.table
    before = select(func.count()).select_from(table).where(column <= since)
    after = select(column).where(column > since)
    if where is not None:
        before, after = before.where(where), after.where(where)
    return connection.execute(before).scalar_one(), _sorted_moments(connection.execute(after))


def _moment(value: datetime | str) -> datetime:
    return as_utc(value)


def _sorted_moments(rows: Iterable) -> list[datetime]:
    return sorted(_moment(moment) for (moment,) in rows)
