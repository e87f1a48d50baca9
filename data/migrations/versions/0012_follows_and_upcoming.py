"""Followers, and what airs next: ``follows``, a runtime and an air-time index on ``scheduled_episodes``, the
``followers`` counter, and the *upcoming revision*.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03

On PostgreSQL the new tables announce their changes (``airdate_changes``, as 0005's do), so a follow or
a schedule change is read at once by every replica's feed.

The upcoming revision (``airdate_meta`` key ``upcoming.revision``) is raised by triggers whenever
something the *Upcoming* page shows may have changed: the schedule, the follows, the requests, who
is muted or gone. The live feed reads that one value at every tick and the upcoming episodes only
when it moved (or a minute passed: the window moves with the clock). Frozen definitions below.
"""

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

from data import triggers
from data.counters import Counter, counting_triggers, install

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

REVISION_KEY = "upcoming.revision"
RAISE = (
    f"UPDATE airdate_meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = '{REVISION_KEY}';"
)
WATCHED = (  # (table, events) whose changes can change the Upcoming page
    ("scheduled_episodes", ("INSERT", "UPDATE", "DELETE")),
    ("follows", ("INSERT", "DELETE")),
    ("media_requests", ("INSERT", "UPDATE OF status, requester_id, tmdb_id, title", "DELETE")),
    ("users", ("UPDATE OF removed_at, notify_mode, username",)),
    ("muted_shows", ("INSERT", "DELETE")),
)
REVISION_TRIGGERS = tuple(
    triggers.Trigger(f"upcoming_{table}_{event.split()[0].lower()}", table, event, RAISE)
    for table, events in WATCHED
    for event in events
)
FOLLOWERS = Counter("followers", "follows", "1 = 1")
ANNOUNCED = ("follows", "scheduled_episodes", "muted_shows")  # PostgreSQL: read at once, as in 0005


def upgrade() -> None:
    connection = op.get_bind()
    dialect = connection.dialect.name
    op.create_table(
        "follows",
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("tmdb_id", sa.Integer(), primary_key=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("added_by", AutoString(), nullable=False, server_default=""),
    )
    op.create_index("ix_follows_tmdb_id", "follows", ["tmdb_id"])
    op.add_column("scheduled_episodes", sa.Column("runtime", sa.Integer(), nullable=True))
    op.create_index("ix_scheduled_episodes_air_at", "scheduled_episodes", ["air_at"])
    install(connection, (FOLLOWERS,))
    op.execute(f"INSERT INTO airdate_meta (key, value) VALUES ('{REVISION_KEY}', '0')")
    for statement in triggers.create(dialect, REVISION_TRIGGERS):
        op.execute(statement)
    if dialect == "postgresql":  # a follow (a counter) or a schedule change wakes every replica's feed
        for table in ANNOUNCED:
            op.execute(
                f"CREATE TRIGGER announce_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION airdate_announce()"
            )


def downgrade() -> None:
    connection = op.get_bind()
    dialect = connection.dialect.name
    for statement in triggers.drop(dialect, REVISION_TRIGGERS):
        op.execute(statement)
    if dialect == "postgresql":
        for table in ANNOUNCED:
            op.execute(f"DROP TRIGGER IF EXISTS announce_{table} ON {table}")
    op.execute(f"DELETE FROM airdate_meta WHERE key = '{REVISION_KEY}'")
    for statement in triggers.drop(dialect, counting_triggers((FOLLOWERS,))):
        op.execute(statement)
    op.execute("DELETE FROM stats_counters WHERE name = 'followers'")
    op.drop_index("ix_scheduled_episodes_air_at", "scheduled_episodes")
    op.execute("ALTER TABLE scheduled_episodes DROP COLUMN runtime")
    op.drop_table("follows")
