"""A loaded page is not a permanent key: NiceGUI's socket.io held to the console's access rules.

NiceGUI routes every socket.io message by the ``client_id`` it names, from any socket, from any origin
(``cors_allowed_origins='*'``), and never asks again who is behind a page once it was served. So:

- **Origin.** A socket from a page of another site is refused at its first request (engineio checks a
  browser's ``Origin`` against the same rule as the request guard: this site's own host, or the public
  URL's). A program without ``Origin`` may connect; it only reaches pages that are its own (below).
- **Ownership.** A socket may join a page (its handshake, explicit or implicit) only if it carries the
  same credentials the page was served to (the same sign-in session, proxy user or this-machine access;
  the request guard resolves the socket's own), and a message is accepted only from the socket that
  joined the page it names — never from another socket naming someone else's ``client_id``.
- **Every action, now.** Each UI event is checked at the moment it runs against the page's credentials
  as they are *now* (:meth:`services.access.Access.current`): a session signed out, expired or ended by a
  password change, an account removed, the open console after the first account was made — refused, and
  the page goes to ``/login``; a page whose account is now a viewer — refused, and reloaded as a
  viewer's (an admin-only page goes to the dashboard instead). A sweep once a second does the same for
  pages nobody is clicking on, so an open page learns within a second, like a revoked stream.
- A socket refused at its implicit handshake hears NiceGUI's own words for it, so its page reloads (a
  restarted server, another replica) and meets the request guard.

This module patches NiceGUI's socket.io handlers in place (they are plain functions registered on
``core.sio``): it is the one place that does so, and ``tests/browser/test_page_sockets.py`` fails
loudly when a NiceGUI release changes what it relies on.
"""

import logging
import weakref
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote, urlsplit

import socketio
from nicegui import background_tasks, core, ui
from nicegui.client import Client

from services.async_access import AsyncAccess
from services.principals import Credential, Principal

from .principal import principal_of

log = logging.getLogger("airdate.audit")
GUARDED = ("connect", "handshake", "event", "javascript_response", "ack", "log")
SESSION_ENDED = "ended"  # /login?ended=1: "your session ended"
_NICEGUI: dict[str, Callable[..., Any]] = {}  # NiceGUI's own handlers, as it registered them (taken once)


