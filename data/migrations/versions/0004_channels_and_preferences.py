"""Channels besides e-mail, per-user preferences and muted shows, and the ``skipped`` status.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29

A notification is now one item on one channel: ``notifications.channel_id`` names the channel (None:
the user's e-mail, which every existing row was), so each channel's delivery has its own status,
attempts and backoff. ``channel_id`` has no foreign key: channels are never deleted (a removed one keeps
its row), and SQLite can neither add a constraint to an existing table nor drop a column that has one.
Users get their preference columns with defaults that keep today's behaviour (as they land, by e-mail).
A new counter, ``notifications_skipped``, joins the counting triggers (frozen definitions below).

Downgrading drops the deliveries to other channels (the old schema could only send them as e-mail),
makes ``skipped`` items ``failed`` with that reason, and drops the new tables and columns.
"""

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

from data import triggers
from data.counters import Counter, counting_triggers, ensure_rows

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

SLOTS = {"postgresql": 8, "sqlite": 1}  # as in 0003
SLOT = {"postgresql": "pg_backend_pid() % 8", "sqlite": "0"}
USER_COLUMNS = (
    ("notify_mode", "VARCHAR NOT NULL DEFAULT 'as_they_land'"),
    ("digest_at", "VARCHAR NOT NULL DEFAULT '08:00'"),
    ("time_zone", "VARCHAR NOT NULL DEFAULT 'UTC'"),
    ("email_enabled", "BOOLEAN NOT NULL DEFAULT true"),
)


def _notification_counters(statuses: tuple[str, ...]) -> tuple[Counter, ...]:
    return (
        Counter("notifications_total", "notifications", "1 = 1"),
        *(Counter(f"notifications_{s}", "notifications", f"{{row}}.status = '{s}'") for s in statuses),
    )


BEFORE = _notification_counters(("pending", "sending", "sent", "failed"))
AFTER = _notification_counters(("pending", "sending", "sent", "failed", "skipped"))


def upgrade() -> None:
    connection = op.get_bind()
    dialect = connection.dialect.name
    if dialect == "postgresql":  # writers wait (see 0003: the counted table first, then the counters)
        op.execute("LOCK TABLE notifications IN SHARE ROW EXCLUSIVE MODE")
    for name, definition in USER_COLUMNS:
        op.execute(f"ALTER TABLE users ADD COLUMN {name} {definition}")
    op.create_table(
        "channels",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False, index=True),
        sa.Column("url", AutoString(), nullable=False),
        sa.Column("label", AutoString(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("removed_at", UTCDateTime(), nullable=True),
    )
    op.create_table(
        "muted_shows",
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("tmdb_id", sa.Integer(), primary_key=True),
    )
    op.execute("ALTER TABLE notifications ADD COLUMN channel_id INTEGER")
    ensure_rows(connection, AFTER, SLOTS[dialect])
    for statement in triggers.create(dialect, counting_triggers(AFTER, SLOT[dialect])):
        op.execute(statement)


def downgrade() -> None:
    connection = op.get_bind()
    dialect = connection.dialect.name
    if dialect == "postgresql":
        op.execute("LOCK TABLE notifications IN SHARE ROW EXCLUSIVE MODE")
    op.execute("DELETE FROM notifications WHERE channel_id IS NOT NULL")
    op.execute(
        "UPDATE notifications SET status = 'failed', last_error = 'skipped (kept as failed by a downgrade)' "
        "WHERE status = 'skipped'"
    )
    for statement in triggers.create(dialect, counting_triggers(BEFORE, SLOT[dialect])):
        op.execute(statement)
    op.execute("DELETE FROM stats_counters WHERE name = 'notifications_skipped'")
    op.execute("ALTER TABLE notifications DROP COLUMN channel_id")
    op.drop_table("muted_shows")
    op.drop_index("ix_channels_user_id", "channels")
    op.drop_table("channels")
    for name, _definition in USER_COLUMNS:
        op.execute(f"ALTER TABLE users DROP COLUMN {name}")
