"""Stats counters that the database keeps exact by itself.

Counting rows on every read costs O(rows): nine COUNT queries take ~76 ms at 1 M notifications on
SQLite here even with indexes on the status columns (``make bench``), and grow with the tables.
Instead each counter lives in ``stats_counters``, and triggers on the counted tables adjust it inside
the writing transaction. Writes from another process or from raw SQL therefore count too, and reading
all stats is one small statement whatever the table sizes.

**Slots.** A row being updated stays locked until its transaction commits, so with one row per counter
every concurrent transaction that inserted a notification waited for the previous one at the same few
rows (``make bench``, PostgreSQL, 16 writers, before slots: 986 notification inserts/s with the counter
triggers alone, 1,450/s without triggers; 903/s against 1,264/s alongside the change log). So on
PostgreSQL each counter has :data:`SLOTS` rows, keyed ``(name, slot)``; a trigger adjusts the slot of
its own session (``pg_backend_pid() % SLOTS``), so concurrent sessions mostly hold different rows, and a
read sums the slots. Notification writes still queue once, on the change log's ordering lock
(:mod:`data.changes`). SQLite has one writer at a time anyway and keeps every counter in slot 0.
:func:`recount` puts a counter's value in slot 0 and zeroes its other slots.

Every counter is defined once, as a table plus a predicate over one of its rows; the triggers and
:func:`recount` (which rebuilds the counters from the tables) are both generated from that. The
migrations create the triggers and the slot rows from the definitions of their own time
(``data/migrations``; the slots came with 0003).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby

from sqlalchemy import Connection, text
from sqlmodel import Session

from . import triggers
from .models import MediaType, NotificationStatus, RequestStatus


@dataclass(frozen=True)
class Counter:
    name: str
    table: str
    predicate: str  # SQL over one row; "{row}" stands for NEW, OLD or the table itself

    def where(self, row: str) -> str:
        return self.predicate.format(row=row)


def _is(column: str, value: str) -> str:
    return f"{{row}}.{column} = '{value}'"


ACTIVE_USER = "{row}.removed_at IS NULL"  # users and requests gone from Jellyseerr are not counted
KEPT_REQUEST = f"{{row}}.status <> '{RequestStatus.REMOVED}'"

COUNTERS: tuple[Counter, ...] = (
    Counter("users", "users", ACTIVE_USER),
    Counter("requests_total", "media_requests", KEPT_REQUEST),
    Counter("requests_movies", "media_requests", f"{KEPT_REQUEST} AND {_is('media_type', MediaType.MOVIE)}"),
    Counter("requests_tv", "media_requests", f"{KEPT_REQUEST} AND {_is('media_type', MediaType.TV)}"),
    Counter(
        "requests_tracking",
        "media_requests",
        f"{_is('media_type', MediaType.TV)} AND {_is('status', RequestStatus.APPROVED)}",
    ),
    Counter("episodes_tracked", "episodes", "1 = 1"),
    Counter("notifications_total", "notifications", "1 = 1"),
    *(
        Counter(f"notifications_{status}", "notifications", _is("status", status))
        for status in NotificationStatus
    ),
)


@dataclass(frozen=True)
class Stats:
    users: int = 0
    requests_total: int = 0
    requests_movies: int = 0
    requests_tv: int = 0
    requests_tracking: int = 0
    episodes_tracked: int = 0
    notifications_total: int = 0
    notifications_pending: int = 0
    notifications_sending: int = 0
    notifications_sent: int = 0
    notifications_failed: int = 0
    notifications_skipped: int = 0


SLOTS = 8  # rows per counter on PostgreSQL (migration 0003 holds a frozen copy); one on SQLite


def slots(dialect: str) -> int:
    """How many rows each counter has on ``dialect``."""
    return SLOTS if dialect == "postgresql" else 1


READ_STATS = text("SELECT name, SUM(value) FROM stats_counters GROUP BY name")


def read_stats(session: Session) -> Stats:
    """All counters in one statement, summing their slots; its cost does not depend on the size of the
    tables."""
    connection = session.connection()
    values = dict(connection.execute(READ_STATS).all())
    return Stats(**{c.name: int(values.get(c.name, 0)) for c in COUNTERS})


def recount(session: Session) -> Stats:
    """Rebuild every counter from the tables (for a database that had rows before its triggers, or
    counters that went wrong): the count goes to slot 0, the other slots to 0."""
    connection = session.connection()
    for counter in COUNTERS:
        _count(connection, counter)
    return read_stats(session)


def _count(connection: Connection, counter: Counter, *, slotted: bool = True) -> None:
    count = f"(SELECT COUNT(*) FROM {counter.table} WHERE {counter.where(counter.table)})"
    value = f"CASE WHEN slot = 0 THEN {count} ELSE 0 END" if slotted else count
    connection.execute(
        text(f"UPDATE stats_counters SET value = {value} WHERE name = :name"), {"name": counter.name}
    )


def ensure_rows(
    connection: Connection, counters: Iterable[Counter], slot_count: int | None = None
) -> list[str]:
    """Add the rows of counters that do not exist yet, counted from the tables; their names.

    ``slot_count`` is how many rows each counter has (a migration passes the number of its time): missing
    slots of an existing counter are added holding 0. None means a table without slots (migrations
    0001-0002: one row per counter).
    """
    counters = tuple(counters)
    if slot_count is None:
        existing = set(connection.execute(text("SELECT name FROM stats_counters")).scalars())
        missing = [c for c in counters if c.name not in existing]
        for counter in missing:
            insert = text("INSERT INTO stats_counters (name, value) VALUES (:n, 0)")
            connection.execute(insert, {"n": counter.name})
            _count(connection, counter, slotted=False)
        return [c.name for c in missing]
    rows = {(name, slot) for name, slot in connection.execute(text("SELECT name, slot FROM stats_counters"))}
    names = {name for name, _slot in rows}
    missing = [c for c in counters if c.name not in names]
    for counter in counters:
        for slot in range(slot_count):
            if (counter.name, slot) not in rows:
                insert = text("INSERT INTO stats_counters (name, slot, value) VALUES (:n, :s, 0)")
                connection.execute(insert, {"n": counter.name, "s": slot})
    for counter in missing:
        _count(connection, counter)
    return [c.name for c in missing]


def counting_triggers(counters: Iterable[Counter], slot: str | None = None) -> Iterable[triggers.Trigger]:
    """The triggers that keep ``counters`` exact (a migration passes the definitions of its time).

    ``slot`` is the SQL for the slot a trigger adjusts (e.g. ``pg_backend_pid() % 8``); None for a table
    without slots (migrations 0001-0002).
    """
    for table, group in groupby(sorted(counters, key=lambda c: c.table), key=lambda c: c.table):
        group_list = list(group)
        for operation, body in _adjustments(group_list, slot).items():
            if body:
                event = operation
                if operation == "UPDATE":
                    event = f"UPDATE OF {', '.join(_watched_columns(group_list))}"
                yield triggers.Trigger(f"count_{table}_{operation.lower()}", table, event, " ".join(body))


def _watched_columns(counters: list[Counter]) -> list[str]:
    """Columns an UPDATE must touch before one of ``counters`` can change."""
    return sorted({column for c in counters for column in re.findall(r"\{row\}\.(\w+)", c.predicate)})


def _adjustments(counters: list[Counter], slot: str | None) -> dict[str, list[str]]:
    """Per operation, the UPDATE statements a trigger body runs."""
    in_slot = "" if slot is None else f" AND slot = ({slot})"

    def bump(counter: Counter, delta: str, condition: str) -> str:
        where = f"name = '{counter.name}'{in_slot} AND ({condition})"
        return f"UPDATE stats_counters SET value = value {delta} WHERE {where};"

    return {
        "INSERT": [bump(c, "+ 1", c.where("NEW")) for c in counters],
        "DELETE": [bump(c, "- 1", c.where("OLD")) for c in counters],
        "UPDATE": [
            stmt
            for c in counters
            if "{row}" in c.predicate
            for stmt in (
                bump(c, "+ 1", f"({c.where('NEW')}) AND NOT ({c.where('OLD')})"),
                bump(c, "- 1", f"({c.where('OLD')}) AND NOT ({c.where('NEW')})"),
            )
        ],
    }
