"""Who may see and do what: accounts with roles, API tokens with scopes, sign-in sessions, lockout.

Passwords are hashed with argon2id (argon2-cffi's defaults: memory-hard, 64 MiB per hash). Session
cookies and API tokens are 256-bit random values, so the database keeps a plain SHA-256 of them: a
leaked table reveals nothing usable, and checking one costs an indexed read, not an argon2 verify.

Everything here blocks (argon2, database): call it from a worker thread, never on the event loop.
"""

import hashlib
import logging
import math
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from data import Database, access
from data.clock import utcnow
from data.models import Account, Role, Scope

log = logging.getLogger("airdate.audit")

LOCKOUT_ATTEMPTS = 5
LOCKOUT_WINDOW = timedelta(minutes=15)
TOKEN_PREFIX = "adt_"
NAME = re.compile(r"^[\w.@+-]{1,64}$")
MIN_PASSWORD = 8


@dataclass(frozen=True)
class Principal:
    """Whoever a request acts for: a signed-in account, a program's token, a proxy-vouched user, or
    anyone on this machine while no account exists (``local``)."""

    name: str
    role: Role
    kind: str  # account | token | proxy | local
    session_id: int | None = None
    token_id: int | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def describe(self) -> str:
        """For "signed in as …" and refusals: ``alice (admin)``, ``token grafana (read)``."""
        if self.kind == "local":
            return "anyone on this machine"
        if self.kind == "token":
            return f"token {self.name} ({'admin' if self.is_admin else 'read'})"
        return f"{self.name} ({self.role})"

    @property
    def who(self) -> str:
        """For audit lines and "started by": ``alice``, ``token grafana``, ``local``."""
        return f"token {self.name}" if self.kind == "token" else self.name


LOCAL = Principal("local", Role.ADMIN, "local")


class AccessError(ValueError):
    """A request about accounts or tokens that cannot be done; the message says why."""


class SignInRefused(Exception):
    """Wrong name or password (the same answer either way), or locked out for a while."""

    def __init__(self, message: str, *, locked: bool = False) -> None:
        super().__init__(message)
        self.locked = locked


def fingerprint(secret: str) -> str:
    """What the database keeps of a session cookie or an API token."""
    return hashlib.sha256(secret.encode()).hexdigest()


def mask_email(email: str) -> str:
    """``lena@example.org`` → ``l***@example.org``: enough to tell addresses apart, not to write to them."""
    local, at, domain = email.partition("@")
    return f"{local[:1]}***@{domain}" if at else "***"


