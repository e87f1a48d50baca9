"""What a message tells of an episode and its show: ``show_facts`` (Jellyseerr's poster, overview and
"Watch now" link of each show, kept at every request sync), and each episode's air time and overview
(``episodes.air_at``, ``episodes.overview``, ``scheduled_episodes.overview``, from Sonarr).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04

Nothing is filled in for what is there: the next request sync reads the shows' facts, and episodes
that landed before keep what they had (title and air date). Downgrading drops the table and columns.
"""

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "show_facts",
        sa.Column("tmdb_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("poster_path", AutoString(), nullable=True),
        sa.Column("overview", AutoString(), nullable=False, server_default=""),
        sa.Column("media_url", AutoString(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.add_column("episodes", sa.Column("air_at", UTCDateTime(), nullable=True))
    op.add_column("episodes", sa.Column("overview", AutoString(), nullable=True))
    op.add_column("scheduled_episodes", sa.Column("overview", AutoString(), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE scheduled_episodes DROP COLUMN overview")
    op.execute("ALTER TABLE episodes DROP COLUMN overview")
    op.execute("ALTER TABLE episodes DROP COLUMN air_at")
    op.drop_table("show_facts")
