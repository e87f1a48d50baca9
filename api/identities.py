"""Who a request is from: an API token, a trusted proxy's user header, a session cookie, or — while no
account exists and the request comes straight from this machine — anyone local.

Each credential is looked up once a second at most (a small cache), so a burst of
SSE connections costs one database read per credential, not one each.
"""

import ipaddress
import time
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qs

from starlette.datastructures import Headers
from starlette.requests import cookie_parser
from starlette.types import Scope

from services.async_access import AsyncAccess
from services.principals import LOCAL, Credential, Principal, fingerprint

SESSION_COOKIE = "airdate_session"
CACHE_SECONDS = 1.0
CACHE_SIZE = 10_000
FORWARDING = ("forwarded", "x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-real-ip")
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


def is_loopback(address: str) -> bool:
    """127.0.0.0/8, ::1 (also as ::ffff:127.x) or ``localhost``."""
    if address == "localhost":
        return True
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    if isinstance(parsed, ipaddress.IPv6Address) and parsed.ipv4_mapped is not None:
        parsed = parsed.ipv4_mapped
    return parsed.is_loopback


def host_name(host: str) -> str:
    """A Host header's name without its port: ``localhost:8080`` → ``localhost``, ``[::1]`` → ``::1``."""
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def is_direct_and_local(peer: str, headers: Headers, allowed_hosts: frozenset[str]) -> bool:
    """A request from a program on this machine, for this machine: the peer is loopback, nothing
    forwarded it (any forwarding header means a proxy may be relaying the world), and it asks for a
    loopback host name (or the public URL's host), which a page elsewhere cannot (DNS rebinding)."""
    if not is_loopback(peer) or any(name in headers for name in FORWARDING):
        return False
    name = host_name(headers.get("host", "")).lower()
    return name in allowed_hosts or is_loopback(name) or name.endswith(".localhost")


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
        access: AsyncAccess,
        *,
        proxies: TrustedProxies,
        auth_header: str = "",
        auth_none: bool = False,
        public_host: str = "",
    ) -> None:
        self.access = access
        self.proxies = proxies
        self.auth_header = auth_header.lower()
        self.auth_none = auth_none
        self.local_hosts = LOOPBACK_NAMES | ({public_host.lower()} if public_host else set())
        self._cache: dict[str, tuple[float, Principal | None]] = {}

    async def resolve(
        self, scope: Scope, headers: Headers, *, tokens: bool
    ) -> tuple[Principal | None, Credential]:
        """The principal (None if nobody) and the credential that showed it (or why none did)."""
        authorization = headers.get("authorization")
        if authorization is not None:
            kind, _, value = authorization.partition(" ")
            token = value.strip() if kind.lower() == "bearer" else ""
            return await self._lookup("token", token, self.access.token), Credential.TOKEN
        if tokens and scope.get("method") == "GET" and b"access_token=" in scope.get("query_string", b""):
            values = parse_qs(scope["query_string"].decode("latin-1")).get("access_token", [""])
            return await self._lookup("token", values[0], self.access.token), Credential.TOKEN
        peer = scope["state"]["peer"]
        if self.auth_header and self.auth_header in headers and peer in self.proxies:
            if len(headers.getlist(self.auth_header)) > 1:  # which one would the proxy have meant?
                return None, Credential.PROXY_AMBIGUOUS
            user = headers[self.auth_header]
            principal = await self._lookup("proxy", user, self.access.proxy_user)
            return principal, Credential.PROXY if principal else Credential.PROXY_UNKNOWN
        cookie = cookie_parser(headers.get("cookie", "")).get(SESSION_COOKIE)
        if cookie:
            principal = await self._lookup("session", cookie, self.access.session)
            if principal is not None:
                return principal, Credential.ACCOUNT
        if await self._local(peer, headers):
            return LOCAL, Credential.LOCAL
        return None, Credential.NONE

    def forget(self) -> None:
        """Drop every cached answer (after a sign-out or a revocation in this process)."""
        self._cache.clear()

    async def _local(self, peer: str, headers: Headers) -> bool:
        if self.auth_none:
            return True
        if not is_direct_and_local(peer, headers, self.local_hosts):
            return False
        has_accounts = await self._lookup("accounts", "", self._any_account)
        return has_accounts is None

    async def _any_account(self, _: str) -> Principal | None:
        return LOCAL if await self.access.has_accounts() else None

    async def _lookup(
        self, kind: str, secret: str, find: Callable[[str], Awaitable[Principal | None]]
    ) -> Principal | None:
        if kind != "accounts" and not secret:
            return None
        key = f"{kind}:{fingerprint(secret)}"
        now = time.monotonic()
        cached = self._cache.get(key)
        if cached is not None and cached[0] > now:
            return cached[1]
        principal = await find(secret)
        if len(self._cache) >= CACHE_SIZE:
            self._cache.clear()
        self._cache[key] = (now + CACHE_SECONDS, principal)
        return principal
