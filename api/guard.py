"""The check every request passes: who is asking (cookie, token, trusted proxy), and may they.

It is a layer of the app's front door (:mod:`api.front`), in front of NiceGUI's middleware and of the
streams' own app alike, so no route escapes it. Unauthenticated browsers are sent to ``/login``;
programs get 401 with a JSON reason and ``WWW-Authenticate: Bearer``; the wrong role or scope gets 403.
It also answers what every response needs: security headers, cookie flags, a body size limit, and
refusing cross-site writes.

Pages also name the replica that built them in the ``airdate_replica`` cookie (unless the browser's
cookie names it already), so that a proxy in front of several replicas sends the page's websocket, and
the browser's next pages, to the process that holds the page's state (deploy/nginx.conf routes by it).
Every answer (streams too) names the replica that gave it in ``X-Airdate-Replica``, for whoever needs
to know which one served a request behind the proxy (an SSE client, an operator with curl, the tests).
"""

import json
from collections.abc import Awaitable, Callable
from urllib.parse import quote, urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from services.links import ICS
from services.principals import Credential, Principal

from .bodies import MAX_BODY, too_large
from .identities import SESSION_COOKIE, Identities, TrustedProxies
from .pages import asks_for_page
from .policy import AccessPolicy, Need

BROWSER_SENT = (Credential.ACCOUNT, Credential.LOCAL, Credential.PROXY)  # held to the cross-site rule
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'",  # NiceGUI's page bootstrap; Vue compiles templates
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",  # the page's websocket and fetches, to this origin only
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
)
HSTS = (b"strict-transport-security", b"max-age=31536000")  # only over HTTPS
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
REPLICA_COOKIE = "airdate_replica"
REPLICA_HEADER = "x-airdate-replica"


async def no_links(token: str) -> int | None:
    return None


class Guard:
    def __init__(
        self,
        app: ASGIApp,
        policy: AccessPolicy,
        identities: Identities,
        proxies: TrustedProxies,
        link_user: Callable[[str], Awaitable[int | None]] = no_links,
        *,
        replica: str = "",
    ) -> None:
        self.policy = policy
        self.replica = replica  # named in the sticky cookie of every page; empty: no cookie
        self.named = ((REPLICA_HEADER.encode(), replica.encode()),) if replica else ()  # on every answer
        self.link_user = link_user  # the user a signed link's token names; None: not valid
        self.identities = identities
        self.proxies = proxies
        self.app = app
        # X-Forwarded-For / -Proto, but only from the proxies we were told about (uvicorn's own, off)
        self.forwarded = ProxyHeadersMiddleware(self._checked, trusted_hosts=proxies.spec or [])

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        peer = (scope.get("client") or ("", 0))[0]
        scope = {**scope, "state": {**scope.get("state", {}), "peer": peer}}
        await self.forwarded(scope, receive, send)

    async def _checked(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = Headers(scope=scope)
        rule = self.policy.rule_for(scope["path"])
        principal, how = None, Credential.NONE
        if rule.identify:
            principal, how = await self.identities.resolve(scope, headers, tokens=rule.tokens)
        scope["state"]["principal"] = principal
        scope["state"]["credential"] = how
        if rule.need == Need.SIGNED:
            token = scope["path"].rstrip("/").rsplit("/", 1)[-1]
            # the calendar feed's address ends in .ics (services.links.calendar); a signed token never
            # does (its signature, after the last dot, is longer than "ics")
            token = token.removesuffix(ICS)
            scope["state"]["link_user"] = await self.link_user(token)
        if scope["type"] == "http":
            send = with_security_headers(send, https=scope.get("scheme") == "https", extra=self.named)
            if self.replica and cookie_parser(headers.get("cookie", "")).get(REPLICA_COOKIE) != self.replica:
                send = with_replica_cookie(send, self.replica)
        refusal = self._refusal(scope, headers, rule.need, principal, how)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        if scope["type"] == "http" and scope["method"] in WRITES:
            receive = await limited_body(scope, headers, receive, send)
            if receive is None:
                return
        await self.app(scope, receive, send)

    def _refusal(
        self, scope: Scope, headers: Headers, need: Need, principal: Principal | None, how: Credential
    ) -> ASGIApp | None:
        if need == Need.SIGNED:
            if scope["state"].get("link_user") is None:
                return problem(
                    403, "this link is not valid: it was changed, replaced by a newer one, or not made here"
                )
            return None
        if how == Credential.PROXY_UNKNOWN and need != Need.OPEN:
            return problem(403, "the authenticating proxy vouches for a user who has no Airdate account")
        if how == Credential.PROXY_AMBIGUOUS:
            return problem(400, "the authenticating proxy's user header came more than once")
        if need != Need.OPEN and principal is None:
            if asks_for_page(scope):
                # a session cookie that no longer holds (signed out elsewhere, expired, the account
                # removed): the sign-in page says the session ended, as an open page sent there does
                ended = "&ended=1" if cookie_parser(headers.get("cookie", "")).get(SESSION_COOKIE) else ""
                return redirect(f"/login?next={quote(_path_with_query(scope), safe='/')}{ended}")
            return problem(401, "sign in, or send an API token: Authorization: Bearer <token>", bearer=True)
        if need == Need.ADMIN and principal is not None and not principal.is_admin:
            return problem(403, f"{principal.describe()} may not do this: it needs an admin")
        if how == Credential.TOKEN and need != Need.OPEN and not self.policy.rule_for(scope["path"]).tokens:
            return problem(403, "API tokens are for the API; sign in to use the console")
        # every credential a browser sends by itself (its cookie, a proxy's sign-in, this machine)
        writes = scope["type"] == "http" and scope["method"] in WRITES and how in BROWSER_SENT
        if writes and not same_origin(headers, allow_missing=how == Credential.LOCAL):
            return problem(403, "cross-site request refused: it must come from the console's own pages")
        return None


def same_origin(headers: Headers, *, allow_missing: bool) -> bool:
    """A browser says where a request comes from (Origin, Sec-Fetch-Site); a write must come from here."""
    site = headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return False
    origin = headers.get("origin")
    if origin is None or origin == "null":
        return site is not None or allow_missing
    return urlsplit(origin).netloc == headers.get("host", "")


def _path_with_query(scope: Scope) -> str:
    query = scope.get("query_string", b"").decode("latin-1")
    return scope["path"] + (f"?{query}" if query else "")


def redirect(location: str) -> ASGIApp:
    async def respond(scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {"type": "http.response.start", "status": 303, "headers": [(b"location", location.encode())]}
        )
        await send({"type": "http.response.body", "body": b""})

    return respond


def problem(
    status: int, detail: str, *, bearer: bool = False, headers: dict[str, str] | None = None
) -> ASGIApp:
    """A JSON ``{"detail": ...}`` answer (the shape FastAPI gives every error)."""
    body = json.dumps({"detail": detail}).encode()
    extra = {**(headers or {}), **({"www-authenticate": "Bearer"} if bearer else {})}

    async def respond(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008, "reason": detail[:120]})
            return
        raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        raw += [(name.encode(), value.encode()) for name, value in extra.items()]
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": body})

    return respond


