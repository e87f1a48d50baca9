"""Who a request is from: an API token, a trusted proxy's user header, a session cookie, or — while no
account exists and the request comes straight from this machine — anyone local.

Each credential is looked up once a second at most (a small cache, in a worker thread), so a burst of
SSE connections costs one database read per credential, not one each.
"""

import asyncio
import ipaddress
import time
from collections.abc import Callable
from urllib.parse import parse_qs

from starlette.datastructures import Headers
from starlette.requests import cookie_parser
from starlette.types import Scope

from services.access import LOCAL, Access, Principal, fingerprint

SESSION_COOKIE = "airdate_session"
CACHE_SECONDS = 1.0
CACHE_SIZE = 10_000
LOOPBACK = ("127.", "::1", "localhost")


class TrustedProxies:
    """Addresses (or networks) of reverse proxies whose forwarding headers we believe."""

    def __init__(self, spec: str) -> None:
        self.spec = ",".join(part.strip() for part in spec.split(",") if part.strip())
        try:
            self.networks = [
                ipaddress.ip_network(part, strict=False) for part in self.spec.split(",") if part
            ]
        except ValueError as error:
            raise ValueError(f"AIRDATE_TRUSTED_PROXIES: {error}") from None

    def __contains__(self, host: str | None) -> bool:
        try:
            address = ipaddress.ip_address(host or "")
        except ValueError:
            return False
        return any(address in network for network in self.networks)


class Identities:
    def __init__(
        self,
        access: Access,
        *,
        proxies: TrustedProxies,
        auth_header: str = "",
        auth_none: bool = False,
    ) -> None:
        self.access = access
        self.proxies = proxies
        self.auth_header = auth_header.lower()
        self.auth_none = auth_none
        self._cache: dict[str, tuple[float, Principal | None]] = {}

    async def resolve(self, scope: Scope, headers: Headers, *, tokens: bool) -> tuple[Principal | None, str]:
        """The principal (None if nobody) and how they were recognised: bearer, cookie, proxy, local."""
        authorization = headers.get("authorization")
        if authorization is not None:
            kind, _, value = authorization.partition(" ")
            token = value.strip() if kind.lower() == "bearer" else ""
            return await self._lookup("token", token, self.access.token), "bearer"
        if tokens and scope.get("method") == "GET" and b"access_token=" in scope.get("query_string", b""):
            values = parse_qs(scope["query_string"].decode("latin-1")).get("access_token", [""])
            return await self._lookup("token", values[0], self.access.token), "bearer"
        peer = scope["state"]["peer"]
        if self.auth_header and self.auth_header in headers and peer in self.proxies:
            user = headers[self.auth_header]
            principal = await self._lookup("proxy", user, self.access.proxy_user)
            return principal, "proxy" if principal else "proxy-unknown"
        cookie = cookie_parser(headers.get("cookie", "")).get(SESSION_COOKIE)
        if cookie:
            principal = await self._lookup("session", cookie, self.access.session)
            if principal is not None:
                return principal, "cookie"
        if await self._local(peer, headers):
            return LOCAL, "local"
        return None, "none"

    def forget(self) -> None:
        """Drop every cached answer (after a sign-out or a revocation in this process)."""
        self._cache.clear()

    async def _local(self, peer: str, headers: Headers) -> bool:
        if self.auth_none:
            return True
        direct = peer.startswith(LOOPBACK) and "x-forwarded-for" not in headers and "forwarded" not in headers
        if not direct:  # a proxy on this machine may be forwarding the world: that needs an account
            return False
        has_accounts = await self._lookup(
            "accounts", "", lambda _: LOCAL if self.access.has_accounts() else None
        )
        return has_accounts is None

    async def _lookup(
        self, kind: str, secret: str, find: Callable[[str], Principal | None]
    ) -> Principal | None:
        if kind != "accounts" and not secret:
            return None
        key = f"{kind}:{fingerprint(secret)}"
        now = time.monotonic()
        cached = self._cache.get(key)
        if cached is not None and cached[0] > now:
            return cached[1]
        principal = await asyncio.to_thread(find, secret)
        if len(self._cache) >= CACHE_SIZE:
            self._cache.clear()
        self._cache[key] = (now + CACHE_SECONDS, principal)
        return principal
