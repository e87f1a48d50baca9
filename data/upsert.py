"""``INSERT … ON CONFLICT (keys) DO UPDATE``: one atomic statement on SQLite and PostgreSQL alike, so a
row that two writers add at the same moment ends up once, with the later values, and no error."""

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Row, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def upsert(
    connection: Connection | Session,
    table: Table,
    values: Mapping[str, Any],
    *,
    keys: Sequence[str],
    insert_only: Sequence[str] = (),
    returning: Sequence[str] = (),
) -> Row | None:
    """Insert ``values`` or update the row with the same ``keys`` (but not the ``insert_only`` columns,
    e.g. ``created_at``); the ``returning`` columns of the row, if asked for."""
    bind = connection.get_bind() if isinstance(connection, Session) else connection
    dialect = {"sqlite": sqlite, "postgresql": postgresql}[bind.dialect.name]
    statement = dialect.insert(table).values(**values)
    changes = {name: statement.excluded[name] for name in values if name not in (*keys, *insert_only)}
    if changes:
        statement = statement.on_conflict_do_update(index_elements=list(keys), set_=changes)
    else:
        statement = statement.on_conflict_do_nothing(index_elements=list(keys))
    if returning:
        return connection.execute(statement.returning(*(table.c[name] for name in returning))).first()
    connection.execute(statement)
    return None
