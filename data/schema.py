"""Bringing a database to the schema this code expects: Alembic migrations, run once at a time.

The server upgrades to the newest revision at start; ``python main.py db …`` does it by hand. Replicas
that start together must not migrate twice: on PostgreSQL the whole upgrade runs in one transaction
holding an advisory lock (DDL is transactional there, so a failed upgrade leaves nothing half done and
the next replica finds the work done when it gets the lock); on SQLite an exclusive ``flock`` on a
``<database>-migrate.lock`` file next to it does the same job (not on the database file itself: closing
any descriptor of that file would drop SQLite's own locks held by this process).
"""

import fcntl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import SQLModel

from . import models  # noqa: F401  (registers the tables)
from .db import Database, DatabaseError
from .errors import first_line

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
MIGRATION_LOCK = 7_351_000_001  # pg_advisory_xact_lock key held while migrating


def upgrade(database: Database, revision: str = "head") -> tuple[str | None, str | None]:
    """Migrate up to ``revision``; (revision before, revision after). A database made before migrations
    (tables but no ``alembic_version``) is adopted by the idempotent baseline, losing no row."""
    return _migrate(
        database,
        lambda config: command.upgrade(config, revision),
        done=lambda before: revision == "head" and before == head(),  # the common start: nothing to run
    )


def downgrade(database: Database, revision: str) -> tuple[str | None, str | None]:
    """Migrate down to ``revision`` (``base`` removes every table)."""
    if revision != "base":
        _known(revision)
    return _migrate(database, lambda config: command.downgrade(config, revision))


def current(database: Database) -> str | None:
    """The revision the database is at; None for an empty database or one made before migrations."""
    with _errors(database), database.engine.connect() as connection:
        return _revision(connection)


def head() -> str:
    return _scripts().get_current_head() or "base"


def history() -> list[tuple[str, str]]:
    """(revision, first line of its description), oldest first."""
    scripts = _scripts().walk_revisions()
    return [(script.revision, (script.doc or "").splitlines()[0]) for script in reversed(list(scripts))]


def differences(database: Database) -> list:
    """What differs between the models and the migrated database (empty when they agree)."""
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, SQLModel.metadata)


def _migrate(
    database: Database,
    run: Callable[[Config], None],
    done: Callable[[str | None], bool] = lambda before: False,
) -> tuple[str | None, str | None]:
    with _errors(database), _exclusive(database) as connection:
        before = _revision(connection)
        if before is not None:
            _known(before, newer=True)
        if not done(before):
            run(_config(connection))
        after = _revision(connection)
    database.notify_commit()
    return before, after


def _revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _known(revision: str, *, newer: bool = False) -> None:
    try:
        _scripts().get_revision(revision)
    except Exception:  # alembic raises several kinds for an unknown or malformed revision
        if newer:
            raise DatabaseError(
                f"the database is at revision {revision}, which this Airdate (newest {head()}) does not "
                "know: it was migrated by a newer version; run that version (or its `db downgrade`)"
            ) from None
        raise DatabaseError(
            f"no revision {revision!r}: choose one of {', '.join(_revisions())} or base"
        ) from None


def _revisions() -> list[str]:
    return [script.revision for script in _scripts().walk_revisions()][::-1]


@cache
def _scripts() -> ScriptDirectory:
    """The migration scripts, read once per process (Alembic reads every file each time it is asked)."""
    return ScriptDirectory.from_config(_config())


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


@contextmanager
def _exclusive(database: Database) -> Iterator[Connection]:
    """A connection in a transaction that no other process migrating this database runs beside."""
    if database.url.get_backend_name() == "postgresql":
        with database.engine.begin() as connection:
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
            yield connection
        return
    name = database.url.database
    if not name or name == ":memory:":
        with database.engine.begin() as connection:
            yield connection
        return
    with open(f"{name}-migrate.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with database.engine.begin() as connection:
            yield connection


@contextmanager
def _errors(database: Database) -> Iterator[None]:
    try:
        yield
    except SQLAlchemyError as error:
        raise DatabaseError(f"cannot migrate database {database.describe()}: {first_line(error)}") from None
