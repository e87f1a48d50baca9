"""Which episodes a person is told of: a rule per person and per show, Sonarr's schedule, ``held``.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03

``users.episode_rule`` (``each``, today's behaviour, for everyone), ``show_rules`` (a person's rule for one
show), ``scheduled_episodes`` (Sonarr's episode list: air time and ``finaleType``, which tell when a season
is complete) and the status ``held`` (an item waiting for its season), counted by a new counter,
``notifications_held``, which joins the notification triggers (frozen definitions below).

Downgrading makes held items ``pending`` again (the old code sends them as they land) and drops the rest.
"""

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

from data import triggers
from data.counters import Counter, counting_triggers, ensure_rows

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

SLOTS = {"postgresql": 8, "sqlite": 1}  # as in 0003
SLOT = {"postgresql": "pg_backend_pid() % 8", "sqlite": "0"}


def _notification_counters(statuses: tuple[str, ...]) -> tuple[Counter, ...]:
    return (
        Counter("notifications_total", "notifications", "1 = 1"),
        *(Counter(f"notifications_{s}", "notifications", f"{{row}}.status = '{s}'") for s in statuses),
    )


BEFORE = _notification_counters(("pending", "sending", "sent", "failed", "skipped"))
AFTER = _notification_counters(("pending", "sending", "sent", "failed", "skipped", "held"))


def upgrade() -> None:
    connection = op.get_bind()
    dialect = connection.dialect.name
    if dialect == "postgresql":  # writers wait (see 0003: the counted table first, then the counters)
        op.execute("LOCK TABLE notifications IN SHARE ROW EXCLUSIVE MODE")
    op.add_column("users", sa.Column("episode_rule", AutoString(), nullable=False, server_default="each"))
    op.create_table(
        "show_rules",
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("tmdb_id", sa.Integer(), primary_key=True),
        sa.Column("rule", AutoString(), nullable=False),
    )
    op.create_table(
        "scheduled_episodes",
        sa.Column("tmdb_id", sa.Integer(), primary_key=True),
        sa.Column("season", sa.Integer(), primary_key=True),
        sa.Column("number", sa.Integer(), primary_key=True),
        sa.Column("title", AutoString(), nullable=False),
        sa.Column("air_at", UTCDateTime(), nullable=True),
        sa.Column("finale", AutoString(), nullable=True),
    )
    ensure_rows(connection, AFTER, SLOTS[dialect])
    for statement in triggers.create(dialect, counting_triggers(AFTER, SLOT[dialect])):
        op.execute(statement)


def downgrade() -> None:
    connection = op.get_bind()
    dialect = connection.dialect.name
    if dialect == "postgresql":
        op.execute("LOCK TABLE notifications IN SHARE ROW EXCLUSIVE MODE")
    op.execute("UPDATE notifications SET status = 'pending' WHERE status = 'held'")
    for statement in triggers.create(dialect, counting_triggers(BEFORE, SLOT[dialect])):
        op.execute(statement)
    op.execute("DELETE FROM stats_counters WHERE name = 'notifications_held'")
    op.drop_table("scheduled_episodes")
    op.drop_table("show_rules")
    op.execute("ALTER TABLE users DROP COLUMN episode_rule")
