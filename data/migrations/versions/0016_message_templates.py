"""The admin's words: ``message_templates``, each version of a template for a part of every message
(subject, text, HTML, the channels' markdown), per language ("" for every language).

Revision ID: 0016
Revises: 0014
Create Date: 2026-12-04

A new table, empty: every message keeps the built-in words until an admin saves a template.
Downgrading drops the table and the templates in it.
"""

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "message_templates",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", AutoString(), nullable=False),
        sa.Column("locale", AutoString(), nullable=False),
        sa.Column("source", AutoString(), nullable=False),
        sa.Column("author", AutoString(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_message_templates_kind_locale", "message_templates", ["kind", "locale", "id"])


def downgrade() -> None:
    op.drop_index("ix_message_templates_kind_locale", table_name="message_templates")
    op.drop_table("message_templates")
