"""The rows behind who may do what: accounts, API tokens, sign-in sessions and failed sign-ins.

Secrets never reach this module in clear: it stores and looks up the hashes that
:mod:`services.access` makes.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import case, delete, func, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, col, select

from .models import Account, ApiToken, LoginSession, Role, SignInAttempts

Row = TypeVar("Row", bound=SQLModel)


class AlreadyExists(ValueError):
    """An account or token with that name exists."""


def _insert_unique(session: Session, row: Row, what: str) -> Row:
    """Insert a row whose name is unique; AlreadyExists ("``what`` exists already") if it is taken."""
    session.add(row)
    try:
        session.flush()
    except IntegrityError:
        raise AlreadyExists(f"{what} exists already") from None
    return row


# Accounts


def count_accounts(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Account)).one()


def count_admins(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Account).where(Account.role == Role.ADMIN)).one()


def list_accounts(session: Session) -> list[Account]:
    return list(session.exec(select(Account).order_by(Account.username)).all())


def find_account(session: Session, username: str) -> Account | None:
    return session.exec(select(Account).where(Account.username == username)).first()


def add_account(session: Session, username: str, password_hash: str, role: Role) -> Account:
    account = Account(username=username, password_hash=password_hash, role=role)
    return _insert_unique(session, account, f"an account named {username!r}")


def update_account(session: Session, username: str, **values: object) -> bool:
    """Change an account's password hash, role or last login; False if there is no such account."""
    result = session.exec(update(Account).where(col(Account.username) == username).values(**values))
    return result.rowcount > 0


def remove_account(session: Session, username: str) -> bool:
    account = session.exec(select(Account).where(Account.username == username)).first()
    if account is None:
        return False
    session.exec(delete(LoginSession).where(col(LoginSession.account_id) == account.id))
    session.delete(account)
    return True


# Sign-in sessions


def add_session(
    session: Session, token_hash: str, account: Account, address: str, expires_at: datetime
) -> LoginSession:
    row = LoginSession(token_hash=token_hash, account_id=account.id, address=address, expires_at=expires_at)
    session.add(row)
    session.exec(update(Account).where(col(Account.id) == account.id).values(last_login_at=row.created_at))
    return row


def find_session(session: Session, token_hash: str, now: datetime) -> tuple[LoginSession, Account] | None:
    """The unexpired session with this token hash, and its account."""
    query = (
        select(LoginSession, Account)
        .join(Account, col(Account.id) == LoginSession.account_id)
        .where(LoginSession.token_hash == token_hash, LoginSession.expires_at > now)
    )
    found = session.exec(query).first()
    return (found[0], found[1]) if found else None


def end_session(session: Session, token_hash: str) -> None:
    session.exec(delete(LoginSession).where(col(LoginSession.token_hash) == token_hash))


def session_roles(session: Session, ids: Iterable[int], now: datetime) -> dict[int, str]:
    """The sessions among these that still hold (exist, not expired), each with its account's role now."""
    query = (
        select(LoginSession.id, Account.role)
        .join(Account, col(Account.id) == LoginSession.account_id)
        .where(col(LoginSession.id).in_(list(ids)), LoginSession.expires_at > now)
    )
    return dict(session.exec(query).all())


# API tokens


def list_tokens(session: Session) -> list[ApiToken]:
    return list(session.exec(select(ApiToken).order_by(ApiToken.name)).all())


def add_token(session: Session, name: str, scope: str, token_hash: str, created_by: str) -> ApiToken:
    token = ApiToken(name=name, scope=scope, token_hash=token_hash, created_by=created_by)
    return _insert_unique(session, token, f"a token named {name!r}")


def find_token(session: Session, token_hash: str) -> ApiToken | None:
    return session.exec(select(ApiToken).where(ApiToken.token_hash == token_hash)).first()


def revoke_token(session: Session, name: str) -> ApiToken | None:
    """Delete the token; what it was, or None if there is no token of that name."""
    token = session.exec(select(ApiToken).where(ApiToken.name == name)).first()
    if token is not None:
        session.delete(token)
    return token