def with_security_headers(send: Send, *, https: bool, extra: tuple[tuple[bytes, bytes], ...] = ()) -> Send:
    """Every response: no sniffing, no framing, no referrer to other sites; cookies HttpOnly, Lax and,
    over HTTPS, Secure; plus the ``extra`` headers (the replica's name).

    Like :func:`with_replica_cookie`, a plain function that returns the next ``send``'s awaitable: the
    events of a long stream pass it without a coroutine of its own (one per event, per reader)."""

    def sending(message: Message) -> Awaitable[None]:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            for name, value in (*SECURITY_HEADERS, *((HSTS,) if https else ()), *extra):
                if name.decode() not in headers:
                    headers.raw.append((name, value))
            headers.raw[:] = [
                (name, _cookie_flags(value, https) if name == b"set-cookie" else value)
                for name, value in headers.raw
            ]
        return send(message)

    return sending


def with_replica_cookie(send: Send, replica: str) -> Send:
    """A page (an HTML answer) sets ``airdate_replica=<replica>``; other answers, streams above all, do
    not: a stream may come from any replica and must not move the browser's pages away from theirs."""

    def sending(message: Message) -> Awaitable[None]:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            if headers.get("content-type", "").startswith("text/html"):
                headers.append("set-cookie", f"{REPLICA_COOKIE}={replica}; Path=/")
        return send(message)

    return sending


def _cookie_flags(cookie: bytes, https: bool) -> bytes:
    lowered = cookie.lower()
    extra = b"".join(
        flag
        for flag, present in (
            (b"; HttpOnly", b"httponly" in lowered),
            (b"; SameSite=Lax", b"samesite" in lowered),
            (b"; Secure", b"secure" in lowered or not https),
        )
        if not present
    )
    return cookie + extra


async def limited_body(scope: Scope, headers: Headers, receive: Receive, send: Send) -> Receive | None:
    """``receive`` for a body of at most MAX_BODY bytes; None after answering 413 for a larger one."""
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) <= MAX_BODY:
        return receive  # the server stops at the declared length
    if declared.isdigit():
        await problem(413, too_large())(scope, receive, send)
        return None
    chunks, size, more = [], 0, True
    while more:  # no length given (chunked): read it, up to the limit, before the app does
        message = await receive()
        if message["type"] != "http.request":
            return receive
        chunks.append(message.get("body", b""))
        size += len(chunks[-1])
        more = message.get("more_body", False)
        if size > MAX_BODY:
            await problem(413, too_large())(scope, receive, send)
            return None
    replay: list[Message] = [{"type": "http.request", "body": b"".join(chunks), "more_body": False}]

    async def replayed() -> Message:
        return replay.pop() if replay else await receive()

    return replayed