class PageSockets:
    def __init__(
        self,
        access: AsyncAccess,
        public_origin: str = "",
        *,
        admin_only: Callable[[str], bool] = lambda _: True,
    ) -> None:
        self.access = access
        self.admin_only = admin_only  # whether a page's path is for admins only
        self.public_netloc = urlsplit(public_origin).netloc
        self._nicegui = _NICEGUI
        self._waiting: weakref.WeakKeyDictionary[Client, list[tuple[str, Any]]] = weakref.WeakKeyDictionary()
        self._checking: weakref.WeakSet[Client] = weakref.WeakSet()  # a check for its events is under way
        self._closed: weakref.WeakSet[Client] = (
            weakref.WeakSet()
        )  # sent to /login or reloaded: no more events

    def install(self) -> None:
        """Take over NiceGUI's socket.io handlers. NiceGUI has one server per process; a later app in
        the same process (tests build several) takes them over from the earlier one."""
        sio = core.sio
        handlers = sio.handlers.setdefault("/", {})
        if not _NICEGUI:
            _NICEGUI.update({name: handlers[name] for name in GUARDED})
        for name, mine in (
            ("connect", self._connect),
            ("handshake", self._handshake),
            ("event", self._event),
            ("javascript_response", self._owned_only("javascript_response")),
            ("ack", self._owned_only("ack")),
            ("log", self._owned_only("log")),
        ):
            sio.on(name, mine)
        sio.eio.cors_allowed_origins = self._same_site

    # --- engineio: where a browser's socket comes from -------------------------------------------------

    def _same_site(self, origin: str | None, environ: dict) -> bool:
        """A page of this site (its Host, or the public URL), the same rule as the request guard's."""
        if origin is None:
            return True  # not a browser page: it can only reach pages of its own (see _owns)
        netloc = urlsplit(origin).netloc
        return netloc == environ.get("HTTP_HOST", "") or (
            bool(self.public_netloc) and netloc == self.public_netloc
        )

    # --- socket.io: which socket may speak for which page ---------------------------------------------

    async def _connect(self, sid: str, environ: dict, auth: Any = None) -> Any:
        query = environ.get("QUERY_STRING", "")
        if "implicit_handshake=true" in query:
            client_id = _query_value(query, "client_id")
            if not self._owns(sid, client_id):  # NiceGUI's words: its page reloads (and meets the guard)
                raise socketio.exceptions.ConnectionRefusedError("Implicit handshake failed")
        return await self._nicegui["connect"](sid, environ, auth)

    async def _handshake(self, sid: str, data: dict) -> bool:
        if not self._owns(sid, data.get("client_id")):
            return False
        return await self._nicegui["handshake"](sid, data)

    def _owns(self, sid: str, client_id: str | None) -> bool:
        """Whether the socket ``sid`` carries the credentials the page ``client_id`` was served to."""
        client = Client.instances.get(client_id or "")
        if client is None:
            return False  # NiceGUI's own handler refuses too
        page = principal_of(client)
        if page is None:
            return True  # a page served to nobody in particular (the sign-in form, a signed link's)
        scope = core.sio.get_environ(sid).get("asgi.scope", {})
        theirs = scope.get("state", {}).get("principal")
        if not same_credentials(page, theirs):
            log.warning("a socket without the page's credentials tried to join a page of %s", page.who)
            return False
        return True

    def _joined(self, sid: str, msg: Any) -> Client | None:
        """The page a message names, if this socket joined it (NiceGUI puts a socket in a room named after
        the page it joined)."""
        client = Client.instances.get(msg.get("client_id", "")) if isinstance(msg, dict) else None
        if client is None or client.id not in core.sio.rooms(sid):
            return None
        return client

    def _owned_only(self, name: str) -> Callable[[str, Any], Awaitable[None]]:
        async def handle(sid: str, msg: Any) -> None:
            if self._joined(sid, msg) is not None:
                self._nicegui[name](sid, msg)

        return handle

    async def _event(self, sid: str, msg: Any) -> None:
        client = self._joined(sid, msg)
        if client is None:
            return
        waiting = self._waiting.setdefault(client, [])
        waiting.append((sid, msg))
        if client in self._checking:
            return  # the round under way takes it next
        self._checking.add(client)
        try:
            while waiting:  # one check per round, begun after every event of the round came: a burst of
                batch = waiting[:]  # events (a page's first moments) costs one look-up, not one each
                waiting.clear()
                if not await self._allowed(client):
                    waiting.clear()
                    return
                for event in batch:  # in the order they came
                    self._nicegui["event"](*event)
        finally:
            self._checking.discard(client)

    # --- the page's credentials, now --------------------------------------------------------------------

    async def _allowed(self, client: Client) -> bool:
        if client in self._closed:
            return False
        page = principal_of(client)
        if page is None:
            return True
        now = await self.access.current(page)
        return self._settle(client, page, now)

    async def sweep(self) -> None:
        """Once a second: the pages whose credentials no longer hold (or lost their admin role) learn it
        now, clicked on or not. One look-up per kind of credential, whatever the number of pages."""
        pages = [
            (client, page)
            for client in list(Client.instances.values())
            if client.has_socket_connection and client not in self._closed and (page := principal_of(client))
        ]
        if not pages:
            return
        now = await self.access.current_many({page for _, page in pages})
        for client, page in pages:
            self._settle(client, page, now[page])

    def _settle(self, client: Client, page: Principal, now: Principal | None) -> bool:
        """Whether the page may act; if not, send it where it belongs (once)."""
        if now is not None and (now.is_admin or not page.is_admin):
            return True
        self._closed.add(client)
        if now is None:
            path = client.page.path if client.page else "/"
            log.info("a page of %s was closed: the credentials it was loaded with no longer hold", page.who)
            self._go(client, f"/login?next={quote(path, safe='/')}&{SESSION_ENDED}=1")
        else:
            path = client.page.path if client.page else "/"
            log.info("a page of %s was reloaded: the account is no longer an admin", page.who)
            self._go(client, "/" if self.admin_only(path) else None)  # an admin's page: the dashboard
        return False

    @staticmethod
    def _go(client: Client, target: str | None) -> None:
        def navigate() -> None:
            with client:
                if target is None:
                    ui.navigate.reload()
                else:
                    ui.navigate.to(target)

        if client.has_socket_connection:
            background_tasks.create_lazy(_soon(navigate), name=f"close-page-{client.id}")


async def _soon(action: Callable[[], None]) -> None:
    action()


def same_credentials(page: Principal, socket: Principal | None) -> bool:
    """The socket acts for whom the page was served to: the same session, proxy user or this machine."""
    if socket is None or socket.kind != page.kind:
        return False
    if page.kind == Credential.ACCOUNT:
        return socket.session_id == page.session_id
    return socket.name == page.name  # proxy: the same user; local: this machine


def _query_value(query: str, name: str) -> str | None:
    for part in query.split("&"):
        key, _, value = part.partition("=")
        if key == name:
            return value
    return None
