"""Who may see and do what: :class:`Access`, the one face of accounts with roles, API tokens with scopes,
sign-in sessions and lockout.

Each concern lives in its own module and joins :class:`Access` as a mixin: accounts
(:mod:`services.accounts`), signing in and the lockout (:mod:`services.sign_in`), sessions and which
credentials still hold (:mod:`services.sessions`), tokens (:mod:`services.tokens`); passwords are hashed
by :mod:`services.passwords`. Session cookies and API tokens are 256-bit random values, so the database
keeps a plain SHA-256 of them: a leaked table reveals nothing usable, and checking one costs an indexed
read, not an argon2 verify.

Everything here blocks (argon2, database): call it from a worker thread, never on the event loop.
"""

from datetime import datetime, timedelta

from data import Database

from .accounts import AccountsMixin
from .passwords import Passwords
from .refusal_log import RefusalLog
from .sessions import SessionsMixin
from .sign_in import TURN, TURN_WAIT, SignInMixin
from .tokens import TokensMixin


class Access(AccountsMixin, SignInMixin, SessionsMixin, TokensMixin):
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
        self._passwords = Passwords()
        self._token_touched: dict[int, datetime] = {}
