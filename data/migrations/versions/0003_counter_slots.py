"""Counters in slots, so that concurrent writers on PostgreSQL do not queue on one row per counter.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29

A write to a counted table updated the same ``stats_counters`` row per counter, and an updated row stays
locked until its transaction commits, so concurrent writers on PostgreSQL waited for each other there
(``make bench``, 16 writers: 986 notification inserts/s with the counter triggers alone, 1,450/s
without triggers). Each counter now has rows keyed ``(name, slot)`` and a read sums them (see
``data.counters``). On PostgreSQL there are eight slots and a trigger adjusts the one of its own
session, ``pg_backend_pid() % 8``, so concurrent sessions mostly update different rows; the values so far
stay in slot 0 and the new slots start at 0. SQLite has one writer at a time and keeps every counter in
slot 0. The counting triggers are made again with the slot condition, from the definitions of this
revision; downgrading adds each counter's slots up into one row and restores the triggers without slots.

SQLite cannot change a primary key in place: the table is copied aside, dropped and created again under
its own name. It is not renamed, because a rename rewrites (and first checks) the trigger bodies on the
other tables that mention ``stats_counters``. On PostgreSQL, both directions first keep writers off the
counted tables until they commit. A writer holds its table and then, in its trigger, waits for
``stats_counters``; a migration that took ``stats_counters`` first and the counted tables later (to
replace their triggers) would deadlock with it, and PostgreSQL would abort one of the two.
"""

from alembic import op

from data import triggers
from data.counters import Counter, counting_triggers, ensure_rows

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SLOTS = {"postgresql": 8, "sqlite": 1}  # rows per counter; data.counters.SLOTS at this revision
SLOT = {"postgresql": "pg_backend_pid() % 8", "sqlite": "0"}  # the slot a trigger adjusts


def _is(column: str, value: str) -> str:
    return f"{{row}}.{column} = '{value}'"


COUNTERS = (
    Counter("users", "users", "1 = 1"),
    Counter("requests_total", "media_requests", "1 = 1"),
    Counter("requests_movies", "media_requests", _is("media_type", "movie")),
    Counter("requests_tv", "media_requests", _is("media_type", "tv")),
    Counter(
        "requests_tracking", "media_requests", f"{_is('media_type', 'tv')} AND {_is('status', 'approved')}"
    ),
    Counter("episodes_tracked", "episodes", "1 = 1"),
    Counter("notifications_total", "notifications", "1 = 1"),
    *(
        Counter(f"notifications_{status}", "notifications", _is("status", status))
        for status in ("pending", "sending", "sent", "failed")
    ),
)

SQLITE_SLOTTED = (
    "CREATE TABLE stats_counters (name VARCHAR NOT NULL, slot INTEGER DEFAULT 0 NOT NULL, "
    "value INTEGER NOT NULL, PRIMARY KEY (name, slot))"
)
SQLITE_UNSLOTTED = (
    "CREATE TABLE stats_counters (name VARCHAR NOT NULL, value INTEGER NOT NULL, PRIMARY KEY (name))"
)
POSTGRESQL_SLOTTED = (
    "ALTER TABLE stats_counters ADD COLUMN slot INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE stats_counters DROP CONSTRAINT stats_counters_pkey",
    "ALTER TABLE stats_counters ADD CONSTRAINT stats_counters_pkey PRIMARY KEY (name, slot)",
)
POSTGRESQL_UNSLOTTED = (
    "ALTER TABLE stats_counters DROP CONSTRAINT stats_counters_pkey",
    "ALTER TABLE stats_counters DROP COLUMN slot",
    "ALTER TABLE stats_counters ADD CONSTRAINT stats_counters_pkey PRIMARY KEY (name)",
)


def upgrade() -> None:
    connection = op.get_bind()
    dialect = connection.dialect.name
    _keep_writers_out(dialect)
    _reshape(
        dialect,
        keep="SELECT name, 0 AS slot, value FROM stats_counters",
        columns="name, slot, value",
        sqlite=SQLITE_SLOTTED,
        postgresql=POSTGRESQL_SLOTTED,
    )
    ensure_rows(connection, COUNTERS, SLOTS[dialect])
    for statement in triggers.create(dialect, counting_triggers(COUNTERS, SLOT[dialect])):
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    _keep_writers_out(dialect)
    _reshape(
        dialect,
        keep="SELECT name, SUM(value) AS value FROM stats_counters GROUP BY name",
        columns="name, value",
        sqlite=SQLITE_UNSLOTTED,
        postgresql=POSTGRESQL_UNSLOTTED,
    )
    for statement in triggers.create(dialect, counting_triggers(COUNTERS)):
        op.execute(statement)


def _keep_writers_out(dialect: str) -> None:
    """On PostgreSQL, wait for the transactions writing to a counted table and hold off new ones until
    this migration commits (the lock CREATE TRIGGER takes anyway; readers are not kept out)."""
    if dialect == "postgresql":
        tables = ", ".join(sorted({counter.table for counter in COUNTERS}))
        op.execute(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")


def _reshape(dialect: str, *, keep: str, columns: str, sqlite: str, postgresql: tuple[str, ...]) -> None:
    """Give ``stats_counters`` its new shape, holding the rows that ``keep`` selects from the old one."""
    op.execute(f"CREATE TEMPORARY TABLE stats_counters_kept AS {keep}")
    if dialect == "sqlite":
        op.execute("DROP TABLE stats_counters")
        op.execute(sqlite)
    else:
        op.execute("DELETE FROM stats_counters")
        for statement in postgresql:
            op.execute(statement)
    op.execute(f"INSERT INTO stats_counters ({columns}) SELECT {columns} FROM stats_counters_kept")
    op.execute("DROP TABLE stats_counters_kept")
