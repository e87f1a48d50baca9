"""Signed links in every message: "manage your notifications" and one-click unsubscribe (RFC 8058).

A link names the user and carries a signature made with the server's secret (itsdangerous, HMAC-SHA1
over the payload with a purpose-specific salt), so nobody can make one for another user or change the
user in it; no account is needed to follow it. Links do not expire: an unsubscribe link in a year-old
e-mail must still work. Changing ``AIRDATE_STORAGE_SECRET`` makes every link sent so far invalid.
"""

from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeSerializer

MANAGE = "/manage/"
UNSUBSCRIBE = "/unsubscribe/"


@dataclass(frozen=True)
class Links:
    secret: str
    base_url: str  # where people reach Airdate, e.g. https://airdate.example.org

    def token(self, user_id: int) -> str:
        return self._signer().dumps(user_id)

    def user_of(self, token: str) -> int | None:
        """The user a link was made for; None for a link that was changed or not made here."""
        try:
            user_id = self._signer().loads(token)
        except BadSignature:
            return None
        return user_id if isinstance(user_id, int) and not isinstance(user_id, bool) else None

    def manage(self, user_id: int) -> str:
        return f"{self.base_url.rstrip('/')}{MANAGE}{self.token(user_id)}"

    def unsubscribe(self, user_id: int) -> str:
        return f"{self.base_url.rstrip('/')}{UNSUBSCRIBE}{self.token(user_id)}"

    def _signer(self) -> URLSafeSerializer:
        return URLSafeSerializer(self.secret, salt="airdate-notification-links")
