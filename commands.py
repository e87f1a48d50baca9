"""``python main.py accounts …``, ``tokens …`` and ``db …``: manage who may use Airdate, and its schema.

They work on the configured database while the server runs: a new account can sign in at once, a
removed one is signed out, and a revoked token's open streams end within a second.
"""

import getpass
import sys
from typing import TextIO

from pydantic import BaseModel

from data import Database, DatabaseError, schema
from services.access import Access
from services.principals import AccessError
from startup import StartupError, open_database

BY = "the command line"


def run_command(
    database_url: str,
    session_hours: float,
    group: str,
    verb: str,
    arguments: BaseModel,
    *,
    stdin: TextIO = sys.stdin,
) -> int:
    """Run one subcommand; raises AccessError or StartupError (one line) when it cannot be done."""
    if group == "db":
        return run_database_command(database_url, verb, arguments)
    access = Access(open_database(database_url), session_hours=session_hours)
    name = getattr(arguments, "name", "")
    if (group, verb) == ("accounts", "add"):
        access.add_account(name, read_password(name, stdin), arguments.role, by=BY)
        print(f"airdate: added {name} ({arguments.role})")
    elif (group, verb) == ("accounts", "passwd"):
        ended = access.set_password(name, read_password(name, stdin), by=BY)
        print(f"airdate: changed the password of {name} ({_sessions(ended)} ended)")
    elif (group, verb) == ("accounts", "remove"):
        access.remove_account(name, by=BY)
        print(f"airdate: removed {name}")
    elif (group, verb) == ("accounts", "role"):
        ended = access.set_role(name, arguments.role, by=BY)
        print(f"airdate: {name} is now {arguments.role} ({_sessions(ended)} ended)")
    elif (group, verb) == ("accounts", "locks"):
        rows = [(a.username, a.address, str(a.count), _when(a.first_at)) for a in access.locks()]
        _table(("NAME", "FROM", "TRIES", "SINCE"), rows, empty="no sign-in is locked or slowed down")
    elif (group, verb) == ("accounts", "unlock"):
        dropped = access.unlock(name, arguments.address or None, by=BY)
        print(f"airdate: cleared {dropped} count(s) of sign-in tries for {name}")
    elif (group, verb) == ("accounts", "list"):
        rows = [(a.username, a.role, _when(a.created_at), _when(a.last_login_at)) for a in access.accounts()]
        _table(("NAME", "ROLE", "CREATED", "LAST SIGN-IN"), rows, empty="no accounts")
    elif (group, verb) == ("tokens", "add"):
        token = access.mint_token(name, arguments.scope, by=BY)
        print(token)
        print(f"airdate: token {name!r} ({arguments.scope}); it is not shown again", file=sys.stderr)
    elif (group, verb) == ("tokens", "revoke"):
        access.revoke_token(name, by=BY)
        print(f"airdate: revoked {name}")
    elif (group, verb) == ("tokens", "list"):
        rows = [
            (t.name, t.scope, _when(t.created_at), t.created_by, _when(t.last_used_at))
            for t in access.tokens()
        ]
        _table(("NAME", "SCOPE", "CREATED", "BY", "LAST USED"), rows, empty="no tokens")
    access.database.dispose()
    return 0


def read_password(name: str, stdin: TextIO) -> str:
    """Asked twice on a terminal; from a script, the first line of standard input."""
    if not stdin.isatty():
        password = stdin.readline().rstrip("\r\n")
        if not password:
            raise AccessError("no password on standard input")
        return password
    first = getpass.getpass(f"Password for {name}: ")
    if getpass.getpass("The same again: ") != first:
        raise AccessError("the two passwords differ; nothing was changed")
    return first


def _sessions(count: int) -> str:
    return f"{count} session{'s' * (count != 1)}"


def _when(moment: object) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "-"  # type: ignore[attr-defined]


def _table(headers: tuple[str, ...], rows: list[tuple[str, ...]], *, empty: str) -> None:
    if not rows:
        print(f"airdate: {empty}")
        return
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]
    for row in (headers, *rows):
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


def run_database_command(database_url: str, verb: str, arguments: BaseModel) -> int:
    """``db upgrade|current|downgrade REV|history``: what was done, in one line each."""
    try:
        database = Database(database_url)
        try:
            if verb == "upgrade":
                before, after = schema.upgrade(database)
                done = "already at" if before == after else f"migrated from {before or 'nothing'} to"
                print(f"airdate: {done} {after} ({database.describe()})")
            elif verb == "downgrade":
                before, after = schema.downgrade(database, arguments.revision)
                print(f"airdate: migrated from {before or 'nothing'} down to {after or 'base (no tables)'}")
            elif verb == "current":
                revision = schema.current(database)
                newest = schema.head()
                state = "up to date" if revision == newest else f"the newest is {newest}"
                print(f"{revision or 'none (empty, or made before migrations)'} ({state})")
            elif verb == "history":
                for revision, title in schema.history():
                    print(f"{revision}  {title}")
        finally:
            database.dispose()
    except DatabaseError as error:
        raise StartupError(str(error)) from None
    return 0
