"""The console in a real Chromium: theme, layout breakpoints, reconnecting, hidden tabs."""

from pathlib import Path

import pytest
from playwright.async_api import Browser, Locator, Page, expect

from ..utils.server import Server
from .conftest import connected

pytestmark = pytest.mark.asyncio(loop_scope="session")  # the worker's Chromium lives there (conftest)


def users_tile(page: Page) -> Locator:
    return page.get_by_role("group", name="Users").locator(".text-3xl")


def add_users(server: Server, count: int, prefix: str) -> None:
    server.sql(
        *(
            f"INSERT INTO users (username, email, created_at) VALUES ('{prefix}{i}', 'x', '2026-01-01')"
            for i in range(count)
        )
    )


async def test_the_theme_is_remembered_per_browser(server: Server, browser: Browser) -> None:
    context = await browser.new_context(color_scheme="light")
    page = await context.new_page()
    await page.goto(server.url)
    await expect(page.locator("body.body--light")).to_have_count(1)
    await connected(page)
    await page.get_by_role("button", name="Menu").click()
    await page.get_by_role("combobox", name="Theme").click()
    await page.get_by_role("option", name="Dark").click()
    await expect(page.locator("body.body--dark")).to_have_count(1)
    await page.reload()
    await expect(page.locator("body.body--dark")).to_have_count(1)
    other = await (await browser.new_context(color_scheme="light")).new_page()  # another browser
    await other.goto(server.url)
    await expect(other.locator("body.body--light")).to_have_count(1)
    auto_dark = await (await browser.new_context(color_scheme="dark")).new_page()  # "Auto" follows the system
    await auto_dark.goto(server.url)
    await expect(auto_dark.locator("body.body--dark")).to_have_count(1)
    await context.close()


async def test_choices_survive_a_restart_in_the_storage_folder(
    airdate_env: str, tmp_path: Path, browser: Browser
) -> None:
    """Regression: in the container NiceGUI could not create ``.nicegui`` in the read-only app folder,
    so choices were never saved. They go to AIRDATE_STORAGE_PATH (the data volume there)."""
    state = tmp_path / "volume" / "nicegui"
    first = Server(airdate_env, {"storage_path": str(state)}).start()
    context = await browser.new_context(color_scheme="light")
    page = await context.new_page()
    await page.goto(first.url)
    await connected(page)
    await page.get_by_role("button", name="Menu").click()
    await page.get_by_role("combobox", name="Theme").click()
    await page.get_by_role("option", name="Dark").click()
    await page.get_by_role("combobox", name="Refresh interval").click()
    await page.get_by_role("option", name="30 s").click()
    await expect(page.get_by_role("combobox", name="Refresh interval")).to_have_value("30 s")
    await page.close()  # the browser (its cookie) stays; the tab would reload itself on reconnect
    first.stop()
    assert any(state.glob("storage-user-*.json")), "kept in the storage folder"
    assert not (tmp_path / ".nicegui").exists(), "not in the working folder"

    second = Server(airdate_env, {"storage_path": str(state)}, port=first.port).start()
    try:
        page = await context.new_page()
        await page.goto(second.url)
        await expect(page.locator("body.body--dark")).to_have_count(1)
        await expect(page.get_by_role("combobox", name="Refresh interval")).to_have_value("30 s")
    finally:
        second.stop()
        await context.close()


async def rows_of_cards(page: Page) -> list[int]:
    """How many stat cards sit on each visual row."""
    tops = [round((await card.bounding_box())["y"]) for card in await page.get_by_role("group").all()]
    rows: dict[int, int] = {}
    for top in tops:
        rows[top] = rows.get(top, 0) + 1
    return [rows[top] for top in sorted(rows)]


async def test_cards_reflow_from_six_to_two_to_one_per_row(server: Server, browser: Browser) -> None:
    for width, height, expected in ((1280, 800, [6]), (800, 900, [2, 2, 2]), (390, 844, [1] * 6)):
        page = await browser.new_page(viewport={"width": width, "height": height})
        await page.goto(server.url)
        await expect(users_tile(page)).to_have_text("0")
        assert await rows_of_cards(page) == expected, width
        assert await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), width
        await page.close()


async def test_a_banner_says_reconnecting_while_the_server_is_away(
    airdate_env: str, browser: Browser
) -> None:
    first = Server(airdate_env, {"stats_interval": "0.2"}).start()
    page = await browser.new_page()
    await page.goto(first.url)
    await expect(users_tile(page)).to_have_text("0")
    banner = page.locator("#popup")
    await expect(banner).to_be_hidden()
    first.stop()
    await expect(banner).to_be_visible(timeout=10_000)
    await expect(banner).to_contain_text("Connection lost")
    await expect(banner).to_have_attribute("role", "alert")
    add_users(first, 2, "while-away")
    second = Server(airdate_env, {"stats_interval": "0.2"}, port=first.port).start()
    try:
        await expect(banner).to_be_hidden(timeout=15_000)
        await expect(users_tile(page)).to_have_text("2", timeout=10_000)
    finally:
        second.stop()


async def test_a_hidden_tab_stops_updating_and_catches_up_when_shown(
    server: Server, browser: Browser
) -> None:
    page, other = await browser.new_page(), await browser.new_page()
    for viewer in (page, other):
        await viewer.goto(server.url)
        await expect(users_tile(viewer)).to_have_text("0")
        await connected(viewer)

    async def set_visibility(state: str) -> None:
        await page.evaluate(
            """state => {
                Object.defineProperty(document, "visibilityState", {value: state, configurable: true});
                document.dispatchEvent(new Event("visibilitychange"));
            }""",
            state,
        )

    await set_visibility("hidden")
    # a round trip on the same socket after it: once the menu has opened, the server has the "hidden"
    await page.get_by_role("button", name="Menu").click()
    await expect(page.get_by_role("combobox", name="Theme")).to_be_visible()
    add_users(server, 3, "hidden")
    await expect(users_tile(other)).to_have_text("3")  # the feed read the write and sent it out...
    await expect(users_tile(page)).to_have_text("0")  # ...to every viewer but the hidden one
    await set_visibility("visible")
    await expect(users_tile(page)).to_have_text("3")
