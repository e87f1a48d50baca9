"""A loaded page is not a permanent key (ui/page_sockets.py), against a real server, Chromium and a raw
socket.io client: another site's socket is refused, a socket cannot drive someone else's page, and a page
whose credentials ended (or lost the admin role) can do nothing more and is sent away within a second.

These also hold NiceGUI to what ui/page_sockets.py relies on: its socket.io handlers by name, rooms named
after the page, engineio's origin check — a NiceGUI release that changes them fails here."""

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator, Iterator
from urllib.parse import urlencode

import pytest
import pytest_asyncio
import socketio
from playwright.async_api import Browser, BrowserContext, Page, expect
from playwright.async_api import Error as PlaywrightError

from ..utils.accounts import add_account
from ..utils.server import Server, run_cli
from ..utils.waiting import eventually
from .conftest import connected
from .test_access_browser import PASSWORD, sign_in

pytestmark = pytest.mark.asyncio(loop_scope="session")  # the worker's Chromium lives there (conftest)

HOLD_CLICKS = """() => {  // the next click on the page is kept (as an attacker would have it), not sent
  const socket = window.socket, emit = socket.emit.bind(socket);
  window.held = [];
  socket.emit = (type, msg, ...rest) => {
    if (type === "event" && msg.args && window.holding) { window.held.push(msg); return socket; }
    return emit(type, msg, ...rest);
  };
  window.send = (msg) => emit("event", msg);
}"""


@pytest.fixture
def guarded(airdate_env: str) -> Iterator[Server]:
    for name in ("alice", "bob"):
        add_account(name, PASSWORD, "admin")
    server = Server(airdate_env, {"stats_interval": "0.2"}).start()
    yield server
    server.stop()


@pytest_asyncio.fixture(loop_scope="session")  # as the browser's (tests/browser/conftest.py)
async def signed_in(browser: Browser, guarded: Server) -> AsyncIterator[tuple[BrowserContext, Page]]:
    context = await browser.new_context()
    page = await context.new_page()
    await page.goto(f"{guarded.url}/accounts")
    await sign_in(page, "bob")
    await connected(page, "/accounts")
    await expect(page.get_by_role("table").first).to_contain_text("alice")
    yield context, page
    await context.close()


async def dashboard_in(context: BrowserContext, server: Server) -> Page:
    """The same browser's dashboard in another tab, its admin controls drawn."""
    dashboard = await context.new_page()
    await dashboard.goto(server.url)
    await expect(dashboard.get_by_role("button", name="Sync users")).to_be_visible()
    return dashboard


async def held_click(page: Page, new_account: str) -> dict:
    """Fill in "Add an account" and click its button, keeping the click's socket.io message unsent."""
    await page.evaluate(HOLD_CLICKS)
    await page.get_by_role("textbox", name="New user name").fill(new_account)
    await page.get_by_role("textbox", name="Password", exact=True).fill("a-new-password")
    await page.get_by_role("textbox", name="Password again").fill("a-new-password")
    await page.evaluate("() => { window.holding = true; }")
    await page.get_by_role("button", name="Add account").click()
    await eventually(lambda: page.evaluate("() => window.held.length === 1"), what="the click held")
    return await page.evaluate("() => window.held[0]")


def accounts() -> str:
    return run_cli("accounts", "list").stdout


async def connect(server: Server, query: dict[str, str], headers: dict[str, str]) -> socketio.AsyncClient:
    client = socketio.AsyncClient(reconnection=False)
    await client.connect(
        f"{server.url}?{urlencode(query)}",
        socketio_path="/_nicegui_ws/socket.io",
        transports=["websocket"],
        headers=headers,
        wait_timeout=5,
    )
    return client


async def test_a_socket_from_another_site_is_refused(guarded: Server) -> None:
    with pytest.raises(socketio.exceptions.ConnectionError):
        await connect(guarded, {}, {"Origin": "http://evil.example"})
    same_site = await connect(guarded, {}, {"Origin": guarded.url})
    await same_site.disconnect()


