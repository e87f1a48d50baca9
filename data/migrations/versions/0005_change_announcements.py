"""PostgreSQL announces every change to the counted tables (LISTEN/NOTIFY), so every replica reads at once.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29

A statement-level trigger on each counted table calls ``pg_notify('airdate_changes', '')``. PostgreSQL
delivers a notification when the transaction commits (never for a rolled-back one) and folds identical
ones of one transaction into one, so a batch of inserts wakes each listener once. Writes made by raw SQL
or another program are announced too. SQLite has one process per database file and needs nothing.
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

CHANNEL = "airdate_changes"  # data.announcements.CHANNEL at this revision
TABLES = ("users", "media_requests", "episodes", "notifications")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE OR REPLACE FUNCTION airdate_announce() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN PERFORM pg_notify('{CHANNEL}', ''); RETURN NULL; END $$"
    )
    for table in TABLES:  # (replaced if there: a database adopted by 0001 runs every revision again)
        op.execute(f"DROP TRIGGER IF EXISTS announce_{table} ON {table}")
        op.execute(
            f"CREATE TRIGGER announce_{table} AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION airdate_announce()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS announce_{table} ON {table}")
    op.execute("DROP FUNCTION IF EXISTS airdate_announce()")
