"""Who a credential is now: a session cookie's principal, signing out, a proxy's user, and which of the
credentials behind open pages and streams still hold (the stream guard asks).

A session cookie is 256 random bits, so the database keeps a plain SHA-256 of it and checking one costs
an indexed read. Part of :class:`services.access.Access`; everything here blocks (database).
"""

import logging
from collections.abc import Callable, Iterable

from data import Database, access
from data.clock import utcnow
from data.models import Role

from .principals import Credential, Principal, fingerprint
from .sign_in import LOCKOUT_WINDOW

log = logging.getLogger("airdate.audit")


class SessionsMixin:
    database: Database
    has_accounts: Callable[[], bool]  # services.accounts.AccountsMixin's

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

    def still_holding(self, principals: Iterable[Principal]) -> set[Principal]:
        """Which of these still hold now, no less than they were (an admin made viewer no longer holds
        as an admin)."""
        return {
            principal
            for principal, now in self.current_many(principals).items()
            if now is not None and (now.is_admin or not principal.is_admin)
        }

    def prune(self) -> None:
        """Drop expired sessions and sign-in tries too old to count."""
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