async def test_another_socket_cannot_drive_an_admins_page(
    guarded: Server, signed_in: tuple[BrowserContext, Page]
) -> None:
    _, page = signed_in
    click = await held_click(page, "intruder")
    client_id = click["client_id"]
    strange = await connect(guarded, {}, {})  # no cookie, no origin, no handshake of its own
    await strange.emit("event", click)
    joining = {"client_id": client_id, "tab_id": "tab", "document_id": "doc", "implicit_handshake": "true"}
    with pytest.raises(socketio.exceptions.ConnectionError):
        await connect(guarded, joining, {})  # nor may it join the page by naming it
    await page.evaluate("(msg) => window.send(msg)", click)  # the page's own socket: this one counts
    await eventually(lambda: "intruder" in accounts(), what="the page's own click")
    await strange.disconnect()
    await page.get_by_role("textbox", name="New user name").fill("second")
    assert "second" not in accounts()


async def test_a_page_whose_account_was_removed_can_do_nothing_more_and_goes_to_sign_in(
    guarded: Server, signed_in: tuple[BrowserContext, Page]
) -> None:
    _, page = signed_in
    click = await held_click(page, "latecomer")
    removed = await asyncio.to_thread(run_cli, "accounts", "remove", "bob")  # from another process
    assert removed.returncode == 0, removed.stderr
    with contextlib.suppress(PlaywrightError):  # unless the once-a-second sweep sent the page away first
        await page.evaluate("(msg) => window.send(msg)", click)  # bob's page, clicked after bob went
    await expect(page).to_have_url(re.compile(r"/login\?next=/accounts&ended=1$"), timeout=5000)
    await expect(page.get_by_role("alert")).to_contain_text("Your session ended")
    assert "latecomer" not in accounts()


async def test_signing_out_ends_the_other_tabs_pages_within_a_second(
    guarded: Server, signed_in: tuple[BrowserContext, Page]
) -> None:
    context, page = signed_in
    dashboard = await dashboard_in(context, guarded)
    await page.get_by_role("button", name="Menu").click()
    await page.get_by_role("button", name="Sign out").click()
    await expect(dashboard).to_have_url(re.compile(r"/login\?next=/&ended=1$"), timeout=5000)


async def test_an_admin_made_viewer_loses_the_admin_controls_live(
    guarded: Server, signed_in: tuple[BrowserContext, Page]
) -> None:
    context, page = signed_in
    dashboard = await dashboard_in(context, guarded)
    await page.get_by_role("button", name="Make viewer: bob").click()  # bob demotes himself
    await expect(page).to_have_url(f"{guarded.url}/")  # the Accounts page is an admin's: the dashboard
    await expect(dashboard.get_by_text("signed in as bob (viewer)")).to_be_visible(timeout=5000)
    await expect(dashboard.get_by_role("button", name="Sync users")).to_have_count(0)


async def test_a_password_changed_on_the_page_ends_the_accounts_other_sessions(
    guarded: Server, browser: Browser, signed_in: tuple[BrowserContext, Page]
) -> None:
    _, page = signed_in
    elsewhere = await (await browser.new_context()).new_page()
    await elsewhere.goto(guarded.url)
    await sign_in(elsewhere, "alice")
    await expect(elsewhere.get_by_role("button", name="Sync users")).to_be_visible()
    await page.get_by_role("button", name="Reset the password of alice").click()
    dialog = page.get_by_role("dialog")
    for field in ("New password", "New password again"):
        await dialog.get_by_role("textbox", name=field, exact=True).fill("a-brand-new-one")
    await dialog.get_by_role("button", name="Save").click()
    await expect(page.get_by_role("alert").filter(has_text="Changed the password of alice")).to_be_visible()
    await expect(elsewhere).to_have_url(re.compile(r"/login\?next=/&ended=1$"), timeout=5000)
    await expect(page.get_by_role("table").first).to_contain_text("alice")  # bob's own page stays
