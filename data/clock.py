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
