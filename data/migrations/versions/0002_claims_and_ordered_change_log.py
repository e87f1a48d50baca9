"""Claims carry their owner; change ids are handed out in commit order on PostgreSQL.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29

``notifications.claimed_by`` names the process that claimed a notification, so that only claims older
than the lease are ever taken back (see ``data.outbox``). On PostgreSQL the change-log trigger functions
now take a transaction-level advisory lock before drawing the next id (see ``data.changes`` for why);
SQLite already has one writer at a time and keeps its triggers.
"""

from alembic import op

from data import triggers

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

LOG_LOCK = 7_351_000_002
LOG = (
    "INSERT INTO notification_changes (notification_id, status, changed_at) "
    "VALUES (NEW.id, NEW.status, CURRENT_TIMESTAMP);"
)


def _change_log(first: str = "") -> tuple[triggers.Trigger, ...]:
    return (
        triggers.Trigger("log_notifications_insert", "notifications", "INSERT", LOG, postgresql_first=first),
        triggers.Trigger(
            "log_notifications_status",
            "notifications",
            "UPDATE OF status",
            LOG,
            "status",
            postgresql_first=first,
        ),
    )


def upgrade() -> None:
    op.execute("ALTER TABLE notifications ADD COLUMN claimed_by VARCHAR")
    if op.get_bind().dialect.name == "postgresql":
        for statement in triggers.create(
            "postgresql", _change_log(f"PERFORM pg_advisory_xact_lock({LOG_LOCK});")
        ):
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for statement in triggers.create("postgresql", _change_log()):
            op.execute(statement)
    op.execute("ALTER TABLE notifications DROP COLUMN claimed_by")