def live_tokens(session: Session, ids: Iterable[int]) -> set[int]:
    """Which of these tokens have not been revoked."""
    return set(session.exec(select(ApiToken.id).where(col(ApiToken.id).in_(list(ids)))).all())


def touch_token(session: Session, token_id: int, now: datetime) -> None:
    session.exec(update(ApiToken).where(col(ApiToken.id) == token_id).values(last_used_at=now))


# Sign-in attempts


@dataclass(frozen=True)
class Attempts:
    username: str
    address: str  # "*": from every address together
    first_at: datetime
    count: int


def count_attempt(
    session: Session, username: str, address: str, now: datetime, window: timedelta
) -> Attempts:
    """Count one more attempt for (name, address) in one atomic statement, in a window that starts anew
    once it is ``window`` old; the count including this one."""
    table = SignInAttempts.__table__  # type: ignore[attr-defined]
    fresh = table.c.first_at < now - window
    connection = session.connection()
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


class TurnTaken(Exception):
    """Another process took the turn :func:`take_turn` was about to take: try again (a new unit of work)."""


def take_turn(
    session: Session, username: str, now: datetime, gap: timedelta, wait: timedelta
) -> datetime | None:
    """The moment this try for ``username`` may be checked: one every ``gap`` for the name; None (and
    nothing taken) when that would be more than ``wait`` away. A compare-and-set on the name's row, so
    two processes never take the same turn: TurnTaken when another took it meanwhile."""
    table = SignInAttempts.__table__  # type: ignore[attr-defined]
    row = (table.c.username == username) & (table.c.address == "*")
    connection = session.connection()
    taken = connection.execute(select(table.c.next_at).where(row)).scalar_one_or_none()
    turn = max(taken or now, now)
    if turn > now + wait:
        return None
    same = table.c.next_at.is_(None) if taken is None else table.c.next_at == taken
    if not connection.execute(update(table).where(row, same).values(next_at=turn + gap)).rowcount:
        raise TurnTaken(username)
    return turn


def forgive(session: Session, username: str, address: str) -> None:
    """After a successful sign-in, that address's tries for the name no longer count."""
    session.exec(
        delete(SignInAttempts).where(
            col(SignInAttempts.username) == username, col(SignInAttempts.address) == address
        )
    )


def attempts_since(session: Session, since: datetime, at_least: int) -> list[Attempts]:
    """Counts of the current windows with ``at_least`` tries (the locks an admin may look at)."""
    rows = session.exec(
        select(SignInAttempts)
        .where(SignInAttempts.first_at > since, SignInAttempts.count >= at_least)
        .order_by(col(SignInAttempts.username), col(SignInAttempts.address))
    ).all()
    return [Attempts(r.username, r.address, r.first_at, r.count) for r in rows]


def clear_attempts(session: Session, username: str, address: str | None = None) -> int:
    """Forget the tries for a name (from one address, or from all); how many counts were dropped."""
    query = delete(SignInAttempts).where(col(SignInAttempts.username) == username)
    if address is not None:
        query = query.where(col(SignInAttempts.address) == address)
    dropped = session.exec(query).rowcount
    return dropped


def prune(session: Session, now: datetime, attempts_before: datetime) -> None:
    """Drop expired sessions and attempt counts too old to count."""
    session.exec(delete(LoginSession).where(col(LoginSession.expires_at) <= now))
    session.exec(delete(SignInAttempts).where(col(SignInAttempts.first_at) < attempts_before))


def end_sessions_of(session: Session, username: str, keep: int | None = None) -> int:
    """End every session of the account but ``keep`` (the one making the change); how many ended."""
    account = session.exec(select(Account).where(Account.username == username)).first()
    if account is None:
        return 0
    query = delete(LoginSession).where(col(LoginSession.account_id) == account.id)
    if keep is not None:
        query = query.where(col(LoginSession.id) != keep)
    ended = session.exec(query).rowcount
    return ended
