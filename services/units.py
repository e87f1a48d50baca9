"""Units of work for the services' background chores, each failure a DatabaseError of one line (what the
logs and the console show), for ``asyncio.to_thread``: ``to_thread(units.quietly, database, work, …)``."""

from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

from sqlmodel import Session

from data import Database
from data.errors import in_one_line

P = ParamSpec("P")
T = TypeVar("T")


def quietly(
    database: Database, work: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs
) -> T:
    """``work(session, …)`` in a unit of work of its own that the commit listeners are not told of."""
    with in_one_line(), database.transaction(notify=False) as session:
        return work(session, *args, **kwargs)


def read(
    database: Database, work: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs
) -> T:
    """``work(session, …)`` in a reading session of its own."""
    with in_one_line(), database.reading() as session:
        return work(session, *args, **kwargs)
