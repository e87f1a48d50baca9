"""The rows behind who may do what: accounts, API tokens, sign-in sessions and failed sign-ins.

Secrets never reach this module in clear: it stores and looks up the hashes that
:mod:`services.access` makes.
"""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, func, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from .db import Database
from .models import Account, ApiToken, LoginFailure, LoginSession, Role


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


def live_sessions(database: Database, ids: Iterable[int], now: datetime) -> set[int]:
    """Which of these sessions still exist and have not expired."""
    with database.session() as session:
        query = select(LoginSession.id).where(
            col(LoginSession.id).in_(list(ids)), LoginSession.expires_at > now
        )
        return set(session.exec(query).all())


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


# Failed sign-ins


def record_failure(database: Database, username: str, address: str, at: datetime) -> None:
    with database.session() as session:
        session.add(LoginFailure(username=username, address=address, at=at))
        session.commit()


def failures_since(
    database: Database, username: str, address: str, since: datetime
) -> tuple[list[datetime], list[datetime]]:
    """Times of recent failures for this user name, and for this client address, oldest first."""
    with database.session() as session:
        recent = select(LoginFailure.at).where(LoginFailure.at > since).order_by(LoginFailure.at)
        by_name = list(session.exec(recent.where(LoginFailure.username == username)).all())
        by_address = list(session.exec(recent.where(LoginFailure.address == address)).all())
        return by_name, by_address


def forget_failures_of(database: Database, username: str) -> None:
    """After a successful sign-in that name's earlier failures no longer count."""
    with database.session() as session:
        session.exec(delete(LoginFailure).where(col(LoginFailure.username) == username))
        session.commit()


def prune(database: Database, now: datetime, failures_before: datetime) -> None:
    """Drop expired sessions and failures too old to count."""
    with database.session() as session:
        session.exec(delete(LoginSession).where(col(LoginSession.expires_at) <= now))
        session.exec(delete(LoginFailure).where(col(LoginFailure.at) < failures_before))
        session.commit()
