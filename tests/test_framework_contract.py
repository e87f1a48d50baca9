"""What ``nicegui_workarounds`` needs NiceGUI, Starlette and uvicorn to keep doing, checked on every run:
an upgrade that breaks a workaround fails here, loudly, instead of silently slowing the streams, opening
a path, or losing browsers' choices.

- The front door (``api.front``, put in front by ``put_in_front``): a stream passes none of NiceGUI's
  HTTP middleware and costs two tasks while idle; HEAD works on a page, an API route and the stream;
  the guard answers every path, the stream's included.
- Streams end on SIGTERM, within uvicorn's 1 s grace (``close_streams_when_stopping``).
- A browser's choices are kept in the folder given (``keep_browser_choices_in``).
"""

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager, AsyncExitStack, contextmanager
from pathlib import Path

import httpx
import pytest
from nicegui import core, storage
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from data import Database
from server import prepare_storage
from services.access import Access
from settings import Settings
from tests.utils.pages import open_dashboard

from .utils.console import Console, simulated
from .utils.server import Server
from .utils.sse import Message as Event
from .utils.sse import next_data, open_stream
from .utils.waiting import eventually

ELSEWHERE = "198.51.100.23"  # not this machine: no "anyone local" mode


@contextmanager
def niceguis_middleware_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter[str]]:
    """How often each of NiceGUI's HTTP middleware (``BaseHTTPMiddleware`` layers, the session) ran."""
    calls: Counter[str] = Counter()
    for kind in (BaseHTTPMiddleware, SessionMiddleware):
        original = kind.__call__

        async def counted(
            self: ASGIApp, scope: Scope, receive: Receive, send: Send, original: Callable = original
        ) -> None:
            calls[type(self).__name__] += 1
            await original(self, scope, receive, send)

        monkeypatch.setattr(kind, "__call__", counted)
    yield calls


async def stream_once(path: str = "/sse/stats") -> list[Message]:
    """GET ``path`` from the app in-process, leaving once the response has started; what it sent."""
    sent: list[Message] = []
    started = asyncio.Event()

    async def receive() -> Message:
        await started.wait()
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)
        started.set()

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"localhost"), (b"accept", b"text/event-stream")],
        "client": ("127.0.0.1", 50123),
        "server": ("localhost", 80),
        "state": {},
    }
    async with asyncio.timeout(10):
        await core.app(scope, receive, send)
    return sent


async def test_a_stream_passes_none_of_niceguis_http_middleware(
    console: Console, monkeypatch: pytest.MonkeyPatch
) -> None:
    await console.app.feed.refresh()
    with niceguis_middleware_calls(monkeypatch) as calls:
        sent = await stream_once()
        assert sent[0]["status"] == 200
        assert dict(sent[0]["headers"])[b"content-type"].startswith(b"text/event-stream")
        assert calls == Counter(), "a stream skips NiceGUI's middleware"
        response = await console.http_client().get("/api/stats")
        assert response.status_code == 200
        assert calls, "(the probe sees NiceGUI's middleware where it runs)"


def stream(server: Server) -> AbstractAsyncContextManager[tuple[httpx.Response, AsyncIterator[Event]]]:
    return open_stream(server.url)


async def test_an_idle_stream_costs_two_tasks_and_no_session(server: Server) -> None:
    """Streams skip NiceGUI's HTTP middleware (which cost six more tasks each, and a cookie)."""
    before = server.metric("airdate_event_loop_tasks")
    held = []  # a dropped reader would be collected, which closes its connection
    async with AsyncExitStack() as streams:
        for _ in range(20):
            response, events = await streams.enter_async_context(stream(server))
            await next_data(events)
            held.append(events)
            assert "set-cookie" not in response.headers
        assert server.metric("airdate_sse_subscribers") == 20
        await eventually(
            lambda: server.metric("airdate_event_loop_tasks") <= before + 2 * 20, what="tasks settle"
        )


@pytest.mark.parametrize(
    ("path", "content_type"),
    [("/", "text/html"), ("/api/stats", "application/json"), ("/sse/stats", "text/event-stream")],
)
async def test_head_answers_the_headers_of_a_page_an_api_route_and_the_stream(
    console: Console, path: str, content_type: str
) -> None:
    await console.app.feed.refresh()
    head = await console.http_client().head(path)
    assert head.status_code == 200
    assert head.headers["content-type"].startswith(content_type)
    assert head.content == b""


async def test_the_guard_answers_every_path_the_streams_too(database: Database, settings: Settings) -> None:
    access = Access(database)  # an account, so that signing in is needed; made before the app starts
    access.add_account("alice", "alice-password", "admin", by="test")
    token = access.mint_token("reader", "read", by="test")
    async with simulated(settings) as console:
        await guard_answers_every_path(console, token)


async def guard_answers_every_path(console: Console, token: str) -> None:
    anonymous = console.http_client(ELSEWHERE)
    for method in ("GET", "HEAD"):
        for path in ("/sse/stats", "/api/stats"):
            refused = await anonymous.request(method, path)
            assert refused.status_code == 401, (method, path)
            assert refused.headers["www-authenticate"] == "Bearer"
    page = await anonymous.get("/", headers={"accept": "text/html"})
    assert page.status_code == 303 and page.headers["location"].startswith("/login")
    await console.app.feed.refresh()
    reader = console.http_client(ELSEWHERE)
    for path in ("/sse/stats", "/api/stats", "/healthz"):
        answer = await reader.head(path, headers={"authorization": f"Bearer {token}"})
        assert answer.status_code == 200, path
        assert answer.headers["x-content-type-options"] == "nosniff", "the guard's headers on every answer"


async def test_stopping_the_server_ends_open_streams_instead_of_waiting_for_them(airdate_env: str) -> None:
    """Regression: uvicorn waited out its graceful-shutdown timeout for every open stream, then
    cancelled each with a traceback. Streams now end the moment SIGTERM arrives (timed in bench):
    within the grace uvicorn gives them (AIRDATE_SHUTDOWN_GRACE, 1 s), or it would say it exceeded it.
    The server is started as a user starts it (``python main.py``), not forked from the tests' zygote."""
    settings = {"stats_interval": "0.2", "sse_keepalive": "0.5"}
    server = Server(airdate_env, settings, fresh=True).start()
    async with AsyncExitStack() as streams:
        streams.callback(server.stop)  # (if the test fails before it stops by itself)
        readers = [await streams.enter_async_context(stream(server)) for _ in range(5)]
        for _, events in readers:
            await next_data(events)
        server.terminate()
        for _, events in readers:  # each stream ends cleanly: the iterator finishes, no error
            async with asyncio.timeout(10):
                assert [message async for message in events if message.data] == []
    await asyncio.to_thread(server.process.wait, 10)
    printed = server.stop()
    assert "timeout graceful shutdown exceeded" not in printed
    assert "Traceback" not in printed
    assert "airdate stopped" in printed  # shut down cleanly, not killed


async def test_a_browsers_choices_are_kept_in_the_storage_folder(console: Console, tmp_path: Path) -> None:
    folder = tmp_path / "choices"
    prepare_storage(str(folder))  # (put back after the test: tests/utils/console.fresh_nicegui)
    user = console.new_user()
    await open_dashboard(user)
    (theme,) = user.find(marker="theme").elements
    storage.request_contextvar.set(user.client.request)  # as NiceGUI does for an event from this browser
    with user.client:
        theme.set_value("dark")
    await eventually(lambda: any(folder.glob("storage-user-*.json")), what="the choice is written")
