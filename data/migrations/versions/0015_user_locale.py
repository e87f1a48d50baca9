"""Each person's language: ``users.locale``, Jellyseerr's ``settings.locale`` for them as it came
(``de``, ``pt-BR``, ``zh-Hant``…; '' for none set, then the admin's AIRDATE_DEFAULT_LOCALE speaks).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04

Everybody starts with '' (the default language) until the next user sync reads their settings.
Downgrading drops the column.
"""

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("locale", AutoString(), nullable=False, server_default=""))


def downgrade() -> None:
    op.execute("ALTER TABLE users DROP COLUMN locale")
