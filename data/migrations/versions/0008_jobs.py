"""Jobs: the runs of the console's actions, in the database, shared by every replica.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29

At most one running job per action (a partial unique index), a heartbeat the running replica renews
(``renewed_at``), and on PostgreSQL the same announcement as 0005's tables, so a job's progress wakes
every replica's feed at once (see ``data.jobs``).
"""

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

ONLY_RUNNING = sa.text("status = 'running'")


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", AutoString(), primary_key=True),
        sa.Column("action", AutoString(), nullable=False),
        sa.Column("status", AutoString(), nullable=False),
        sa.Column("started_by", AutoString(), nullable=False),
        sa.Column("replica", AutoString(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=True),
        sa.Column("counts", AutoString(), nullable=False),
        sa.Column("error", AutoString(), nullable=True),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("finished_at", UTCDateTime(), nullable=True),
        sa.Column("renewed_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_jobs_action_started_at", "jobs", ["action", "started_at"])
    op.create_index(
        "jobs_one_running",
        "jobs",
        ["action"],
        unique=True,
        sqlite_where=ONLY_RUNNING,
        postgresql_where=ONLY_RUNNING,
    )
    if op.get_bind().dialect.name == "postgresql":  # airdate_announce() is 0005's
        op.execute(
            "CREATE TRIGGER announce_jobs AFTER INSERT OR UPDATE OR DELETE ON jobs "
            "FOR EACH STATEMENT EXECUTE FUNCTION airdate_announce()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS announce_jobs ON jobs")
    op.drop_table("jobs")
