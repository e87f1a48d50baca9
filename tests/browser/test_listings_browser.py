"""The Users / Episodes listings in a real Chromium: the pager, sorting, search, local times and the
admin's preview of a user's next e-mail."""

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import Browser, expect

from data import Database
from standins.smtp import start_sink

from ..utils.factories import land_episode, make_tracked_show, make_users
from ..utils.server import Server
from .conftest import connected
from .test_live_dashboard import en_us

pytestmark = pytest.mark.asyncio(loop_scope="session")  # the worker's Chromium lives there (conftest)


async def test_the_pager_pages_and_a_header_click_sorts(database: Database, browser: Browser) -> None:
    """Regression: the tables showed their first 25 rows and no pager at all in a browser."""
    make_tracked_show(database, tmdb_id=5, requesters=1)
    for number in range(1, 205):
        land_episode(database, 5, 1 + (number - 1) // 20, number)
    server = Server(str(database.url)).start()
    try:
        page = await browser.new_page()
        await page.goto(f"{server.url}/episodes")
        rows = page.locator(".q-table tbody tr")
        await expect(rows).to_have_count(25)
        bottom = page.locator(".q-table__bottom")
        await expect(bottom).to_contain_text("1-25 of 204")
        await connected(page)
        await page.get_by_role("button", name="Next page").click()
        await expect(bottom).to_contain_text("26-50 of 204")
        await expect(rows.first.locator("td").first).to_have_text("179")  # newest first: 204 … 180, then 179

        await page.get_by_role("columnheader", name="Number").click()  # sort by episode number, ascending
        await expect(bottom).to_contain_text("1-25 of 204")
        numbers = rows.locator("td:nth-child(4)")
        await expect(numbers.first).to_have_text("1")
        await expect(numbers.nth(24)).to_have_text("25")
    finally:
        server.stop()


async def test_times_are_local_and_wildcards_are_plain_text(database: Database, browser: Browser) -> None:
    make_users(database, 3)
    with database.engine.begin() as connection:
        connection.exec_driver_sql(
            "UPDATE users SET created_at = '2026-11-28 10:00:00', username = 'odd_one' WHERE id = 2"
        )
    server = Server(str(database.url)).start()
    try:
        context = await browser.new_context(timezone_id="Asia/Tokyo", locale="en-US")
        page = await context.new_page()
        await page.goto(f"{server.url}/users")
        tokyo = datetime(2026, 11, 28, 10, tzinfo=UTC).astimezone(ZoneInfo("Asia/Tokyo"))
        await expect(page.get_by_role("cell", name=en_us(tokyo))).to_be_visible()
        rows = page.locator(".q-table tbody tr")
        search = page.get_by_role("textbox", name="Search name or e-mail")
        await search.fill("_")
        await expect(rows).to_have_count(1)  # only the name with an underscore, not every row
        await expect(rows.first).to_contain_text("odd_one")
        await search.fill("%")
        await expect(page.locator(".q-table__bottom")).to_contain_text("No data available")
    finally:
        server.stop()


async def test_a_mistyped_address_shows_the_console_and_a_way_back(server: Server, browser: Browser) -> None:
    page = await browser.new_page()
    response = await page.goto(f"{server.url}/episodez")
    assert response.status == 404
    await expect(page.get_by_text("There is no page here.")).to_be_visible()
    await expect(page.get_by_role("button", name="Menu")).to_be_visible()
    await page.get_by_role("link", name="Back to the dashboard").click()
    await expect(page.get_by_role("group", name="Users")).to_be_visible()


async def test_an_admin_previews_a_users_next_email_and_nothing_is_sent(
    database: Database, browser: Browser
) -> None:
    make_tracked_show(database, tmdb_id=7, requesters=2)
    land_episode(database, 7, 1, 1)
    land_episode(database, 7, 1, 2)
    sink, controller = start_sink()
    settings = {"smtp_host": "127.0.0.1", "smtp_port": str(controller.port), "smtp_tls": "none"}
    server = Server(str(database.url), {**settings, "send_interval": "3600"}).start()
    try:
        page = await browser.new_page()
        await page.goto(f"{server.url}/users")
        await connected(page)
        await page.get_by_role("button", name="Next e-mail to fan7_0").click()
        dialog = page.get_by_role("dialog")
        await expect(dialog).to_contain_text("Next e-mail to fan7_0")
        await expect(dialog).to_contain_text("Subject: 2 new episodes: Show 7")
        html = dialog.frame_locator("iframe")
        await expect(html.get_by_role("heading", name="Show 7")).to_be_visible()
        await expect(html.get_by_text(re.compile(r"^S01E0[12]$"))).to_have_count(2)  # an episode each
        await dialog.get_by_role("tab", name="Text").click()
        await expect(dialog).to_contain_text("Hi fan7_0,")
        await dialog.get_by_role("button", name="Close").click()
        await expect(dialog).to_be_hidden()
        assert sink.received == [], "a preview sends nothing"
    finally:
        server.stop()
        controller.stop()
