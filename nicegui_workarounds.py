"""What Airdate does to NiceGUI, Starlette and uvicorn that they offer no public way for — all of it,
in one place. ``tests/test_framework_contract.py`` checks each, so an upgrade that breaks one fails
loudly instead of silently slowing streams or opening a path.

1. **A router in front of NiceGUI's app** (:func:`put_in_front`). ``ui.run`` hands its own app to
   uvicorn (``ui.run_with`` would let us serve our own, but has no native window), and NiceGUI adds its
   middleware when it runs — in ``ui.run``, and the session and request tracking as the server starts —
   each outermost at that moment (Starlette's ``add_middleware``), so no middleware of ours can be
   outside them. Starlette builds what an app runs, once, by ``build_middleware_stack()`` on the first
   call; we wrap what it builds (whatever NiceGUI and FastAPI put in it) in :class:`api.front.Front`.
2. **The storage folder** (:func:`keep_browser_choices_in`). NiceGUI's documented
   ``NICEGUI_STORAGE_PATH`` is read once, when NiceGUI is imported — before Airdate's settings are read
   in a process forked from one that imported it already (the tests' servers). ``Storage.path`` is the
   class attribute NiceGUI reads each time it creates a browser's storage, so we set that.
3. **Streams end on SIGTERM** (:func:`close_streams_when_stopping`). uvicorn waits
   ``timeout_graceful_shutdown`` for open responses before it runs the app's shutdown, then cancels
   them with a traceback each; an event stream never ends by itself, so every stop took that long.
   uvicorn has no hook for "stopping"; our signal handler runs before uvicorn's (which it then calls).
4. **A page that never connects is forgotten within 10 s** (:func:`forget_unconnected_pages`). NiceGUI
   keeps every page it served (its elements, props, outbox: the dashboard's content was ~770 KiB) until its
   websocket connects, and prunes those that never did after 60 s (``Client.prune_instances``, on a
   timer of its own whose age it offers no setting for). 300 plain ``GET /`` (a crawler, a health check)
   held ~240 MiB for a minute and more. We prune the same way, with a shorter age; a page whose socket
   comes later is refused as an unknown page, and NiceGUI's page script then reloads it.
"""

import asyncio
import signal
import threading
from collections.abc import Callable
from pathlib import Path

from fastapi import FastAPI
from nicegui import app, helpers
from nicegui.client import Client
from nicegui.storage import Storage
from starlette.types import ASGIApp

from live import Hub


def put_in_front(app: FastAPI, front: Callable[[ASGIApp], ASGIApp]) -> None:
    """Make ``front(stack)`` what ``app`` runs for every connection, where ``stack`` is what Starlette
    builds for it (NiceGUI's middleware and routes). Calling it again replaces the earlier front."""
    build = getattr(app.build_middleware_stack, "builds", app.build_middleware_stack)

    def build_with_front() -> ASGIApp:
        return front(build())

    build_with_front.builds = build  # type: ignore[attr-defined]  # a second call never nests fronts
    app.build_middleware_stack = build_with_front  # type: ignore[method-assign]
    app.middleware_stack = None  # built again, with the front, on the next call


def keep_browser_choices_in(folder: Path) -> None:
    """NiceGUI keeps each browser's storage (``app.storage.user``) in ``folder`` from now on.

    (``app.storage.general``, opened when NiceGUI was imported, stays where it was: Airdate uses none.)"""
    Storage.path = folder


def close_streams_when_stopping(hub: Hub) -> None:
    """End every open SSE stream the moment the server is told to stop (SIGTERM, Ctrl+C): an
    ``app.on_startup`` handler, which runs after uvicorn installed its signal handlers."""
    if helpers.is_user_simulation() or threading.current_thread() is not threading.main_thread():
        return
    loop = asyncio.get_running_loop()
    for number in (signal.SIGINT, signal.SIGTERM):
        previous = signal.getsignal(number)
        if not callable(previous):
            continue

        def stopping(signum: int, frame: object, previous: Callable = previous) -> None:
            loop.call_soon_threadsafe(hub.close_all, "server stopping")
            previous(signum, frame)

        signal.signal(number, stopping)


UNCONNECTED_PAGE_AGE = 8.0  # seconds a page may wait for its websocket (checked every 2 s: gone by 10 s)


def forget_unconnected_pages(
    after: float = UNCONNECTED_PAGE_AGE, every: float = 2.0, then: Callable[[], None] | None = None
) -> None:
    """Forget pages whose websocket has not connected ``after`` seconds after they were built (checked
    every ``every`` seconds), then call ``then`` (to hand the memory back) if any were."""

    def prune() -> None:
        held = len(Client.instances)
        Client.prune_instances(client_age_threshold=after)
        if then is not None and len(Client.instances) < held:
            then()

    app.timer(every, prune)
