"""Sign-in attempts counted atomically per (name, address) and per name; a key for each user's links.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03

``sign_in_attempts`` replaces ``login_failures``: one row per user name and client address (and one per
name, address ``*``), whose ``count`` an upsert raises in one statement, so concurrent tries cannot pass
the limit together (forty at once got ten checked before). The old failures are not carried over: they
only counted towards a quarter of an hour. ``users.link_key`` is part of each signed link; raising it
revokes every link made for that user.
"""

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sign_in_attempts",
        sa.Column("username", AutoString(), primary_key=True),
        sa.Column("address", AutoString(), primary_key=True),
        sa.Column("first_at", UTCDateTime(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("next_at", UTCDateTime(), nullable=True),
    )
    op.drop_index("ix_login_failures_at", "login_failures")
    op.drop_index("ix_login_failures_address", "login_failures")
    op.drop_index("ix_login_failures_username", "login_failures")
    op.drop_table("login_failures")
    op.add_column("users", sa.Column("link_key", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    op.drop_column("users", "link_key")
    op.create_table(
        "login_failures",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("username", AutoString(), nullable=False),
        sa.Column("address", AutoString(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_login_failures_username", "login_failures", ["username"])
    op.create_index("ix_login_failures_address", "login_failures", ["address"])
    op.create_index("ix_login_failures_at", "login_failures", ["at"])
    op.drop_table("sign_in_attempts")
