"""Airdate's data layer: SQLModel tables, the database handle, counters and write paths.

Never imports nicegui or fastapi.
"""

from .counters import Stats
from .db import Database, DatabaseError

__all__ = ["Database", "DatabaseError", "Stats"]
