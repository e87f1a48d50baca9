"""The database handle: engine, sessions and commit notifications (the schema: :mod:`data.schema`)."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import URL, Engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, create_engine

from . import changes, counters, jobs, logbook, models, rollup  # models registers the tables
from .changes import NotificationRow
from .clock import utcnow
from .counters import Stats
from .errors import DatabaseError
from .jobs import JobRow
from .listeners import Listeners
from .upsert import upsert

SUPPORTED_BACKENDS = ("sqlite", "postgresql")


@dataclass(frozen=True, slots=True)
class LiveRead:
    """What the live feed reads in one go: all stats, notification changes and shared log lines since its
    cursors, and the jobs a dashboard shows (running, and each action's newest: a few rows)."""

    stats: Stats
    changes: list[tuple[int, NotificationRow]]
    log_lines: list[logbook.LogLine] = field(default_factory=list)
    jobs: list[JobRow] = field(default_factory=list)


class Database:
    """One database: sessions for Airdate's own writes, and a hook that runs after each commit.

    Commit listeners are how writes made through Airdate's own code reach viewers at once; they may
    be called from any thread.
    """

    def __init__(self, url: str, *, echo: bool = False) -> None:
        parsed = parse_url(url)
        self.url = parsed
        connect_args: dict = {}
        if parsed.get_backend_name() == "sqlite":
            connect_args = {"check_same_thread": False, "timeout": 30}
        try:
            self.engine: Engine = create_engine(parsed, echo=echo, connect_args=connect_args)
        except ImportError as error:
            raise DatabaseError(_missing_driver(parsed, error)) from None
        except ArgumentError as error:
            raise DatabaseError(f"cannot use database {self.describe()}: {error}") from None
        if parsed.get_backend_name() == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, class_=Session, expire_on_commit=False)
        self._commit_listeners: Listeners[[]] = Listeners()  # a failing one fails the committer
        event.listen(self._sessions, "after_commit", lambda _session: self.notify_commit())

    def on_commit(self, listener: Callable[[], None]) -> None:
        self._commit_listeners.add(listener)

    def notify_commit(self) -> None:
        self._commit_listeners.notify()

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session

    def read_stats(self) -> Stats:
        with self.engine.connect() as connection:
            return counters.read_stats(connection)

    def read_live(self, after_change: int, after_log_line: int) -> LiveRead:
        with self.engine.connect() as connection:
            found = changes.read_changes(connection, after_change)  # first: the stats then include them
            return LiveRead(
                counters.read_stats(connection),
                found,
                logbook.read_after(connection, after_log_line),
                jobs.current(connection),
            )

    def last_change_id(self) -> int:
        with self.engine.connect() as connection:
            return changes.last_change_id(connection)

    def last_log_line_id(self) -> int:
        with self.engine.connect() as connection:
            return logbook.last_id(connection)

    def share_log_lines(self, lines: list[dict]) -> None:
        with self.engine.begin() as connection:
            logbook.append(connection, lines)

    def changes_between(self, after: int, until: int) -> list[tuple[int, NotificationRow]] | None:
        """Notification changes in (after, until], or None if the log no longer reaches back to ``after``."""
        with self.engine.connect() as connection:
            return changes.changes_between(connection, after, until)

    def recent_notifications(self, limit: int = 50) -> list[NotificationRow]:
        with self.engine.connect() as connection:
            return changes.recent_notifications(connection, limit)

    def prune_changes(self) -> None:
        with self.engine.begin() as connection:
            changes.prune(connection)

    def record_sample(self, at: datetime, stats: Stats) -> None:
        with self.engine.begin() as connection:
            rollup.record(connection, at, stats)

    def sample_series(
        self, since: datetime, until: datetime, fields: tuple[str, ...], points: int
    ) -> list[tuple[datetime, dict[str, int]]]:
        with self.engine.connect() as connection:
            return rollup.series(connection, since, until, fields, points)

    def sample_at(self, when: datetime) -> dict[str, int] | None:
        with self.engine.connect() as connection:
            return rollup.value_at(connection, when)

    def thin_samples(self) -> None:
        with self.engine.begin() as connection:
            rollup.thin(connection)

    def backfill_samples(self) -> int:
        """Rebuild a week of hourly samples from the tables, if there are none yet (the first start of a
        database made before them); how many were written."""
        with self.engine.begin() as connection:
            has_rows = any(counters.read_stats(connection).as_dict().values())
            return rollup.backfill(connection, utcnow()) if has_rows and rollup.is_empty(connection) else 0

    def recount(self) -> Stats:
        with self.engine.begin() as connection:
            stats = counters.recount(connection)
        self.notify_commit()
        return stats

    def ping(self) -> None:
        """Read a row, so that a locked or unreachable database does not pass for a healthy one."""
        with self.engine.connect() as connection:
            connection.execute(text("SELECT value FROM stats_counters LIMIT 1"))

    def get_meta(self, key: str) -> str | None:
        with self.session() as session:
            row = session.get(models.Meta, key)
            return row.value if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.engine.begin() as connection:
            upsert(connection, models.Meta.__table__, {"key": key, "value": value}, keys=("key",))

    def meta_once(self, key: str, value: str) -> str:
        """Keep ``value`` under ``key`` unless a value is there already (another process may have just
        put one); the value kept."""
        with self.engine.begin() as connection:
            upsert(
                connection,
                models.Meta.__table__,
                {"key": key, "value": value},
                keys=("key",),
                insert_only=("value",),
            )
        return self.get_meta(key) or value

    def describe(self) -> str:
        return self.url.render_as_string(hide_password=True)

    def dispose(self) -> None:
        self.engine.dispose()


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def parse_url(url: str) -> URL:
    """A supported database URL, or a DatabaseError saying what is wrong with it.

    ``postgresql://`` means psycopg 3 (SQLAlchemy's own default would be psycopg2). A SQLite file
    must go into a folder that exists: a typo in the path is refused, not silently created.
    """
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise DatabaseError(f"AIRDATE_DATABASE_URL {url!r} is not a database URL ({error})") from None
    backend = parsed.get_backend_name()
    if backend not in SUPPORTED_BACKENDS:
        raise DatabaseError(
            f"database {backend!r} is not supported (AIRDATE_DATABASE_URL {parsed.render_as_string()}): "
            "use sqlite:///path/to/file.sqlite3 or postgresql://user:password@host/database"
        )
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if backend == "sqlite" and parsed.database and parsed.database != ":memory:":
        folder = Path(parsed.database).parent
        if not folder.is_dir():
            raise DatabaseError(
                f"the folder {folder} of the SQLite database {parsed.database} does not exist: "
                "create it, or point AIRDATE_DATABASE_URL somewhere else"
            )
    return parsed


DRIVER_PACKAGES = {"psycopg": "psycopg[binary]", "psycopg2": "psycopg2-binary", "asyncpg": "asyncpg"}


def _missing_driver(url: URL, error: ImportError) -> str:
    driver = url.get_driver_name()
    package = DRIVER_PACKAGES.get(driver, driver)
    return (
        f"the database driver {driver!r} for {url.render_as_string()} is not installed: "
        f"pip install '{package}' ({error})"
    )
