"""Airdate built through its factory, under NiceGUI's user simulation: pages and routes in-process."""

import os
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field

import httpx
from nicegui import core, ui
from nicegui.functions.download import download
from nicegui.functions.navigate import Navigate
from nicegui.functions.notify import notify
from nicegui.storage import Storage
from nicegui.testing import User
from nicegui.testing.general import nicegui_reset_globals

from application import Airdate, Plugin, create_app
from server import serve
from settings import Settings


@dataclass
class Console:
    """One Airdate app and the simulated browsers that use it."""

    app: Airdate
    clients: list[httpx.AsyncClient] = field(default_factory=list)

    def new_user(self) -> User:
        return User(self.http_client())

    def http_client(self, address: str = "127.0.0.1") -> httpx.AsyncClient:
        """A program calling the app from ``address`` (loopback unless said otherwise)."""
        transport = httpx.ASGITransport(core.app, client=(address, 50123))
        client = httpx.AsyncClient(transport=transport, base_url="http://localhost")
        self.clients.append(client)
        return client


@asynccontextmanager
async def simulated(settings: Settings, plugins: Sequence[Plugin] = ()) -> AsyncIterator[Console]:
    """What NiceGUI's ``user`` fixture does with a main file, with our factory instead."""
    with fresh_nicegui():
        airdate = create_app(settings, plugins)
        serve(airdate)  # under simulation: installs the session middleware, then returns
        async with core.app.router.lifespan_context(core.app):
            console = Console(airdate)
            try:
                yield console
            finally:
                for client in console.clients:
                    await client.aclose()


@contextmanager
def fresh_nicegui() -> Iterator[None]:
    """NiceGUI's globals as a test found them, whatever the app built in between changed: the one
    place the tests set and restore them by hand.

    Why by hand: NiceGUI has one app per process, and its own ``user_simulation`` (which does this
    around a main file or a page function) cannot take a factory such as ``create_app``. So this does
    what it does — NiceGUI's reset of its globals, ``NICEGUI_USER_SIMULATION`` (``ui.run`` sets up and
    returns instead of starting a server), and putting back the ``ui`` functions a simulated ``User``
    replaces — plus what that reset misses:

    - the app's lifespan: FastAPI wraps it once per included router and the reset keeps the wrappers;
      with one app for every test they nested deeper each test until a RecursionError;
    - the storage folder (``Storage.path``), which ``server.prepare_storage`` sets for the process.
    """
    lifespan, storage_folder = core.app.router.lifespan_context, Storage.path
    with nicegui_reset_globals():
        os.environ["NICEGUI_USER_SIMULATION"] = "true"
        try:
            yield
        finally:
            core.app.router.lifespan_context = lifespan
            Storage.path = storage_folder
            os.environ.pop("NICEGUI_USER_SIMULATION", None)
            ui.navigate = Navigate()
            ui.notify = notify
            ui.download = download
