"""Row triggers written once and generated for SQLite or PostgreSQL (used by the migrations).

A trigger is a name, a table, an event (``INSERT``, ``DELETE``, ``UPDATE OF a, b``), optionally a
column whose value must have changed, and a body of SQL statements that both dialects accept.
SQLite runs the body inline; PostgreSQL needs it wrapped in a PL/pgSQL function, which may start with
statements of its own (``postgresql_first``, e.g. taking a lock).
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

DIALECTS = ("sqlite", "postgresql")


@dataclass(frozen=True)
class Trigger:
    name: str
    table: str
    event: str
    body: str  # statements, each ending with ";"
    only_if_changed: str | None = None  # a column: fire only when NEW and OLD differ in it
    postgresql_first: str = ""  # statements the PostgreSQL function runs before the body


def create(dialect: str, definitions: Iterable[Trigger]) -> Iterator[str]:
    """The DDL that (re)creates each trigger on ``dialect``, replacing one of the same name."""
    definitions = tuple(definitions)
    yield from drop(dialect, definitions)
    for trigger in definitions:
        column = trigger.only_if_changed
        if dialect == "sqlite":
            when = f" WHEN NEW.{column} IS NOT OLD.{column}" if column else ""
            yield (
                f"CREATE TRIGGER {trigger.name} AFTER {trigger.event} ON {trigger.table} "
                f"FOR EACH ROW{when} BEGIN {trigger.body} END"
            )
        else:
            when = f" WHEN (NEW.{column} IS DISTINCT FROM OLD.{column})" if column else ""
            yield (
                f"CREATE OR REPLACE FUNCTION {trigger.name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN {trigger.postgresql_first}{trigger.body} RETURN NULL; END $$"
            )
            yield (
                f"CREATE TRIGGER {trigger.name} AFTER {trigger.event} ON {trigger.table} "
                f"FOR EACH ROW{when} EXECUTE FUNCTION {trigger.name}()"
            )


def drop(dialect: str, definitions: Iterable[Trigger]) -> Iterator[str]:
    """The DDL that removes each trigger (and its PostgreSQL function) if it exists."""
    _check(dialect)
    for trigger in definitions:
        if dialect == "sqlite":
            yield f"DROP TRIGGER IF EXISTS {trigger.name}"
        else:
            yield f"DROP TRIGGER IF EXISTS {trigger.name} ON {trigger.table}"
            yield f"DROP FUNCTION IF EXISTS {trigger.name}()"


def _check(dialect: str) -> None:
    if dialect not in DIALECTS:
        raise ValueError(f"no triggers for database {dialect!r}")
