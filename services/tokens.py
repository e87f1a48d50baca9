"""API tokens with scopes: minting one (shown once, stored as a fingerprint), checking, listing and
revoking them.

A token is ``adt_`` and 256 random bits, so the database keeps a plain SHA-256 of it and checking one
costs an indexed read. Part of :class:`services.access.Access`; everything here blocks (database).
"""

import logging
import secrets
from datetime import datetime, timedelta

from data import Database, access
from data.clock import utcnow
from data.models import Role, Scope

from .accounts import check_name
from .principals import AccessError, Credential, Principal, fingerprint

log = logging.getLogger("airdate.audit")

TOKEN_PREFIX = "adt_"


class TokensMixin:
    database: Database
    _token_touched: dict[int, datetime]

    def tokens(self) -> list:
        return self.database.read(access.list_tokens)

    def mint_token(self, name: str, scope: Scope | str, *, by: str) -> str:
        """A new token, returned this once; only its fingerprint is stored."""
        check_name(name, "token name")
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


def _scope(scope: Scope | str) -> Scope:
    try:
        return Scope(scope)
    except ValueError:
        raise AccessError(f"a scope is read or admin (got {scope!r})") from None
