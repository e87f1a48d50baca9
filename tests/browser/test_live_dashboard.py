"""What an admin sees in a real Chromium: live tiles, local time, and the seed's own EventSource page."""

import re
import sqlite3
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import Browser, expect

from ..utils.server import Server
from .conftest import connected, open_test_page

pytestmark = pytest.mark.asyncio(loop_scope="session")  # the worker's Chromium lives there (conftest)

SEED_PAGE = Path(__file__).with_name("seed_admin.html")


def add_raw_users(server: Server, count: int) -> None:
    """Written by a raw SQL connection: only the app-wide timer can notice it."""
    connection = sqlite3.connect(server.database_url.removeprefix("sqlite:///"), isolation_level=None)
    for i in range(count):
        connection.execute(
            f"INSERT INTO users (username, email, created_at) VALUES ('b{i}', 'x', '2026-01-01')"
        )
    connection.close()


def en_us(moment: datetime) -> str:
    """What en-US `Date.toLocaleString()` prints, e.g. '11/29/2026, 5:58:03 AM'."""
    hour = moment.hour % 12 or 12
    noon = "AM" if moment.hour < 12 else "PM"
    return f"{moment.month}/{moment.day}/{moment.year}, {hour}:{moment:%M:%S} {noon}"


async def test_a_tile_changes_after_a_database_write(server: Server, browser: Browser) -> None:
    context = await browser.new_context(timezone_id="Asia/Tokyo", locale="en-US")
    page = await context.new_page()
    await page.goto(server.url)
    users = page.get_by_role("group", name="Users").locator(".text-3xl")
    await expect(users).to_have_text("0")
    add_raw_users(server, 3)
    await expect(users).to_have_text("3", timeout=5000)

    last_sync = page.locator("span[title]").first
    iso = await last_sync.get_attribute("title")
    tokyo = datetime.fromisoformat(iso).astimezone(ZoneInfo("Asia/Tokyo"))
    await expect(last_sync).to_have_text(en_us(tokyo))
    await expect(page.get_by_role("combobox", name="Refresh interval")).to_have_value("Live")
    await expect(page.locator("header").get_by_text("Live", exact=True)).to_have_count(1)

    other = await context.new_page()  # a second viewer that stays live
    await other.goto(server.url)
    others = other.get_by_role("group", name="Users").locator(".text-3xl")
    await expect(others).to_have_text("3")
    await connected(page)
    await page.get_by_role("button", name="Pause live updates").click()
    add_raw_users(server, 1)
    await expect(others).to_have_text("4")  # the feed read the write and delivered it...
    await expect(users).to_have_text("3")  # ...but not to the paused viewer
    await page.get_by_role("button", name="Resume live updates").click()
    await expect(users).to_have_text("4")
    await context.close()


async def test_the_seeds_event_source_script_updates_the_seeds_elements(
    server: Server, browser: Browser
) -> None:
    page = await open_test_page(browser, server.url, SEED_PAGE)
    await expect(page.locator("#totalUsers")).to_have_text("0")
    await expect(page.locator(".header p")).to_have_text(re.compile(r"^Last sync: \d"))
    add_raw_users(server, 2)
    await expect(page.locator("#totalUsers")).to_have_text("2", timeout=5000)
    for element_id in ("totalRequests", "trackingRequests", "episodesTracked", "notificationsSent"):
        await expect(page.locator(f"#{element_id}")).to_have_text("0")
    await expect(page.locator("#notificationsPending")).to_have_text("0")


FRAMES_SCRIPT = """() => {
  // which parts of the page each animation frame changed: the Users card, the header's "Last sync"
  window.frames_changed = [];
  const users = [...document.querySelectorAll('[role=group]')].find((card) => card.ariaLabel === 'Users');
  const lastSync = document.querySelector('header span[title]');
  let parts = null;
  new MutationObserver((records) => {
    if (!parts) {
      parts = new Set();
      requestAnimationFrame(() => { window.frames_changed.push([...parts]); parts = null; });
    }
    for (const record of records) {
      if (users.contains(record.target)) parts.add('users');
      if (lastSync.contains(record.target)) parts.add('last sync');
    }
  }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
}"""


async def test_one_update_is_drawn_in_one_frame(server: Server, browser: Browser) -> None:
    """The server sends an update's parts as separate messages; the page draws them together (one
    frame: style, layout, paint), not each in the frame it happened to arrive before."""
    page = await browser.new_page()
    await page.goto(server.url)
    users = page.get_by_role("group", name="Users").locator(".text-3xl")
    await expect(users).to_have_text("0")
    await connected(page)
    await page.evaluate(FRAMES_SCRIPT)
    # "Last sync" is written to the second: the update must come in a later second than the one shown
    await page.wait_for_function(
        "() => Date.now() - Date.parse(document.querySelector('header span[title]').title) > 1100"
    )
    add_raw_users(server, 2)
    await expect(users).to_have_text("2", timeout=5000)
    frames = await page.evaluate("window.frames_changed")
    drew_users = [parts for parts in frames if "users" in parts]
    assert drew_users == [["users", "last sync"]] or drew_users == [["last sync", "users"]], frames
    await page.close()
