"""Who a request acts for (a principal), how it showed it (a credential), and the errors of access.

Plain values: nothing here touches the database, so the guard, the pages and the services share them.
"""

import hashlib
from dataclasses import dataclass
from enum import StrEnum

from data.models import Role


class Credential(StrEnum):
    """How a request showed who it is (a principal's kind), or, for the last three, that it did not."""

    ACCOUNT = "account"  # a signed-in session's cookie
    TOKEN = "token"  # an API token (Authorization: Bearer, or access_token for EventSource)
    PROXY = "proxy"  # a trusted proxy's user header, naming an account
    LOCAL = "local"  # a program on this machine while no account exists (or AIRDATE_AUTH=none)
    NONE = "none"
    PROXY_UNKNOWN = "proxy-unknown"  # the proxy named someone without an account
    PROXY_AMBIGUOUS = "proxy-ambiguous"  # the proxy's header came more than once


@dataclass(frozen=True)
class Principal:
    """Whoever a request acts for: a signed-in account, a program's token, a proxy-vouched user, or
    anyone on this machine while no account exists (``local``)."""

    name: str
    role: Role
    kind: Credential  # ACCOUNT, TOKEN, PROXY or LOCAL
    session_id: int | None = None
    token_id: int | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    def describe(self) -> str:
        """For "signed in as …" and refusals: ``alice (admin)``, ``token grafana (read)``."""
        if self.kind == Credential.LOCAL:
            return "anyone on this machine"
        if self.kind == Credential.TOKEN:
            return f"token {self.name} ({'admin' if self.is_admin else 'read'})"
        return f"{self.name} ({self.role})"

    @property
    def who(self) -> str:
        """For audit lines and "started by": ``alice``, ``token grafana``, ``local``."""
        return f"token {self.name}" if self.kind == Credential.TOKEN else self.name


LOCAL = Principal("local", Role.ADMIN, Credential.LOCAL)


class AccessError(ValueError):
    """A request about accounts or tokens that cannot be done; the message says why."""


class SignInRefused(Exception):
    """Wrong name or password (the same answer either way), or locked out for a while."""

    def __init__(self, message: str, *, locked: bool = False) -> None:
        super().__init__(message)
        self.locked = locked


@dataclass(frozen=True)
class Admission:
    """A sign-in try that may be checked, once ``wait`` seconds have passed (0: at once)."""

    wait: float


def fingerprint(secret: str) -> str:
    """What the database keeps of a session cookie or an API token."""
    return hashlib.sha256(secret.encode()).hexdigest()
