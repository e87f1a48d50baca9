"""A change log of notifications, written by database triggers.

Every INSERT into ``notifications`` and every UPDATE that changes its ``status`` appends a row to
``notification_changes``. The live feed reads the rows after the last one it has seen, in the same
read as the stats, so a notification created or moved on by another process or by raw SQL becomes a
``notification`` event just like one written by Airdate itself. Old rows are pruned.

A change row keeps the status and ``sent_at`` it set, so the event made from it is the same whenever
and on whichever replica it is read: its id is the change id (see :mod:`live.resume`).

**Why ``id > cursor`` never skips a change.** On PostgreSQL a sequence hands out ids when rows are
inserted, not when they commit: with two writers, id 8 can become visible before id 7, and a reader
that saw 8 would skip 7 forever. So the change-log trigger functions first take one transaction-level
advisory lock (:data:`LOG_LOCK`, migration 0002) and only then draw the id: the next writer waits at
that point until the previous one has committed or rolled back, so ids become visible in the order they
were drawn. We chose this over reading below ``pg_snapshot_xmin`` with an ``(xid, id)`` cursor because
it keeps the cursor a plain number (the same id every replica and every ``Last-Event-ID`` can use) and
readers need no knowledge of transactions; the cost is that transactions writing notifications commit
one after the other from their first notification on. Those are short (a webhook's episode, a claimed
batch) and ``make bench`` measures the throughput with 1, 4 and 16 writers. SQLite has one writer at a
time anyway. A rolled-back transaction leaves a gap in the ids, which readers simply step over.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlmodel import Session

from .clock import as_utc

LOG_LOCK = 7_351_000_002  # pg_advisory_xact_lock key that orders change ids (see above)
KEEP_ROWS = 10_000  # the log only needs to cover the gap between two reads; keep plenty
READ_LIMIT = 1000  # changes per read; a reader that gets this many reads again at once


EMAIL = "e-mail"  # the channel of a notification without one


@dataclass(frozen=True, slots=True)
class NotificationRow:
    """A notification as viewers see it; in a change, ``status`` is the status it changed to."""

    id: int
    user: str
    subject: str
    status: str
    created_at: datetime
    sent_at: datetime | None
    channel: str = EMAIL  # "e-mail", or the channel's URL with its secrets masked


_COLUMNS = "n.id, u.username, n.subject, {status}, n.created_at, {sent_at}, ch.label"
_JOINS = "JOIN users u ON u.id = n.user_id LEFT JOIN channels ch ON ch.id = n.channel_id"
_READ_CHANGES = text(
    f"SELECT c.id, {_COLUMNS.format(status='c.status', sent_at='c.sent_at')} "
    f"FROM notification_changes c JOIN notifications n ON n.id = c.notification_id {_JOINS} "
    "WHERE c.id > :after AND c.id <= :until ORDER BY c.id LIMIT :limit"
)
_OLDEST = text("SELECT MIN(id) FROM notification_changes")
_READ_RECENT = text(
    f"SELECT {_COLUMNS.format(status='n.status', sent_at='n.sent_at')} FROM notifications n {_JOINS} "
    "ORDER BY n.id DESC LIMIT :limit"
)


NO_LIMIT = 2**62


def read_changes(
    session: Session, after: int, limit: int = READ_LIMIT, until: int = NO_LIMIT
) -> list[tuple[int, NotificationRow]]:
    """Changes after change id ``after`` (up to ``until``), oldest first, as (change id, row) pairs."""
    connection = session.connection()
    rows = connection.execute(_READ_CHANGES, {"after": after, "until": until, "limit": limit}).all()
    return [(change_id, _row(*columns)) for change_id, *columns in rows]


def changes_between(session: Session, after: int, until: int) -> list[tuple[int, NotificationRow]] | None:
    """Every change after ``after`` up to ``until``; None when the log was pruned past ``after``.

    A gap right after ``after`` that a rolled-back transaction left looks the same as a pruned one;
    that rare case answers None too (the reader reloads rather than risk missing a change)."""
    connection = session.connection()
    if until <= after:
        return []
    found = read_changes(session, after, limit=until - after, until=until)
    oldest = connection.execute(_OLDEST).scalar_one_or_none()  # after: a prune meanwhile shows here
    if oldest is None or oldest > after + 1:
        return None
    return found


def recent_notifications(session: Session, limit: int = 50) -> list[NotificationRow]:
    """The newest notifications, newest first."""
    connection = session.connection()
    return [_row(*columns) for columns in connection.execute(_READ_RECENT, {"limit": limit}).all()]


def _row(
    nid: int, user: str, subject: str, status: str, created: object, sent: object, channel: str | None
) -> NotificationRow:
    return NotificationRow(
        nid, user, subject, status, _as_datetime(created), _as_datetime(sent), channel or EMAIL
    )


def last_change_id(session: Session) -> int:
    connection = session.connection()
    return connection.execute(text("SELECT COALESCE(MAX(id), 0) FROM notification_changes")).scalar_one()


def prune(session: Session, keep: int = KEEP_ROWS) -> None:
    connection = session.connection()
    connection.execute(
        text("DELETE FROM notification_changes WHERE id <= (SELECT MAX(id) FROM notification_changes) - :k"),
        {"k": keep},
    )


def _as_datetime(value: datetime | str | None) -> datetime | None:
    return None if value is None else as_utc(value)
