"""The rows behind who may do what: accounts, API tokens, sign-in sessions and failed sign-ins.

Secrets never reach this module in clear: it stores and looks up the hashes that
:mod:`services.access` makes.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, func, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from .db import Database
from .models import Account, ApiToken, LoginSession, Role, SignInAttempts


class AlreadyExists(ValueError):
    """An account or token with that name exists."""


# Accounts


def count_accounts(database: Database) -> int:
    with database.session() as session:
        return session.exec(select(func.count()).select_from(Account)).one()


def count_admins(database: Database) -> int:
    with database.session() as session:
        return session.exec(select(func.count()).select_from(Account).where(Account.role == Role.ADMIN)).one()


def list_accounts(database: Database) -> list[Account]:
    with database.session() as session:
        return list(session.exec(select(Account).order_by(Account.username)).all())


def find_account(database: Database, username: str) -> Account | None:
    with database.session() as session:
        return session.exec(select(Account).where(Account.username == username)).first()


def add_account(database: Database, username: str, password_hash: str, role: Role) -> Account:
    with database.session() as session:
        account = Account(username=username, password_hash=password_hash, role=role)
        session.add(account)
        try:
            session.commit()
        except IntegrityError:
            raise AlreadyExists(f"an account named {username!r} exists already") from None
        return account


def update_account(database: Database, username: str, **values: object) -> bool:
    """Change an account's password hash, role or last login; False if there is no such account."""
    with database.session() as session:
        result = session.exec(update(Account).where(col(Account.username) == username).values(**values))
        session.commit()
        return result.rowcount > 0


def remove_account(database: Database, username: str) -> bool:
    with database.session() as session:
        account = session.exec(select(Account).where(Account.username == username)).first()
        if account is None:
            return False
        session.exec(delete(LoginSession).where(col(LoginSession.account_id) == account.id))
        session.delete(account)
        session.commit()
        return True


# Sign-in sessions


def add_session(
    database: Database, token_hash: str, account: Account, address: str, expires_at: datetime
) -> LoginSession:
    with database.session() as session:
        row = LoginSession(
            token_hash=token_hash, account_id=account.id, address=address, expires_at=expires_at
        )
        session.add(row)
        session.exec(
            update(Account).where(col(Account.id) == account.id).values(last_login_at=row.created_at)
        )
        session.commit()
        return row


def find_session(database: Database, token_hash: str, now: datetime) -> tuple[LoginSession, Account] | None:
    """The unexpired session with this token hash, and its account."""
    with database.session() as session:
        query = (
            select(LoginSession, Account)
            .join(Account, col(Account.id) == LoginSession.account_id)
            .where(LoginSession.token_hash == token_hash, LoginSession.expires_at > now)
        )
        found = session.exec(query).first()
        return (found[0], found[1]) if found else None


def end_session(database: Database, token_hash: str) -> None:
    with database.session() as session:
        session.exec(delete(LoginSession).where(col(LoginSession.token_hash) == token_hash))
        session.commit()


def session_roles(database: Database, ids: Iterable[int], now: datetime) -> dict[int, str]:
    """The sessions among these that still hold (exist, not expired), each with its account's role now."""
    with database.session() as session:
        query = (
            select(LoginSession.id, Account.role)
            .join(Account, col(Account.id) == LoginSession.account_id)
            .where(col(LoginSession.id).in_(list(ids)), LoginSession.expires_at > now)
        )
        return dict(session.exec(query).all())


# API tokens


def list_tokens(database: Database) -> list[ApiToken]:
    with database.session() as session:
        return list(session.exec(select(ApiToken).order_by(ApiToken.name)).all())


def add_token(database: Database, name: str, scope: str, token_hash: str, created_by: str) -> ApiToken:
    with database.session() as session:
        token = ApiToken(name=name, scope=scope, token_hash=token_hash, created_by=created_by)
        session.add(token)
        try:
            session.commit()
        except IntegrityError:
            raise AlreadyExists(f"a token named {name!r} exists already") from None
        return token


def find_token(database: Database, token_hash: str) -> ApiToken | None:
    with database.session() as session:
        return session.exec(select(ApiToken).where(ApiToken.token_hash == token_hash)).first()


def revoke_token(database: Database, name: str) -> ApiToken | None:
    """Delete the token; what it was, or None if there is no token of that name."""
    with database.session() as session:
        token = session.exec(select(ApiToken).where(ApiToken.name == name)).first()
        if token is not None:
            session.delete(token)
            session.commit()
        return token


