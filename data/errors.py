"""What a user reads when the database fails: one line, without SQLAlchemy's wrapping."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import SQLAlchemyError

UNREACHABLE = (SQLAlchemyError, OSError)  # what a database that is down, locked or gone raises


class DatabaseError(Exception):
    """A database cannot be used; the message says what to fix."""


def first_line(error: BaseException) -> str:
    """The driver's own message (SQLAlchemy wraps it in ``.orig``), first line only."""
    text = str(getattr(error, "orig", None) or error).strip()
    return text.splitlines()[0] if text else type(error).__name__


@contextmanager
def in_one_line() -> Iterator[None]:
    """Raise a database failure inside the block as a DatabaseError of one line."""
    try:
        yield
    except SQLAlchemyError as error:
        raise DatabaseError(first_line(error)) from None
