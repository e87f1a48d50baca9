"""Airdate's data layer: SQLModel tables, the database handle, counters and write paths.

Never imports nicegui or fastapi.
"""

from .changes import NotificationRow
from .counters import Stats
from .db import Database, DatabaseError
from .feed_read import LiveRead
from .jobs import JobRow

__all__ = ["Database", "DatabaseError", "JobRow", "LiveRead", "NotificationRow", "Stats"]