class Access:
    def __init__(self, database: Database, *, session_hours: float = 12) -> None:
        self.database = database
        self.session_length = timedelta(hours=session_hours)
        self._hasher = PasswordHasher()
        self._dummy_hash = self._hasher.hash(secrets.token_hex(16))  # for names that do not exist
        self._token_touched: dict[int, datetime] = {}

    # Accounts

    def has_accounts(self) -> bool:
        return access.count_accounts(self.database) > 0

    def accounts(self) -> list[Account]:
        return access.list_accounts(self.database)

    def add_account(self, username: str, password: str, role: Role | str, *, by: str) -> Account:
        _check_name(username, "user name")
        role = _role(role)
        try:
            account = access.add_account(self.database, username, self._hash(password), role)
        except access.AlreadyExists as error:
            raise AccessError(str(error)) from None
        log.info("%s added account %s (%s)", by, username, role)
        return account

    def set_password(self, username: str, password: str, *, by: str) -> None:
        if not access.update_account(self.database, username, password_hash=self._hash(password)):
            raise AccessError(f"there is no account named {username!r}")
        log.info("%s changed the password of %s", by, username)

    def remove_account(self, username: str, *, by: str) -> None:
        account = access.find_account(self.database, username)
        if account is None:
            raise AccessError(f"there is no account named {username!r}")
        if account.role == Role.ADMIN and access.count_admins(self.database) == 1:
            raise AccessError(f"{username} is the last admin: add another admin first")
        access.remove_account(self.database, username)
        log.info("%s removed account %s", by, username)

    def ensure_admin(self, username: str, password: str) -> None:
        """Create this admin, or set its password and role (AIRDATE_ADMIN_USER / _PASSWORD at start)."""
        if access.find_account(self.database, username) is None:
            self.add_account(username, password, Role.ADMIN, by="AIRDATE_ADMIN_USER")
            return
        access.update_account(self.database, username, password_hash=self._hash(password), role=Role.ADMIN)
        log.info("AIRDATE_ADMIN_USER: %s is an admin with the configured password", username)

    # Signing in and out

    def sign_in(self, username: str, password: str, address: str) -> tuple[str, Principal]:
        """A new session cookie and who it is for; SignInRefused otherwise (logged with the address)."""
        now = utcnow()
        wait = self._lockout(username, address, now)
        if wait is not None:
            log.warning("sign-in for %r from %s refused: too many attempts", username, address)
            minutes = max(1, math.ceil(wait.total_seconds() / 60))
            raise SignInRefused(
                f"too many attempts, wait {minutes} minute{'s' * (minutes != 1)}", locked=True
            )
        account = access.find_account(self.database, username)
        if not self._verify(account.password_hash if account else None, password) or account is None:
            access.record_failure(self.database, username, address, now)
            log.warning("failed sign-in for %r from %s", username, address)
            raise SignInRefused("wrong user name or password")
        cookie = secrets.token_urlsafe(32)
        session = access.add_session(
            self.database, fingerprint(cookie), account, address, now + self.session_length
        )
        access.forget_failures_of(self.database, username)
        log.info("%s signed in from %s", username, address)
        return cookie, Principal(account.username, Role(account.role), "account", session_id=session.id)

    def session(self, cookie: str) -> Principal | None:
        found = access.find_session(self.database, fingerprint(cookie), utcnow())
        if found is None:
            return None
        session, account = found
        return Principal(account.username, Role(account.role), "account", session_id=session.id)

    def sign_out(self, cookie: str, principal: Principal, address: str) -> None:
        access.end_session(self.database, fingerprint(cookie))
        log.info("%s signed out from %s", principal.name, address)

    def proxy_user(self, username: str) -> Principal | None:
        """The account an authenticating proxy vouches for, if it exists."""
        account = access.find_account(self.database, username)
        return Principal(account.username, Role(account.role), "proxy") if account else None

    # Tokens

    def tokens(self) -> list:
        return access.list_tokens(self.database)

    def mint_token(self, name: str, scope: Scope | str, *, by: str) -> str:
        """A new token, returned this once; only its fingerprint is stored."""
        _check_name(name, "token name")
        scope = _scope(scope)
        value = TOKEN_PREFIX + secrets.token_urlsafe(32)
        try:
            access.add_token(self.database, name, scope, fingerprint(value), by)
        except access.AlreadyExists as error:
            raise AccessError(str(error)) from None
        log.info("%s created token %r (%s)", by, name, scope)
        return value

    def token(self, value: str) -> Principal | None:
        if not value.startswith(TOKEN_PREFIX):
            return None
        token = access.find_token(self.database, fingerprint(value))
        if token is None:
            return None
        now = utcnow()
        if now - self._token_touched.get(token.id, datetime.min.replace(tzinfo=now.tzinfo)) > timedelta(
            minutes=1
        ):
            self._token_touched[token.id] = now  # "last used", to the minute: no write per request
            access.touch_token(self.database, token.id, now)
        role = Role.ADMIN if token.scope == Scope.ADMIN else Role.VIEWER
        return Principal(token.name, role, "token", token_id=token.id)

    def revoke_token(self, name: str, *, by: str) -> None:
        if access.revoke_token(self.database, name) is None:
            raise AccessError(f"there is no token named {name!r}")
        log.info("%s revoked token %r", by, name)

    # For the stream guard: which credentials behind open streams still hold

    def still_valid(self, sessions: set[int], tokens: set[int]) -> tuple[set[int], set[int]]:
        live_sessions = access.live_sessions(self.database, sessions, utcnow()) if sessions else set()
        live_tokens = access.live_tokens(self.database, tokens) if tokens else set()
        return live_sessions, live_tokens

    def prune(self) -> None:
        now = utcnow()
        access.prune(self.database, now, failures_before=now - LOCKOUT_WINDOW)

    def _lockout(self, username: str, address: str, now: datetime) -> timedelta | None:
        """How long until another try is allowed, or None if it is allowed now."""
        by_name, by_address = access.failures_since(self.database, username, address, now - LOCKOUT_WINDOW)
        waits = [
            times[-LOCKOUT_ATTEMPTS] + LOCKOUT_WINDOW - now
            for times in (by_name, by_address)
            if len(times) >= LOCKOUT_ATTEMPTS
        ]
        return max(waits) if waits else None

    def _hash(self, password: str) -> str:
        if len(password) < MIN_PASSWORD:
            raise AccessError(f"a password needs at least {MIN_PASSWORD} characters")
        return self._hasher.hash(password)

    def _verify(self, stored: str | None, password: str) -> bool:
        """argon2 runs for unknown names too, so that their answer takes as long as a wrong password."""
        try:
            return self._hasher.verify(stored or self._dummy_hash, password) and stored is not None
        except (VerificationError, InvalidHashError):
            return False


def _check_name(name: str, what: str) -> None:
    if not NAME.match(name):
        raise AccessError(f"a {what} is 1 to 64 letters, digits or . _ @ + - (got {name!r})")


def _role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise AccessError(f"a role is admin or viewer (got {role!r})") from None


def _scope(scope: Scope | str) -> Scope:
    try:
        return Scope(scope)
    except ValueError:
        raise AccessError(f"a scope is read or admin (got {scope!r})") from None
