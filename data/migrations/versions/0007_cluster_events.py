"""One event sequence for every replica: the change log keeps what an event says; warnings are shared.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29

``notification_changes.sent_at`` records the notification's ``sent_at`` as of the change, so a change
read later (by a replica that was behind, or to replay it to a resuming SSE client from the database)
makes the same event it made when it was new. ``log_entries`` holds the replicas' warnings and errors
(bounded by pruning, see ``data.logbook``); on PostgreSQL a write to it is announced like the others.
"""

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

from data import triggers

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

LOG_LOCK = 7_351_000_002  # data.changes.LOG_LOCK
CHANNEL = "airdate_changes"  # data.announcements.CHANNEL
OLD_LOG = (
    "INSERT INTO notification_changes (notification_id, status, changed_at) "
    "VALUES (NEW.id, NEW.status, CURRENT_TIMESTAMP);"
)
NEW_LOG = (
    "INSERT INTO notification_changes (notification_id, status, sent_at, changed_at) "
    "VALUES (NEW.id, NEW.status, NEW.sent_at, CURRENT_TIMESTAMP);"
)


def _change_log(dialect: str, body: str) -> list[str]:
    first = f"PERFORM pg_advisory_xact_lock({LOG_LOCK});" if dialect == "postgresql" else ""
    definitions = (
        triggers.Trigger("log_notifications_insert", "notifications", "INSERT", body, postgresql_first=first),
        triggers.Trigger(
            "log_notifications_status",
            "notifications",
            "UPDATE OF status",
            body,
            "status",
            postgresql_first=first,
        ),
    )
    return list(triggers.create(dialect, definitions))


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.add_column("notification_changes", sa.Column("sent_at", UTCDateTime(), nullable=True))
    for statement in _change_log(dialect, NEW_LOG):
        op.execute(statement)
    op.create_table(
        "log_entries",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("logged_at", UTCDateTime(), nullable=False),
        sa.Column("replica", AutoString(), nullable=False),
        sa.Column("level", AutoString(), nullable=False),
        sa.Column("logger", AutoString(), nullable=False),
        sa.Column("message", AutoString(), nullable=False),
        sqlite_autoincrement=True,
    )
    if dialect == "postgresql":
        op.execute(
            "CREATE TRIGGER announce_log_entries AFTER INSERT ON log_entries "
            "FOR EACH STATEMENT EXECUTE FUNCTION airdate_announce()"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.drop_table("log_entries")
    for statement in _change_log(dialect, OLD_LOG):
        op.execute(statement)
    op.execute("ALTER TABLE notification_changes DROP COLUMN sent_at")
