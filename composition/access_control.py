"""Who may use the app: accounts and sessions, the admin from the environment, the refusal to listen
beyond this machine without an account, and how a request's person is known (trusted proxies, an
authenticating proxy's header)."""

import logging
from urllib.parse import urlsplit

from api.guard import TrustedProxies
from api.identities import Identities
from data import Database
from services.access import Access
from services.async_access import AsyncAccess
from services.principals import AccessError
from settings import Settings
from startup import StartupError

log = logging.getLogger("airdate")
LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")


def open_access(settings: Settings, database: Database) -> Access:
    """Accounts and sessions; the admin from the environment; the refusal to be exposed without them."""
    auth, host = settings.auth, settings.server.host
    access = Access(database, session_hours=auth.session_hours)
    if auth.admin_user:  # with its password: Settings checks that both or neither are set
        try:
            access.ensure_admin(auth.admin_user, auth.admin_password.get_secret_value())
        except AccessError as error:
            raise StartupError(f"AIRDATE_ADMIN_USER / AIRDATE_ADMIN_PASSWORD: {error}") from None
    if auth.mode == "none":
        log.warning("AIRDATE_AUTH=none: nobody signs in; anyone who can reach %s can do anything", host)
    elif host not in LOOPBACK_HOSTS and not access.has_accounts():
        raise StartupError(
            f"refusing to listen on {host} without an account: add one with "
            "`python main.py accounts add NAME --role admin` (or AIRDATE_ADMIN_USER and "
            "AIRDATE_ADMIN_PASSWORD), or set AIRDATE_AUTH=none to accept the risk"
        )
    return access


def build_identities(settings: Settings, access: AsyncAccess) -> Identities:
    try:
        proxies = TrustedProxies(settings.auth.trusted_proxies)
    except ValueError as error:
        raise StartupError(str(error)) from None
    return Identities(  # AIRDATE_AUTH_HEADER comes with proxies (Settings checks it)
        access,
        proxies=proxies,
        auth_header=settings.auth.auth_header,
        auth_none=settings.auth.mode == "none",
        public_host=urlsplit(settings.server.public_url).hostname or "",
    )
