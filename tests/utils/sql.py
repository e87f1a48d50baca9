"""Raw SQL from outside Airdate, as another program would run it; on SQLite or PostgreSQL alike."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.pool import NullPool

from data.counters import SLOTS


def run_sql(url: str, *statements: str) -> None:
    """Each statement in a transaction of its own, through a connection Airdate does not know."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        for statement in statements:
            with engine.begin() as connection:
                connection.execute(text(statement))
    finally:
        engine.dispose()


def query(url: str, statement: str) -> list[tuple]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(statement))]
    finally:
        engine.dispose()


@contextmanager
def sessions_in_different_slots(url: str) -> Iterator[list[tuple[Connection, int]]]:
    """Two PostgreSQL sessions whose counting triggers adjust different slots of the counters, each with
    its slot (``pg_backend_pid() % SLOTS``): new sessions are opened until two slots differ."""
    engine = create_engine(url, poolclass=NullPool)
    opened: list[Connection] = []
    by_slot: dict[int, Connection] = {}
    try:
        while len(by_slot) < 2:
            assert len(opened) < 4 * SLOTS, "every new session landed in the same slot"
            connection = engine.connect()
            opened.append(connection)
            slot = connection.execute(text("SELECT pg_backend_pid() % :n"), {"n": SLOTS}).scalar_one()
            connection.commit()
            by_slot.setdefault(slot, connection)
        yield [(connection, slot) for slot, connection in by_slot.items()]
    finally:
        for connection in opened:
            connection.close()
        engine.dispose()


def insert_user(connection: Connection, name: str) -> None:
    """A user row by raw SQL, in ``connection``'s open transaction."""
    connection.execute(
        text("INSERT INTO users (username, email, created_at) VALUES (:n, :n, CURRENT_TIMESTAMP)"),
        {"n": name},
    )


def user_sql(name: str) -> str:
    """An INSERT of a user by raw SQL (for a schema older than today's models)."""
    values = f"'{name}', '{name}@example.org', CURRENT_TIMESTAMP"
    return f"INSERT INTO users (username, email, created_at) VALUES ({values})"