def live_tokens(database: Database, ids: Iterable[int]) -> set[int]:
    """Which of these tokens have not been revoked."""
    with database.session() as session:
        return set(session.exec(select(ApiToken.id).where(col(ApiToken.id).in_(list(ids)))).all())


def touch_token(database: Database, token_id: int, now: datetime) -> None:
    with database.session() as session:
        session.exec(update(ApiToken).where(col(ApiToken.id) == token_id).values(last_used_at=now))
        session.commit()


# Sign-in attempts


@dataclass(frozen=True)
class Attempts:
    username: str
    address: str  # "*": from every address together
    first_at: datetime
    count: int


def count_attempt(
    database: Database, username: str, address: str, now: datetime, window: timedelta
) -> Attempts:
    """Count one more attempt for (name, address) in one atomic statement, in a window that starts anew
    once it is ``window`` old; the count including this one."""
    table = SignInAttempts.__table__  # type: ignore[attr-defined]
    fresh = table.c.first_at < now - window
    with database.engine.begin() as connection:
        dialect = {"sqlite": sqlite, "postgresql": postgresql}[connection.dialect.name]
        statement = dialect.insert(table).values(username=username, address=address, first_at=now, count=1)
        statement = statement.on_conflict_do_update(
            index_elements=["username", "address"],
            set_={
                "count": case((fresh, 1), else_=table.c.count + 1),
                "first_at": case((fresh, now), else_=table.c.first_at),
            },
        )
        row = connection.execute(statement.returning(table.c.first_at, table.c.count)).one()
    return Attempts(username, address, row.first_at, row.count)


def take_turn(
    database: Database, username: str, now: datetime, gap: timedelta, wait: timedelta
) -> datetime | None:
    """The moment this try for ``username`` may be checked: one every ``gap`` for the name; None (and
    nothing taken) when that would be more than ``wait`` away. A compare-and-set on the name's row, so
    two processes never take the same turn."""
    table = SignInAttempts.__table__  # type: ignore[attr-defined]
    row = (table.c.username == username) & (table.c.address == "*")
    for _ in range(20):
        with database.engine.begin() as connection:
            taken = connection.execute(select(table.c.next_at).where(row)).scalar_one_or_none()
            turn = max(taken or now, now)
            if turn > now + wait:
                return None
            same = table.c.next_at.is_(None) if taken is None else table.c.next_at == taken
            if connection.execute(update(table).where(row, same).values(next_at=turn + gap)).rowcount:
                return turn
    return None  # taken by others twenty times in a row: plenty of tries right now


def forgive(database: Database, username: str, address: str) -> None:
    """After a successful sign-in, that address's tries for the name no longer count."""
    with database.session() as session:
        session.exec(
            delete(SignInAttempts).where(
                col(SignInAttempts.username) == username, col(SignInAttempts.address) == address
            )
        )
        session.commit()


def attempts_since(database: Database, since: datetime, at_least: int) -> list[Attempts]:
    """Counts of the current windows with ``at_least`` tries (the locks an admin may look at)."""
    with database.session() as session:
        rows = session.exec(
            select(SignInAttempts)
            .where(SignInAttempts.first_at > since, SignInAttempts.count >= at_least)
            .order_by(col(SignInAttempts.username), col(SignInAttempts.address))
        ).all()
        return [Attempts(r.username, r.address, r.first_at, r.count) for r in rows]


def clear_attempts(database: Database, username: str, address: str | None = None) -> int:
    """Forget the tries for a name (from one address, or from all); how many counts were dropped."""
    with database.session() as session:
        query = delete(SignInAttempts).where(col(SignInAttempts.username) == username)
        if address is not None:
            query = query.where(col(SignInAttempts.address) == address)
        dropped = session.exec(query).rowcount
        session.commit()
        return dropped


def prune(database: Database, now: datetime, attempts_before: datetime) -> None:
    """Drop expired sessions and attempt counts too old to count."""
    with database.session() as session:
        session.exec(delete(LoginSession).where(col(LoginSession.expires_at) <= now))
        session.exec(delete(SignInAttempts).where(col(SignInAttempts.first_at) < attempts_before))
        session.commit()


def end_sessions_of(database: Database, username: str, keep: int | None = None) -> int:
    """End every session of the account but ``keep`` (the one making the change); how many ended."""
    with database.session() as session:
        account = session.exec(select(Account).where(Account.username == username)).first()
        if account is None:
            return 0
        query = delete(LoginSession).where(col(LoginSession.account_id) == account.id)
        if keep is not None:
            query = query.where(col(LoginSession.id) != keep)
        ended = session.exec(query).rowcount
        session.commit()
        return ended
