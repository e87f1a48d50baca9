"""Row triggers written once and generated for SQLite or PostgreSQL.

A trigger is a name, a table, an event (``INSERT``, ``DELETE``, ``UPDATE OF a, b``), optionally a
column whose value must have changed, and a body of SQL statements that both dialects accept.
SQLite runs the body inline; PostgreSQL needs it wrapped in a PL/pgSQL function.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Trigger:
    name: str
    table: str
    event: str
    body: str  # statements, each ending with ";"
    only_if_changed: str | None = None  # a column: fire only when NEW and OLD differ in it


def create(dialect: str, definitions: Iterable[Trigger]) -> Iterator[str]:
    """The DDL that creates each trigger (if it does not exist yet) on ``dialect``."""
    for trigger in definitions:
        if dialect == "sqlite":
            column = trigger.only_if_changed
            when = f" WHEN NEW.{column} IS NOT OLD.{column}" if column else ""
            yield (
                f"CREATE TRIGGER IF NOT EXISTS {trigger.name} AFTER {trigger.event} ON {trigger.table} "
                f"FOR EACH ROW{when} BEGIN {trigger.body} END"
            )
        elif dialect == "postgresql":
            column = trigger.only_if_changed
            when = f" WHEN (NEW.{column} IS DISTINCT FROM OLD.{column})" if column else ""
            yield (
                f"CREATE OR REPLACE FUNCTION {trigger.name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN {trigger.body} RETURN NULL; END $$"
            )
            yield f"DROP TRIGGER IF EXISTS {trigger.name} ON {trigger.table}"
            yield (
                f"CREATE TRIGGER {trigger.name} AFTER {trigger.event} ON {trigger.table} "
                f"FOR EACH ROW{when} EXECUTE FUNCTION {trigger.name}()"
            )
        else:
            raise ValueError(f"no triggers for database {dialect!r}")
