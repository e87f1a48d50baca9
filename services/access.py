"""Who may see and do what: accounts with roles, API tokens with scopes, sign-in sessions, lockout.

Passwords are hashed with argon2id (argon2-cffi's default profile, RFC 9106's low-memory one: memory-hard,
64 MiB per hash). Session
cookies and API tokens are 256-bit random values, so the database keeps a plain SHA-256 of them: a
leaked table reveals nothing usable, and checking one costs an indexed read, not an argon2 verify.

Everything here blocks (argon2, database): call it from a worker thread, never on the event loop.
"""

import logging
import math
import re
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import cached_property

from argon2 import Parameters, PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

from data import Database, access
from data.clock import utcnow
from data.models import Account, Role, Scope

from .principals import AccessError, Admission, Credential, Principal, SignInRefused, fingerprint
from .refusal_log import RefusalLog, shown

log = logging.getLogger("airdate.audit")

LOCKOUT_ATTEMPTS = 5  # tries for one name from one address in LOCKOUT_WINDOW; then that pair waits
ADDRESS_ATTEMPTS = 20  # tries from one address for any names together; then that address waits
LOCKOUT_WINDOW = timedelta(minutes=15)
FREE_TRIES = 20  # tries for one name from everywhere together before they are slowed down
TURN = timedelta(seconds=2)  # beyond FREE_TRIES: one try for the name checked every TURN, cluster-wide
TURN_WAIT = timedelta(seconds=10)  # a try whose turn would be further away is refused at once
SLOWED = "many sign-ins for this name right now: try again in a few seconds"
TOKEN_PREFIX = "adt_"
NAME = re.compile(r"^[\w.@+-]{1,64}$")
MIN_PASSWORD = 8
MAX_PASSWORD = 1024  # longer ones are refused before argon2 spends time on them
HASHING: Parameters = profiles.RFC_9106_LOW_MEMORY  # the tests use argon2's CHEAPEST (tests/conftest.py)


