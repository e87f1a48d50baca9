"""Leases: scheduled work (syncs, pruning, chart samples) runs on one replica at a time.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29

One row per piece of work: who holds it and until when (see ``data.leases``).
"""

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "leases",
        sa.Column("name", AutoString(), primary_key=True),
        sa.Column("holder", AutoString(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("leases")
