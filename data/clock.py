"""Time as Airdate stores and sends it: aware UTC datetimes, and UTC ISO-8601 text ending in "Z"."""

import re
from datetime import UTC, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")  # HH:MM on a 24-hour clock


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


def last_daily(now: datetime, at: str, time_zone: str) -> datetime:
    """The latest moment at or before ``now`` whose local time in ``time_zone`` is ``at`` (HH:MM), in UTC.

    Worked out on local dates, so a daily 08:00 stays at 08:00 across a daylight-saving change. An
    unknown zone or time (only raw SQL can store one) counts as UTC, 08:00."""
    try:
        zone = ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    match = CLOCK.match(at)
    clock = time(int(match.group(1)), int(match.group(2))) if match else time(8, 0)
    local_now = now.astimezone(zone)
    moment = datetime.combine(local_now.date(), clock, tzinfo=zone)
    if moment > local_now:
        moment = datetime.combine(local_now.date() - timedelta(days=1), clock, tzinfo=zone)
    return moment.astimezone(UTC)
