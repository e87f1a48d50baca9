"""Baseline: the schema Airdate had before migrations; also adopts a database made back then.

Revision ID: 0001
Revises:
Create Date: 2026-11-29

Everything here is idempotent, so running it on a database created by ``create_all`` (Airdate before
migrations) adopts it without losing a row: missing tables and nullable columns are added, the
triggers are replaced (old SQLite files kept triggers from whichever version created them first), and
missing counters are counted from the tables. The definitions are frozen copies of that time's models
and counters; later migrations change them, never this file.
"""

import sqlalchemy as sa
from alembic import op
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

from data import triggers
from data.counters import Counter, counting_triggers, ensure_rows

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

META = sa.MetaData()


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), primary_key=True)


def _text(name: str, **kw) -> sa.Column:
    return sa.Column(name, AutoString(), nullable=kw.pop("nullable", False), **kw)


def _when(name: str, **kw) -> sa.Column:
    return sa.Column(name, UTCDateTime(), nullable=kw.pop("nullable", False), **kw)


def _int(name: str, **kw) -> sa.Column:
    return sa.Column(name, sa.Integer(), nullable=kw.pop("nullable", False), **kw)


TABLES = (
    sa.Table(
        "users",
        META,
        _id(),
        _int("jellyseerr_id", nullable=True, unique=True),
        _text("username", index=True),
        _text("email"),
        _when("created_at"),
    ),
    sa.Table(
        "media_requests",
        META,
        _id(),
        _int("jellyseerr_id", nullable=True, unique=True),
        _text("media_type", index=True),
        _text("title"),
        _int("tmdb_id", index=True),
        _int("tvdb_id", nullable=True, index=True),
        _text("status", index=True),
        _int("requester_id", index=True),
        _when("created_at"),
        sa.ForeignKeyConstraint(["requester_id"], ["users.id"]),
    ),
    sa.Table(
        "episodes",
        META,
        _id(),
        _int("tmdb_id", index=True),
        _text("show_title"),
        _int("season"),
        _int("number"),
        _text("title"),
        sa.Column("air_date", sa.Date(), nullable=True),
        _when("created_at"),
        sa.UniqueConstraint("tmdb_id", "season", "number"),
    ),
    sa.Table(
        "notifications",
        META,
        _id(),
        _int("user_id", index=True),
        _int("episode_id", nullable=True),
        _text("subject"),
        _text("body"),
        _text("status", index=True),
        _int("attempts"),
        _text("last_error", nullable=True),
        _when("next_attempt_at", nullable=True),
        _when("claimed_at", nullable=True),
        _when("created_at", index=True),
        _when("sent_at", nullable=True, index=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.ForeignKeyConstraint(["episode_id"], ["episodes.id"]),
    ),
    sa.Table(
        "notification_changes",
        META,
        _id(),
        _int("notification_id"),
        _text("status"),
        _when("changed_at"),
        sqlite_autoincrement=True,
    ),
    sa.Table("stats_counters", META, _text("name", primary_key=True), _int("value")),
    sa.Table("airdate_meta", META, _text("key", primary_key=True), _text("value")),
    sa.Table(
        "accounts",
        META,
        _id(),
        _text("username", unique=True, index=True),
        _text("password_hash"),
        _text("role"),
        _when("created_at"),
        _when("last_login_at", nullable=True),
    ),
    sa.Table(
        "api_tokens",
        META,
        _id(),
        _text("name", unique=True, index=True),
        _text("scope"),
        _text("token_hash", unique=True, index=True),
        _text("created_by"),
        _when("created_at"),
        _when("last_used_at", nullable=True),
    ),
    sa.Table(
        "login_sessions",
        META,
        _id(),
        _text("token_hash", unique=True, index=True),
        _int("account_id", index=True),
        _text("address"),
        _when("created_at"),
        _when("expires_at", index=True),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"], ondelete="CASCADE"),
    ),
    sa.Table(
        "login_failures",
        META,
        _id(),
        _text("username", index=True),
        _text("address", index=True),
        _when("at", index=True),
    ),
    sa.Table(
        "stats_samples",
        META,
        _when("at", primary_key=True),
        *(
            _int(name)
            for name in (
                "users",
                "requests_total",
                "requests_tracking",
                "episodes_tracked",
                "notifications_sent",
                "notifications_pending",
            )
        ),
    ),
)


def _is(column: str, value: str) -> str:
    return f"{{row}}.{column} = '{value}'"


COUNTERS = (
    Counter("users", "users", "1 = 1"),
    Counter("requests_total", "media_requests", "1 = 1"),
    Counter("requests_movies", "media_requests", _is("media_type", "movie")),
    Counter("requests_tv", "media_requests", _is("media_type", "tv")),
    Counter(
        "requests_tracking", "media_requests", f"{_is('media_type', 'tv')} AND {_is('status', 'approved')}"
    ),
    Counter("episodes_tracked", "episodes", "1 = 1"),
    Counter("notifications_total", "notifications", "1 = 1"),
    *(
        Counter(f"notifications_{status}", "notifications", _is("status", status))
        for status in ("pending", "sending", "sent", "failed")
    ),
)

LOG = (
    "INSERT INTO notification_changes (notification_id, status, changed_at) "
    "VALUES (NEW.id, NEW.status, CURRENT_TIMESTAMP);"
)
CHANGE_LOG = (
    triggers.Trigger("log_notifications_insert", "notifications", "INSERT", LOG),
    triggers.Trigger("log_notifications_status", "notifications", "UPDATE OF status", LOG, "status"),
)


def upgrade() -> None:
    connection = op.get_bind()
    META.create_all(connection, checkfirst=True)
    _add_missing_columns(connection)
    for statement in triggers.create(connection.dialect.name, (*counting_triggers(COUNTERS), *CHANGE_LOG)):
        op.execute(statement)
    ensure_rows(connection, COUNTERS)


def downgrade() -> None:
    connection = op.get_bind()
    for statement in triggers.drop(connection.dialect.name, (*counting_triggers(COUNTERS), *CHANGE_LOG)):
        op.execute(statement)
    META.drop_all(connection)


def _add_missing_columns(connection: sa.Connection) -> None:
    """A database from an older Airdate may lack nullable columns added before migrations existed."""
    inspector = sa.inspect(connection)
    for table in TABLES:
        existing = {column["name"] for column in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name not in existing:
                op.add_column(table.name, column.copy())
