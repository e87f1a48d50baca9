"""Time as Airdate stores and sends it: aware UTC datetimes, and UTC ISO-8601 text ending in "Z"."""

from datetime import UTC, datetime
from typing import Literal


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso_utc(moment: datetime | None, timespec: Literal["seconds", "milliseconds"] = "seconds") -> str | None:
    """``2026-11-29T08:19:42Z``; a naive datetime is taken to be UTC (that is how SQLite returns them)."""
    if moment is None:
        return None
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec=timespec).replace("+00:00", "Z")


def as_utc(value: datetime | str) -> datetime:
    """An aware UTC datetime from what a driver hands back: SQLite gives text from raw SELECTs, and
    PostgreSQL gives ``timestamptz`` in the session's time zone, which need not be UTC."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
