"""Raw SQL from outside Airdate, as another program would run it; on SQLite or PostgreSQL alike."""

from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool


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
