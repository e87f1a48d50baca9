"""Stats counters that the database keeps exact by itself.

Counting rows on every read costs O(rows): nine COUNT queries take ~76 ms at 1 M notifications on
SQLite here even with indexes on the status columns (``make bench``), and grow with the tables.
Instead each counter is one row in ``stats_counters``, and triggers on the counted tables adjust it
inside the writing transaction. Writes from another process or from raw SQL therefore count too, and
reading all stats is one small statement whatever the table sizes.

Every counter is defined once, as a table plus a predicate over one of its rows; the triggers and
:func:`recount` (which rebuilds the counters from the tables) are both generated from that. The
migrations create the triggers from the definitions of their own time (``data/migrations``).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import groupby

from sqlalchemy import Connection, text

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


COUNTERS: tuple[Counter, ...] = (
    Counter("users", "users", "1 = 1"),
    Counter("requests_total", "media_requests", "1 = 1"),
    Counter("requests_movies", "media_requests", _is("media_type", MediaType.MOVIE)),
    Counter("requests_tv", "media_requests", _is("media_type", MediaType.TV)),
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


READ_STATS = text("SELECT name, value FROM stats_counters")


def read_stats(connection: Connection) -> Stats:
    """All counters in one statement; its cost does not depend on the size of the tables."""
    values = dict(connection.execute(READ_STATS).all())
    return Stats(**{c.name: int(values.get(c.name, 0)) for c in COUNTERS})


def recount(connection: Connection) -> Stats:
    """Rebuild every counter from the tables (for a database that had rows before its triggers)."""
    for counter in COUNTERS:
        _count(connection, counter)
    return read_stats(connection)


def _count(connection: Connection, counter: Counter) -> None:
    count = f"SELECT COUNT(*) FROM {counter.table} WHERE {counter.where(counter.table)}"
    connection.execute(
        text(f"UPDATE stats_counters SET value = ({count}) WHERE name = :name"), {"name": counter.name}
    )


def ensure_rows(connection: Connection, counters: Iterable[Counter] = COUNTERS) -> list[str]:
    """Add the rows of counters that do not exist yet, counted from the tables; their names."""
    existing = set(connection.execute(text("SELECT name FROM stats_counters")).scalars())
    missing = [c for c in counters if c.name not in existing]
    for counter in missing:
        insert = text("INSERT INTO stats_counters (name, value) VALUES (:n, 0)")
        connection.execute(insert, {"n": counter.name})
        _count(connection, counter)
    return [c.name for c in missing]


def counting_triggers(counters: Iterable[Counter] = COUNTERS) -> Iterable[triggers.Trigger]:
    """The triggers that keep ``counters`` exact (a migration passes the definitions of its time)."""
    for table, group in groupby(sorted(counters, key=lambda c: c.table), key=lambda c: c.table):
        group_list = list(group)
        for operation, body in _adjustments(group_list).items():
            if body:
                event = operation
                if operation == "UPDATE":
                    event = f"UPDATE OF {', '.join(_watched_columns(group_list))}"
                yield triggers.Trigger(f"count_{table}_{operation.lower()}", table, event, " ".join(body))


def _watched_columns(counters: list[Counter]) -> list[str]:
    """Columns an UPDATE must touch before one of ``counters`` can change."""
    return sorted({column for c in counters for column in re.findall(r"\{row\}\.(\w+)", c.predicate)})


def _adjustments(counters: list[Counter]) -> dict[str, list[str]]:
    """Per operation, the UPDATE statements a trigger body runs."""

    def bump(counter: Counter, delta: str, condition: str) -> str:
        where = f"name = '{counter.name}' AND ({condition})"
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
