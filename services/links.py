"""Signed links in every message: "manage your notifications", one-click unsubscribe (RFC 8058) and the
person's calendar feed (``/calendar/<token>.ics``, the same token: revoking links revokes it too).

A link names the user and carries a signature made with the server's secret (itsdangerous, HMAC-SHA1
over the payload with a purpose-specific salt), so nobody can make one for another user or change the
user in it; no account is needed to follow it. Links do not expire: an unsubscribe link in a year-old
e-mail must still work. They can be revoked per user: a link also carries the user's link key
(``users.link_key``), and an admin who raises it (:meth:`services.notifier.Notifier.rotate_links`)
makes every link sent to that user so far invalid; the next message carries the new key. Links made
before keys existed carry none and count as key 0. Changing ``AIRDATE_STORAGE_SECRET`` invalidates
every link of every user.
"""

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from itsdangerous import BadSignature, URLSafeSerializer

MANAGE = "/manage/"
UNSUBSCRIBE = "/unsubscribe/"
CALENDAR = "/calendar/"
ICS = ".ics"  # calendar apps (and people) expect a feed's address to end like a file


def _no_keys(_user_id: int) -> int | None:
    return 0


@dataclass(frozen=True)
class Links:
    secret: str = field(repr=False)
    base_url: str  # where people reach Airdate, e.g. https://airdate.example.org
    key_of: Callable[[int], int | None] = field(default=_no_keys)  # the user's link key now; None: no user

    def token(self, user_id: int, key: int = 0) -> str:
        return self._signer().dumps(user_id if key == 0 else [user_id, key])

    async def user_of(self, token: str) -> int | None:
        """The user a link was made for; None for a link that was changed, not made here, or revoked.
        Looks the user's key up (on a worker thread). A user who no longer exists is still named, so
        that the page can say so."""
        claim = self._claim(token)
        if claim is None:
            return None
        user_id, key = claim
        current = await asyncio.to_thread(self.key_of, user_id)
        return user_id if current is None or current == key else None

    def manage(self, user_id: int, key: int = 0) -> str:
        return f"{self.base_url.rstrip('/')}{MANAGE}{self.token(user_id, key)}"

    def unsubscribe(self, user_id: int, key: int = 0) -> str:
        return f"{self.base_url.rstrip('/')}{UNSUBSCRIBE}{self.token(user_id, key)}"

    def calendar(self, user_id: int, key: int = 0) -> str:
        return f"{self.base_url.rstrip('/')}{CALENDAR}{self.token(user_id, key)}{ICS}"

    def _claim(self, token: str) -> tuple[int, int] | None:
        try:
            payload = self._signer().loads(token)
        except BadSignature:
            return None
        if _whole(payload):
            return payload, 0
        if isinstance(payload, list) and len(payload) == 2 and all(_whole(part) for part in payload):
            return payload[0], payload[1]
        return None

    def _signer(self) -> URLSafeSerializer:
        return URLSafeSerializer(self.secret, salt="airdate-notification-links")


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
