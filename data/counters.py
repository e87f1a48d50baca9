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

Every counter is defined once (:data:`COUNTERS`), as a table plus a predicate over one of its rows,
and the places the faces show it: the triggers and :func:`recount` (which rebuilds the counters from
the tables) are generated from that, and so are the SSE/JSON payload (``live.feed``), the gauges of
``/metrics`` (``live.metrics``) and the dashboard's cards (``ui.stats_grid``). The migrations create
the triggers and the slot rows from the definitions of their own time (``data/migrations``; the slots
came with 0003; :func:`install` is what a migration that adds a counter runs).
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
class Metric:
    """A Prometheus gauge that shows a stat: its name, help, and (for one of several stats under one
    name) the label that tells them apart, e.g. ``("status", "sent")``."""

    name: str
    help: str
    label: tuple[str, str] | None = None


@dataclass(frozen=True)
class Tile:
    """A dashboard card that shows a stat: its title, icon (Material name) and key (the page's marker)."""

    title: str
    icon: str
    key: str


@dataclass(frozen=True)
class Counter:
    """A stat: what it counts, and where each face shows it (None: not there)."""

    name: str
    table: str
    predicate: str  # SQL over one row; "{row}" stands for NEW, OLD or the table itself
    wire: str | None = None  # its place in the SSE/JSON payload ("requests.total": {"requests": {"total"}})
    metric: Metric | None = None  # its gauge in /metrics
    tile: Tile | None = None  # its card on the dashboard

    def where(self, row: str) -> str:
        return self.predicate.format(row=row)


def _is(column: str, value: str) -> str:
    return f"{{row}}.{column} = '{value}'"


def _notifications(status: str, tile: Tile | None = None, *, wire: bool = True) -> Counter:
    status = str(status)
    metric = Metric("airdate_notifications", "Notifications", ("status", status))
    where = "1 = 1" if status == "total" else _is("status", status)
    wired = f"notifications.{status}" if wire else None
    return Counter(f"notifications_{status}", "notifications", where, wired, metric, tile)


def _requests(kind: str, where: str, *, wire: bool = True, tile: Tile | None = None) -> Counter:
    metric = Metric("airdate_requests", "Media requests", ("kind", kind))
    return Counter(
        f"requests_{kind}", "media_requests", where, f"requests.{kind}" if wire else None, metric, tile
    )


ACTIVE_USER = "{row}.removed_at IS NULL"  # users and requests gone from Jellyseerr are not counted
KEPT_REQUEST = f"{{row}}.status <> '{RequestStatus.REMOVED}'"
TRACKING = f"{_is('media_type', MediaType.TV)} AND {_is('status', RequestStatus.APPROVED)}"

# The one list of stats. Each is counted by triggers in the database (a new one also needs a migration
# that gives it its rows and triggers: :func:`install`), read by :func:`read_stats`, and shown where its
# definition says: the SSE/JSON payload (in this order: the seed's contract), /metrics, the dashboard.
COUNTERS: tuple[Counter, ...] = (
    Counter(
        "users",
        "users",
        ACTIVE_USER,
        "users",
        Metric("airdate_users", "Users"),
        Tile("Users", "group", "users"),
    ),
    _requests("total", KEPT_REQUEST, tile=Tile("Requests", "playlist_add", "requests")),
    _requests("movies", f"{KEPT_REQUEST} AND {_is('media_type', MediaType.MOVIE)}", wire=False),
    _requests("tv", f"{KEPT_REQUEST} AND {_is('media_type', MediaType.TV)}", wire=False),
    _requests("tracking", TRACKING, tile=Tile("Tracking", "visibility", "tracking")),
    Counter(
        "episodes_tracked",
        "episodes",
        "1 = 1",
        "episodes_tracked",
        Metric("airdate_episodes_tracked", "Episodes tracked"),
        Tile("Episodes tracked", "movie", "episodes"),
    ),
    _notifications("total"),
    _notifications(NotificationStatus.SENT, Tile("Notifications sent", "mark_email_read", "sent")),
    _notifications(NotificationStatus.PENDING, Tile("Notifications pending", "schedule_send", "pending")),
    _notifications(NotificationStatus.SENDING, wire=False),
    _notifications(NotificationStatus.FAILED),
    _notifications(NotificationStatus.SKIPPED),
    _notifications(NotificationStatus.HELD, wire=False),  # the seed's stream names no held
    Counter(
        "followers",
        "follows",
        "1 = 1",
        None,
        Metric("airdate_followers", "Followers of shows (a person following a show counts once)"),
    ),
)


class Stats:
    """The value of every counter, by name: ``stats.users``; a name not given is 0 (``Stats(users=3)``).

    Its names are those of :data:`COUNTERS` when it is made, so a counter added there is one here too.
    Immutable and hashable (it keys the trends' memo)."""

    __slots__ = ("_values",)

    def __init__(self, **values: int) -> None:
        names = [counter.name for counter in COUNTERS]
        unknown = set(values) - set(names)
        if unknown:
            raise TypeError(f"no counter named {', '.join(sorted(unknown))}")
        object.__setattr__(self, "_values", {name: int(values.get(name, 0)) for name in names})

    def __getattr__(self, name: str) -> int:  # (only for names that are not attributes)
        if name != "_values":
            if name in self._values:
                return self._values[name]
            if any(counter.name == name for counter in COUNTERS):
                return 0  # a counter defined after these values were read
        raise AttributeError(f"no counter named {name!r}")

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Stats are read-only")

    def as_dict(self) -> dict[str, int]:
        return dict(self._values)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Stats) and self._values == other._values

    def __hash__(self) -> int:
        return hash(tuple(self._values.items()))

    def __repr__(self) -> str:
        return f"Stats({', '.join(f'{name}={value}' for name, value in self._values.items())})"


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


def install(connection: Connection, counters: Iterable[Counter]) -> list[str]:
    """What a migration that adds counters runs, given every counter of its time: the rows of the new
    ones (counted from the tables) and the triggers of every counted table, anew. The new counters'
    names."""
    counters = tuple(counters)
    dialect = connection.dialect.name
    added = ensure_rows(connection, counters, slots(dialect))
    slot = f"pg_backend_pid() % {SLOTS}" if dialect == "postgresql" else "0"
    for statement in triggers.create(dialect, counting_triggers(counters, slot)):
        connection.execute(text(statement))
    return added
