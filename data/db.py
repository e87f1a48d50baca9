"""The database handle: engine, sessions and commit notifications (the schema: :mod:`data.schema`)."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy import URL, Engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, create_engine

from . import models  # noqa: F401  (registers the tables)
from .errors import DatabaseError
from .listeners import Listeners

SUPPORTED_BACKENDS = ("sqlite", "postgresql")
P = ParamSpec("P")
T = TypeVar("T")


class Database:
    """One database: its engine, units of work (:meth:`transaction`, :meth:`reading`) and a hook that runs
    after each commit. What is read and written lives in the other modules of :mod:`data`, as functions
    whose first parameter is the caller's session.

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
        event.listen(self._sessions, "after_commit", self._committed)

    def on_commit(self, listener: Callable[[], None]) -> None:
        self._commit_listeners.add(listener)

    def notify_commit(self) -> None:
        self._commit_listeners.notify()

    def _committed(self, session: Session) -> None:
        if session.info.get("notify", True):
            self.notify_commit()

    @contextmanager
    def transaction(self, *, notify: bool = True) -> Iterator[Session]:
        """A unit of work: a session in one transaction, committed when the block ends, rolled back when it
        raises. The commit listeners run after the commit unless ``notify`` is False: the writes that
        nobody watches (the shared log lines, samples, pruning, settings kept in ``meta``) pass it, or the
        live feed, which stores log lines itself, would wake itself in a loop."""
        with self._sessions() as session:
            session.info["notify"] = notify
            with session.begin():
                yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads: one connection, one transaction, rolled back at the end."""
        with self._sessions() as session:
            yield session

    def read(self, work: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        """``work(session, *args, **kwargs)`` in a session of its own (:meth:`reading`)."""
        with self.reading() as session:
            return work(session, *args, **kwargs)

    def write(self, work: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        """``work(session, *args, **kwargs)`` as a unit of work of its own (:meth:`transaction`)."""
        with self.transaction() as session:
            return work(session, *args, **kwargs)

    def write_quietly(
        self, work: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """As :meth:`write`, without telling the commit listeners (``transaction(notify=False)``)."""
        with self.transaction(notify=False) as session:
            return work(session, *args, **kwargs)

    def ping(self) -> None:
        """Read a row, so that a locked or unreachable database does not pass for a healthy one."""
        with self.engine.connect() as connection:
            connection.execute(text("SELECT value FROM stats_counters LIMIT 1"))

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
