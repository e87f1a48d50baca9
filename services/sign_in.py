"""Signing in: counting tries before a password is checked (lockout and slow-down), the check itself,
and what is locked now.

A name tried too often from one address locks that pair (LOCKOUT_ATTEMPTS), an address trying too many
names locks the address (ADDRESS_ATTEMPTS), each for LOCKOUT_WINDOW; a name tried from everywhere
beyond FREE_TRIES is slowed down to one check every TURN, cluster-wide. Part of
:class:`services.access.Access`; everything here blocks (argon2, database).
"""

import logging
import math
import secrets
from datetime import datetime, timedelta

from data import Database, access
from data.clock import utcnow
from data.models import Role

from .accounts import NAME
from .passwords import MAX_PASSWORD, Passwords
from .principals import Admission, Credential, Principal, SignInRefused, fingerprint
from .refusal_log import RefusalLog, shown

log = logging.getLogger("airdate.audit")

LOCKOUT_ATTEMPTS = 5  # tries for one name from one address in LOCKOUT_WINDOW; then that pair waits
ADDRESS_ATTEMPTS = 20  # tries from one address for any names together; then that address waits
LOCKOUT_WINDOW = timedelta(minutes=15)
FREE_TRIES = 20  # tries for one name from everywhere together before they are slowed down
TURN = timedelta(seconds=2)  # beyond FREE_TRIES: one try for the name checked every TURN, cluster-wide
TURN_WAIT = timedelta(seconds=10)  # a try whose turn would be further away is refused at once
SLOWED = "many sign-ins for this name right now: try again in a few seconds"


class SignInMixin:
    database: Database
    session_length: timedelta
    turn: timedelta
    turn_wait: timedelta
    _passwords: Passwords
    _refused: RefusalLog

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
        if not self._passwords.verify(stored, password[:MAX_PASSWORD]) or account is None:
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


def _wait_words(wait: timedelta) -> str:
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    return f"too many attempts, wait {minutes} minute{'s' * (minutes != 1)}"