class Access:
    def __init__(
        self,
        database: Database,
        *,
        session_hours: float = 12,
        turn: timedelta = TURN,
        turn_wait: timedelta = TURN_WAIT,
    ) -> None:
        self.database = database
        self.session_length = timedelta(hours=session_hours)
        self.turn, self.turn_wait = turn, turn_wait  # the pace of a name tried from everywhere
        self._refused = RefusalLog()
        self._hasher = PasswordHasher.from_parameters(HASHING)
        self._token_touched: dict[int, datetime] = {}

    # Accounts

    def has_accounts(self) -> bool:
        return self.database.read(access.count_accounts) > 0

    def accounts(self) -> list[Account]:
        return self.database.read(access.list_accounts)

    def add_account(self, username: str, password: str, role: Role | str, *, by: str) -> Account:
        _check_name(username, "user name")
        role = _role(role)
        try:
            account = self.database.write(access.add_account, username, self._hash(password), role)
        except access.AlreadyExists as error:
            raise AccessError(str(error)) from None
        log.info("%s added account %s (%s)", by, username, role)
        return account

    def set_password(self, username: str, password: str, *, by: str, keep_session: int | None = None) -> int:
        """A new password; every session of the account ends but ``keep_session`` (the one of whoever
        changes their own), so pages and streams opened with the old one close. How many ended."""
        password_hash = self._hash(password)
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
        password_hash = self._hash(password)
        self.database.write(access.update_account, username, password_hash=password_hash, role=Role.ADMIN)
        log.info("AIRDATE_ADMIN_USER: %s is an admin with the configured password", username)

    # Signing in and out

    def admit(self, username: str, address: str) -> Admission:
        """Count a try for ``username`` from ``address`` before its password is looked at; SignInRefused
        (locked) when that pair had its tries (or the address, for all names together), or when the name
        is tried so much from everywhere that its next turn is too far away. Each count is one atomic
        statement, so tries made at the same moment cannot pass a limit together.

        The lock is per name *and* address, so guessing from elsewhere never locks the real owner out;
        a name tried from many addresses is slowed down to one check every TURN instead."""
        if not NAME.match(username) or len(address) > 64:  # no account has such a name: nothing to count
            self._refused.note(username, address, "no such name")
            raise SignInRefused("wrong user name or password")
        now = utcnow()
        # each count only for the tries the one before let through: 40 at once from one address for one
        # name then give exactly 5 checks (counted side by side, the address's 20 could refuse some of them)
        for name, source, limit in ((username, address, LOCKOUT_ATTEMPTS), ("*", address, ADDRESS_ATTEMPTS)):
            count = self.database.write_quietly(access.count_attempt, name, source, now, LOCKOUT_WINDOW)
            if count.count > limit:
                self._refused.note(username, address, "locked")
                raise SignInRefused(_wait_words(count.first_at + LOCKOUT_WINDOW - now), locked=True)
        # only the tries that would be checked count towards the name's slow-down
        every = self.database.write_quietly(access.count_attempt, username, "*", now, LOCKOUT_WINDOW)
        if every.count <= FREE_TRIES:
            return Admission(0.0)
        turn = self._take_turn(username, now)
        if turn is None:
            self._refused.note(username, address, "slowed down")
            raise SignInRefused(
                "many sign-ins for this name right now: try again in a few seconds", locked=True
            )
        return Admission(max(0.0, (turn - now).total_seconds()))

    def _take_turn(self, username: str, now: datetime) -> datetime | None:
        """The name's next turn (see :func:`data.access.take_turn`), one unit of work per try."""
        for _ in range(20):
            try:
                return self.database.write_quietly(access.take_turn, username, now, self.turn, self.turn_wait)
            except access.TurnTaken:
                continue
        return None  # taken by others twenty times in a row: plenty of tries right now

    def sign_in(self, username: str, password: str, address: str) -> tuple[str, Principal]:
        """A new session cookie and who it is for; SignInRefused otherwise (logged with the address).
        Call :meth:`admit` first (and wait as it says): this checks the password."""
        account = self.database.read(access.find_account, username) if len(password) <= MAX_PASSWORD else None
        stored = account.password_hash if account else None
        if not self._verify(stored, password[:MAX_PASSWORD]) or account is None:
            self._refused.note(username, address, "wrong name or password")
            raise SignInRefused("wrong user name or password")
        now = utcnow()
        cookie = secrets.token_urlsafe(32)
        with self.database.transaction() as session:
            signed_in = access.add_session(
                session, fingerprint(cookie), account, address, now + self.session_length
            )
            access.forgive(session, username, address)  # the address's count for all names stays
        log.info("%s signed in from %s", account.username, address)
        return cookie, Principal(
            account.username, Role(account.role), Credential.ACCOUNT, session_id=signed_in.id
        )

    def locks(self) -> list[access.Attempts]:
        """What is locked out or slowed down now: a name from an address, an address (name ``*``) or a
        name from everywhere (address ``*``)."""
        since = utcnow() - LOCKOUT_WINDOW

        def limit(found: access.Attempts) -> int:
            return (
                ADDRESS_ATTEMPTS
                if found.username == "*"
                else FREE_TRIES
                if found.address == "*"
                else LOCKOUT_ATTEMPTS
            )

        return [
            a
            for a in self.database.read(access.attempts_since, since, LOCKOUT_ATTEMPTS)
            if a.count >= limit(a)
        ]

    def unlock(self, username: str, address: str | None = None, *, by: str) -> int:
        """Forget the tries for a name (from one address, or all of them); how many counts went."""
        dropped = self.database.write(access.clear_attempts, username, address)
        log.info(
            "%s cleared the sign-in lock of %s%s", by, shown(username), f" from {address}" if address else ""
        )
        return dropped

    def flush_log(self) -> None:
        """Write the summary of refused sign-ins not logged one by one (an app timer calls this)."""
        self._refused.flush()

    def session(self, cookie: str) -> Principal | None:
        found = self.database.read(access.find_session, fingerprint(cookie), utcnow())
        if found is None:
            return None
        session, account = found
        return Principal(account.username, Role(account.role), Credential.ACCOUNT, session_id=session.id)

    def sign_out(self, cookie: str, principal: Principal, address: str) -> None:
        self.database.write(access.end_session, fingerprint(cookie))
        log.info("%s signed out from %s", principal.name, address)

    def proxy_user(self, username: str) -> Principal | None:
        """The account an authenticating proxy vouches for, if it exists."""
        account = self.database.read(access.find_account, username)
        return Principal(account.username, Role(account.role), Credential.PROXY) if account else None

    # Tokens

    def tokens(self) -> list:
        return self.database.read(access.list_tokens)

    def mint_token(self, name: str, scope: Scope | str, *, by: str) -> str:
        """A new token, returned this once; only its fingerprint is stored."""
        _check_name(name, "token name")
        scope = _scope(scope)
        value = TOKEN_PREFIX + secrets.token_urlsafe(32)
        try:
            self.database.write(access.add_token, name, scope, fingerprint(value), by)
        except access.AlreadyExists as error:
            raise AccessError(str(error)) from None
        log.info("%s created token %r (%s)", by, name, scope)
        return value

    def token(self, value: str) -> Principal | None:
        if not value.startswith(TOKEN_PREFIX):
            return None
        token = self.database.read(access.find_token, fingerprint(value))
        if token is None:
            return None
        now = utcnow()
        if now - self._token_touched.get(token.id, datetime.min.replace(tzinfo=now.tzinfo)) > timedelta(
            minutes=1
        ):
            self._token_touched[token.id] = now  # "last used", to the minute: no write per request
            self.database.write(access.touch_token, token.id, now)
        role = Role.ADMIN if token.scope == Scope.ADMIN else Role.VIEWER
        return Principal(token.name, role, Credential.TOKEN, token_id=token.id)

    def revoke_token(self, name: str, *, by: str) -> None:
        if self.database.write(access.revoke_token, name) is None:
            raise AccessError(f"there is no token named {name!r}")
        log.info("%s revoked token %r", by, name)

    # For the stream guard: which credentials behind open streams still hold

    def still_holding(self, principals: Iterable[Principal]) -> set[Principal]:
        """Which of these still hold now, no less than they were (an admin made viewer no longer holds
        as an admin)."""
        return {
            principal
            for principal, now in self.current_many(principals).items()
            if now is not None and (now.is_admin or not principal.is_admin)
        }

    def prune(self) -> None:
        now = utcnow()
        self.database.write(access.prune, now, attempts_before=now - LOCKOUT_WINDOW)

    def current(self, principal: Principal) -> Principal | None:
        """Who ``principal`` is *now* (see :meth:`current_many`)."""
        return self.current_many({principal})[principal]

    def current_many(self, principals: Iterable[Principal]) -> dict[Principal, Principal | None]:
        """Who each of these is *now*: its session, token or account as the database has them (the role
        may have changed), or None when it no longer holds (signed out, expired, removed, revoked; the
        open console once an account exists). One query per kind of credential, however many."""
        principals = set(principals)
        now = utcnow()
        sessions = {p.session_id for p in principals if p.session_id is not None}
        tokens = {p.token_id for p in principals if p.token_id is not None}
        proxied = {p.name for p in principals if p.kind == Credential.PROXY}
        with self.database.reading() as session:
            session_roles = access.session_roles(session, sessions, now) if sessions else {}
            live_tokens = access.live_tokens(session, tokens) if tokens else set()
            accounts = access.list_accounts(session) if proxied else []
        proxy_roles = {a.username: a.role for a in accounts if a.username in proxied}
        open_console = any(p.kind == Credential.LOCAL for p in principals) and not self.has_accounts()

        def found(principal: Principal) -> Principal | None:
            if principal.kind == Credential.LOCAL:
                return principal if open_console else None
            if principal.kind == Credential.PROXY:
                role = proxy_roles.get(principal.name)
                return Principal(principal.name, Role(role), Credential.PROXY) if role else None
            if principal.token_id is not None:
                return principal if principal.token_id in live_tokens else None
            role = session_roles.get(principal.session_id) if principal.session_id is not None else None
            if role is None:
                return None
            return Principal(principal.name, Role(role), Credential.ACCOUNT, session_id=principal.session_id)

        return {principal: found(principal) for principal in principals}

    @cached_property
    def _dummy_hash(self) -> str:
        """What a name that does not exist is checked against; made on the first such sign-in, not at
        start (an argon2 hash is 64 MiB and a tenth of a second of CPU)."""
        return self._hasher.hash(secrets.token_hex(16))

    def _hash(self, password: str) -> str:
        if len(password) < MIN_PASSWORD:
            raise AccessError(f"a password needs at least {MIN_PASSWORD} characters")
        if len(password) > MAX_PASSWORD:
            raise AccessError(f"a password has at most {MAX_PASSWORD} characters")
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


def _wait_words(wait: timedelta) -> str:
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    return f"too many attempts, wait {minutes} minute{'s' * (minutes != 1)}"
