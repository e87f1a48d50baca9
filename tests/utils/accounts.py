"""Accounts and tokens a test needs before its server starts, made in-process (the same service the
command line calls: ``python main.py accounts add`` itself is tested in tests/test_commands.py). A
forked CLI run cost about a second each; a few dozen tests made two or three."""

import os

from data import Database, schema
from services.access import Access


def _access(database_url: str | None) -> tuple[Access, Database]:
    database = Database(database_url or os.environ["AIRDATE_DATABASE_URL"])
    schema.upgrade(database)
    return Access(database), database


def add_account(name: str, password: str, role: str = "viewer", *, database_url: str | None = None) -> None:
    """An account (``password`` as typed on the command line's standard input: one line)."""
    access, database = _access(database_url)
    try:
        access.add_account(name, password.strip(), role, by="the test")
    finally:
        database.dispose()


def add_token(name: str, scope: str, *, database_url: str | None = None) -> str:
    access, database = _access(database_url)
    try:
        return access.mint_token(name, scope, by="the test")
    finally:
        database.dispose()
