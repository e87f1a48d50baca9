"""A change log of notifications, written by database triggers.

Every INSERT into ``notifications`` and every UPDATE that changes its ``status`` appends a row to
``notification_changes``. The live feed reads the rows after the last one it has seen, in the same
read as the stats, so a notification created or moved on by another process or by raw SQL becomes a
``notification`` event just like one written by Airdate itself. Old rows are pruned.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, text

from . import triggers
from .models import utcnow

KEEP_ROWS = 10_000  # the log only needs to cover the gap between two reads; keep plenty
READ_LIMIT = 1000  # changes per read; a reader that gets this many reads again at once


@dataclass(frozen=True, slots=True)
class NotificationRow:
    """A notification as viewers see it; in a change, ``status`` is the status it changed to."""

    id: int
    user: str
    subject: str
    status: str
    created_at: datetime
    sent_at: datetime | None


_COLUMNS = "n.id, u.username, n.subject, {status}, n.created_at, n.sent_at"
_READ_CHANGES = text(
    f"SELECT c.id, {_COLUMNS.format(status='c.status')} "
    "FROM notification_changes c JOIN notifications n ON n.id = c.notification_id "
    "JOIN users u ON u.id = n.user_id WHERE c.id > :after ORDER BY c.id LIMIT :limit"
)
_READ_RECENT = text(
    f"SELECT {_COLUMNS.format(status='n.status')} FROM notifications n JOIN users u ON u.id = n.user_id "
    "ORDER BY n.id DESC LIMIT :limit"
)


def read_changes(
    connection: Connection, after: int, limit: int = READ_LIMIT
) -> list[tuple[int, NotificationRow]]:
    """Changes after change id ``after``, oldest first, as (change id, row) pairs."""
    rows = connection.execute(_READ_CHANGES, {"after": after, "limit": limit}).all()
    return [(change_id, _row(*columns)) for change_id, *columns in rows]


def recent_notifications(connection: Connection, limit: int = 50) -> list[NotificationRow]:
    """The newest notifications, newest first."""
    return [_row(*columns) for columns in connection.execute(_READ_RECENT, {"limit": limit}).all()]


def _row(nid: int, user: str, subject: str, status: str, created: object, sent: object) -> NotificationRow:
    return NotificationRow(nid, user, subject, status, _as_datetime(created), _as_datetime(sent))


def last_change_id(connection: Connection) -> int:
    return connection.execute(text("SELECT COALESCE(MAX(id), 0) FROM notification_changes")).scalar_one()


def prune(connection: Connection, keep: int = KEEP_ROWS) -> None:
    connection.execute(
        text("DELETE FROM notification_changes WHERE id <= (SELECT MAX(id) FROM notification_changes) - :k"),
        {"k": keep},
    )


def install(connection: Connection) -> None:
    for statement in triggers.create(connection.dialect.name, _triggers()):
        connection.execute(text(statement))


def _triggers() -> Iterable[triggers.Trigger]:
    log = (
        "INSERT INTO notification_changes (notification_id, status, changed_at) "
        "VALUES (NEW.id, NEW.status, CURRENT_TIMESTAMP);"
    )
    yield triggers.Trigger("log_notifications_insert", "notifications", "INSERT", log)
    yield triggers.Trigger(
        "log_notifications_status", "notifications", "UPDATE OF status", log, only_if_changed="status"
    )


def _as_datetime(value: datetime | str | None) -> datetime | None:
    """SQLite hands back text from a raw SELECT; other databases give datetimes."""
    if value is None or isinstance(value, datetime):
        return value
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=utcnow().tzinfo)
