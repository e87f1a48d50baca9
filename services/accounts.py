"""Accounts with roles: listing, adding and removing them, their passwords and roles, the start's admin.

A change of password or role ends the account's other sessions. The last admin cannot be removed or
made a viewer. Part of :class:`services.access.Access`; everything here blocks (argon2, database).
"""

import logging
import re

from data import Database, access
from data.models import Account, Role

from .passwords import Passwords
from .principals import AccessError

log = logging.getLogger("airdate.audit")

NAME = re.compile(r"^[\w.@+-]{1,64}$")  # an account's or a token's name


class AccountsMixin:
    database: Database
    _passwords: Passwords

    def has_accounts(self) -> bool:
        return self.database.read(access.count_accounts) > 0

    def accounts(self) -> list[Account]:
        return self.database.read(access.list_accounts)

    def add_account(self, username: str, password: str, role: Role | str, *, by: str) -> Account:
        check_name(username, "user name")
        role = _role(role)
        try:
            account = self.database.write(access.add_account, username, self._passwords.hash(password), role)
        except access.AlreadyExists as error:
            raise AccessError(str(error)) from None
        log.info("%s added account %s (%s)", by, username, role)
        return account

    def set_password(self, username: str, password: str, *, by: str, keep_session: int | None = None) -> int:
        """A new password; every session of the account ends but ``keep_session`` (the one of whoever
        changes their own), so pages and streams opened with the old one close. How many ended."""
        password_hash = self._passwords.hash(password)
        with self.database.transaction() as session:
            if not access.update_account(session, username, password_hash=password_hash):
                raise AccessError(f"there is no account named {username!r}")
            ended = access.end_sessions_of(session, username, keep=keep_session)
        log.info("%s changed the password of %s (%d other session(s) ended)", by, username, ended)
        return ended

    def set_role(self, username: str, role: Role | str, *, by: str, keep_session: int | None = None) -> int:
        """A new role; every other session of the account ends (see :meth:`set_password`)."""
        role = _role(role)
        with self.database.transaction() as session:
            account = access.find_account(session, username)
            if account is None:
                raise AccessError(f"there is no account named {username!r}")
            if account.role == Role.ADMIN and role != Role.ADMIN and access.count_admins(session) == 1:
                raise AccessError(f"{username} is the last admin: make another account an admin first")
            access.update_account(session, username, role=role)
            ended = access.end_sessions_of(session, username, keep=keep_session)
        log.info("%s made %s %s (%d other session(s) ended)", by, username, role, ended)
        return ended

    def remove_account(self, username: str, *, by: str) -> None:
        with self.database.transaction() as session:
            account = access.find_account(session, username)
            if account is None:
                raise AccessError(f"there is no account named {username!r}")
            if account.role == Role.ADMIN and access.count_admins(session) == 1:
                raise AccessError(f"{username} is the last admin: add another admin first")
            access.remove_account(session, username)
        log.info("%s removed account %s", by, username)

    def ensure_admin(self, username: str, password: str) -> None:
        """Create this admin, or set its password and role (AIRDATE_ADMIN_USER / _PASSWORD at start)."""
        if self.database.read(access.find_account, username) is None:
            self.add_account(username, password, Role.ADMIN, by="AIRDATE_ADMIN_USER")
            return
        password_hash = self._passwords.hash(password)
        self.database.write(access.update_account, username, password_hash=password_hash, role=Role.ADMIN)
        log.info("AIRDATE_ADMIN_USER: %s is an admin with the configured password", username)


def check_name(name: str, what: str) -> None:
    if not NAME.match(name):
        raise AccessError(f"a {what} is 1 to 64 letters, digits or . _ @ + - (got {name!r})")


def _role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise AccessError(f"a role is admin or viewer (got {role!r})") from None
