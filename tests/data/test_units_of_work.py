"""The database's units of work: a transaction commits as its block ends and then tells the commit
listeners (unless asked not to: writes nobody watches, such as the shared log lines the feed itself
stores, must not wake the feed); one that raises leaves nothing; reads tell nobody."""

import pytest
from sqlalchemy import func
from sqlmodel import select

from data import Database, meta
from data.models import User
from data.writes import add_user

pytestmark = pytest.mark.both_databases


def users(database: Database) -> int:
    with database.reading() as session:
        return session.exec(select(func.count()).select_from(User)).one()


def test_a_transaction_commits_at_its_end_then_tells_the_listeners(database: Database) -> None:
    told: list[int] = []
    database.on_commit(lambda: told.append(users(database)))
    with database.transaction() as session:
        add_user(session, "ada", "ada@example.org")
        add_user(session, "bob", "bob@example.org")
        assert told == []
    assert told == [2], "once, after the commit: the listener already sees both rows"


def test_a_transaction_that_raises_leaves_nothing_and_tells_nobody(database: Database) -> None:
    told: list[str] = []
    database.on_commit(lambda: told.append("commit"))
    with pytest.raises(LookupError), database.transaction() as session:
        add_user(session, "ada", "ada@example.org")
        raise LookupError("no such thing")
    assert (users(database), told) == (0, [])


def test_quiet_writes_and_reads_tell_nobody(database: Database) -> None:
    told: list[str] = []
    database.on_commit(lambda: told.append("commit"))
    with database.transaction(notify=False) as session:
        meta.put(session, "colour", "blue")
    assert database.read(meta.get, "colour") == "blue"
    assert database.write_quietly(meta.once, "colour", "red") == "blue", "kept: there was one"
    assert told == []
    database.write(meta.put, "colour", "green")
    assert told == ["commit"]
