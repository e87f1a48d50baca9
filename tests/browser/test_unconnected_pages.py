"""A page that never opens its websocket is forgotten soon (``nicegui_workarounds.forget_unconnected_pages``),
well before NiceGUI's own minute; a browser whose socket comes after that reloads and works."""

import asyncio
import re

import httpx
import pytest
from playwright.async_api import Browser, Request, Route, WebSocketRoute, expect

from nicegui_workarounds import UNCONNECTED_PAGE_AGE

from ..utils.server import Server
from ..utils.waiting import eventually
from .conftest import connected
from .test_live_dashboard import add_raw_users

pytestmark = pytest.mark.asyncio(loop_scope="session")  # the worker's Chromium lives there (conftest)

NICEGUI_PRUNES_AFTER = 60.0  # seconds: what NiceGUI alone would wait (Client.prune_instances)
WITHIN = (UNCONNECTED_PAGE_AGE + NICEGUI_PRUNES_AFTER) / 2  # fails if only NiceGUI's pruning ran


async def pages_held(server: Server) -> float:
    return await asyncio.to_thread(server.metric, "airdate_pages_held")


async def test_three_hundred_visitors_that_never_connect_are_forgotten(server: Server) -> None:
    gate = asyncio.Semaphore(8)
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:

        async def visit() -> int:
            async with gate:
                return (await client.get("/", headers={"Accept": "text/html"})).status_code

        statuses = await asyncio.gather(*(visit() for _ in range(300)))
        answer = (await client.get("/", headers={"Accept": "text/html"})).text
    assert statuses == [200] * 300
    assert "Dashboard" in answer and "Notifications pending" not in answer, "the frame alone"
    assert await pages_held(server) > 0, "the pages were held while they could still connect"
    await eventually(lambda: _zero(server), within=WITHIN)


async def _zero(server: Server) -> bool:
    return await pages_held(server) == 0


async def test_a_page_whose_socket_comes_late_reloads_and_is_live(server: Server, browser: Browser) -> None:
    blocked = True

    async def socket(ws: WebSocketRoute) -> None:
        if blocked:
            await ws.close()  # as if the network dropped it: socket.io tries again, and again
        else:
            ws.connect_to_server()

    async def polling(route: Route, request: Request) -> None:
        await (route.abort() if blocked else route.continue_())

    page = await browser.new_page()
    said: list[str] = []
    page.on("console", lambda message: said.append(message.text))
    await page.route_web_socket(re.compile(r".*/_nicegui_ws/.*"), socket)
    await page.route(re.compile(r".*/_nicegui_ws/.*"), polling)
    await page.goto(server.url)
    await expect(page.get_by_text("· Dashboard")).to_be_visible()  # the frame, drawn without a socket
    users = page.get_by_role("group", name="Users").locator(".text-3xl")
    await eventually(lambda: _zero(server), within=WITHIN)  # the server forgot it
    assert await users.count() == 0, "the content comes over the socket"
    assert not any("handshake failed" in line for line in said)

    blocked = False  # the socket connects at its next try: to a page the server no longer knows
    await eventually(lambda: any("handshake failed" in line for line in said), within=30)
    await connected(page)  # the page NiceGUI reloaded
    await expect(users).to_have_text("0")
    add_raw_users(server, 2)
    await expect(users).to_have_text("2")
