"""Jellyseerr as it is: users without an address, seasons per request, removed users and requests.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03

- ``users.upstream_email`` keeps Jellyseerr's ``email`` field as it came (for a Jellyfin or Emby user
  without an address it holds their user name); ``users.email`` is now only an address Airdate can mail,
  '' for none: existing rows whose ``email`` is not an address lose it (kept in ``upstream_email``).
  ``users.email_set_by_admin`` marks an address an admin gave; ``users.removed_at`` a user gone from
  Jellyseerr.
- ``request_seasons``: the seasons each tv request asks for (none yet: such a request covers all);
  ``media_requests.all_seasons``: it asked for every season the show had then, so later ones count too.
- ``jobs.problems``: what went wrong with single items of a run that went on.
- The counters ``users`` and ``requests_*`` count only what is not removed (frozen definitions below);
  the counting triggers of ``users`` and ``media_requests`` are made again from them.
"""

import email_validator
import sqlalchemy as sa
from alembic import op
from email_validator import EmailNotValidError, validate_email
from sqlmodel.sql.sqltypes import AutoString, UTCDateTime

from data import triggers
from data.counters import Counter, counting_triggers

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

SLOT = {"postgresql": "pg_backend_pid() % 8", "sqlite": "0"}  # as in 0003


def _counters(active_user: str, kept_request: str) -> tuple[Counter, ...]:
    def request(predicate: str) -> str:
        return f"{kept_request} AND {predicate}" if kept_request else predicate

    return (
        Counter("users", "users", active_user or "1 = 1"),
        Counter("requests_total", "media_requests", kept_request or "1 = 1"),
        Counter("requests_movies", "media_requests", request("{row}.media_type = 'movie'")),
        Counter("requests_tv", "media_requests", request("{row}.media_type = 'tv'")),
        Counter(
            "requests_tracking", "media_requests", "{row}.media_type = 'tv' AND {row}.status = 'approved'"
        ),
    )


BEFORE = _counters("", "")
AFTER = _counters("{row}.removed_at IS NULL", "{row}.status <> 'removed'")
COUNTED = ("users", "media_requests")


def upgrade() -> None:
    connection = op.get_bind()
    dialect = connection.dialect.name
    if dialect == "postgresql":  # writers wait (see 0003: the counted tables first, then the counters)
        op.execute(f"LOCK TABLE {', '.join(COUNTED)} IN SHARE ROW EXCLUSIVE MODE")
    op.add_column("users", sa.Column("upstream_email", AutoString(), nullable=False, server_default=""))
    op.add_column(
        "users", sa.Column("email_set_by_admin", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.add_column("users", sa.Column("removed_at", UTCDateTime(), nullable=True))
    op.create_table(
        "request_seasons",
        sa.Column(
            "request_id",
            sa.Integer(),
            sa.ForeignKey("media_requests.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("season", sa.Integer(), primary_key=True),
    )
    op.add_column(
        "media_requests", sa.Column("all_seasons", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.add_column("jobs", sa.Column("problems", AutoString(), nullable=False, server_default="[]"))
    _keep_only_addresses(connection)
    _count_with(dialect, BEFORE, AFTER)


def downgrade() -> None:
    connection = op.get_bind()
    dialect = connection.dialect.name
    if dialect == "postgresql":
        op.execute(f"LOCK TABLE {', '.join(COUNTED)} IN SHARE ROW EXCLUSIVE MODE")
    # (while the triggers of this revision count them back)
    op.execute("UPDATE media_requests SET status = 'declined' WHERE status = 'removed'")
    op.execute("UPDATE users SET removed_at = NULL WHERE removed_at IS NOT NULL")
    _count_with(dialect, AFTER, BEFORE)
    op.execute("UPDATE users SET email = upstream_email WHERE email = '' AND upstream_email <> ''")
    op.drop_column("jobs", "problems")
    op.drop_column("media_requests", "all_seasons")
    op.drop_table("request_seasons")
    for column in ("removed_at", "email_set_by_admin", "upstream_email"):
        op.drop_column("users", column)


def _keep_only_addresses(connection: sa.Connection) -> None:
    """``email`` keeps only addresses; every old value stays in ``upstream_email`` (a downgrade puts it
    back)."""
    for user_id, email in connection.execute(sa.text("SELECT id, email FROM users")).all():
        connection.execute(
            sa.text("UPDATE users SET email = :email, upstream_email = :upstream WHERE id = :id"),
            {"email": _address(email) or "", "upstream": email, "id": user_id},
        )


def _address(value: str) -> str | None:
    """data.addresses.address_or_none as it was at this revision (a migration must not change later)."""
    for name in ("local", "localhost", "arpa", "test"):  # home networks' names
        if name in email_validator.SPECIAL_USE_DOMAIN_NAMES:
            email_validator.SPECIAL_USE_DOMAIN_NAMES.remove(name)
    try:
        checked = validate_email(
            value.strip(), check_deliverability=False, globally_deliverable=False, allow_domain_literal=True
        )
    except EmailNotValidError:
        return None
    return checked.normalized


def _count_with(dialect: str, old: tuple[Counter, ...], new: tuple[Counter, ...]) -> None:
    """Replace the counting triggers of users and media_requests. The values stay: going up nothing is
    removed yet, and going down removed users and requests were made ordinary (and counted) first."""
    for statement in triggers.drop(dialect, counting_triggers(old, SLOT[dialect])):
        op.execute(statement)
    for statement in triggers.create(dialect, counting_triggers(new, SLOT[dialect])):
        op.execute(statement)
