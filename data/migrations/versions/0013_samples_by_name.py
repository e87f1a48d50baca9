"""Chart samples keep every stat by name: ``stats_samples.counts`` (JSON) instead of six columns.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04

A stat defined after this (``data.counters.COUNTERS``) is sampled with the others, so its long-range
chart and its "% vs 1 h ago" after a restart need no column of its own. Existing samples keep their six
values under the same names.
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

COLUMNS = (  # the columns of 0001, frozen
    "users",
    "requests_total",
    "requests_tracking",
    "episodes_tracked",
    "notifications_sent",
    "notifications_pending",
)


def _samples(*extra: sa.ColumnClause) -> sa.TableClause:
    return sa.table("stats_samples", sa.column("at"), *extra)


def upgrade() -> None:
    connection = op.get_bind()
    op.add_column("stats_samples", sa.Column("counts", sa.JSON(), nullable=True))
    samples = _samples(sa.column("counts", sa.JSON()), *(sa.column(name) for name in COLUMNS))
    for row in connection.execute(sa.select(samples.c.at, *(samples.c[name] for name in COLUMNS))).all():
        counts = {name: int(row._mapping[name]) for name in COLUMNS}
        connection.execute(samples.update().where(samples.c.at == row.at).values(counts=counts))
    with op.batch_alter_table("stats_samples") as batch:
        batch.alter_column("counts", existing_type=sa.JSON(), nullable=False)
        for name in COLUMNS:
            batch.drop_column(name)


def downgrade() -> None:
    connection = op.get_bind()
    with op.batch_alter_table("stats_samples") as batch:
        for name in COLUMNS:
            batch.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default="0"))
    samples = _samples(sa.column("counts", sa.JSON()), *(sa.column(name) for name in COLUMNS))
    for row in connection.execute(sa.select(samples.c.at, samples.c.counts)).all():
        values = {name: int((row.counts or {}).get(name, 0)) for name in COLUMNS}
        connection.execute(samples.update().where(samples.c.at == row.at).values(**values))
    with op.batch_alter_table("stats_samples") as batch:
        batch.drop_column("counts")
