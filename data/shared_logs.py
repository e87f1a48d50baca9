"""The replicas' shared warnings and errors: each replica appends its own, every replica's feed reads all.

Bounded: each append removes entries more than :data:`KEEP` behind the newest, one indexed ``DELETE``.
INFO lines stay in the process that logged them.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, text
from sqlmodel import Session

from .clock import as_utc
from .models import LogEntry

KEEP = 500
LINES_LOCK = 7_351_000_007  # pg_advisory_xact_lock key that orders log line ids
READ_LIMIT = 200  # entries per read; a burst beyond that is summed up by the next reads


@dataclass(frozen=True, slots=True)
class LogLine:
    id: int
    logged_at: datetime
    replica: str
    level: str
    logger: str
    message: str


_READ = text(
    "SELECT id, logged_at, replica, level, logger, message FROM log_entries "
    "WHERE id > :after ORDER BY id LIMIT :limit"
)
_PRUNE = text("DELETE FROM log_entries WHERE id <= (SELECT MAX(id) FROM log_entries) - :keep")


def append(session: Session, lines: list[dict]) -> None:
    """Store lines (dicts of LogLine's fields but ``id``) and forget the oldest beyond KEEP.

    On PostgreSQL the ids are drawn under a transaction lock, so they become visible in the order they
    were drawn and a reader's ``id > cursor`` skips none (the same reason as in :mod:`data.changes`)."""
    connection = session.connection()
    if lines:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LINES_LOCK})
        connection.execute(insert(LogEntry.__table__), lines)
        connection.execute(_PRUNE, {"keep": KEEP})


def read_after(session: Session, after: int, limit: int = READ_LIMIT) -> list[LogLine]:
    connection = session.connection()
    rows = connection.execute(_READ, {"after": after, "limit": limit}).all()
    return [LogLine(row[0], as_utc(row[1]), *row[2:]) for row in rows]


def last_id(session: Session) -> int:
    connection = session.connection()
    return connection.execute(text("SELECT COALESCE(MAX(id), 0) FROM log_entries")).scalar_one()
