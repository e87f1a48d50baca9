"""Clicking an action in a real Chromium."""

from playwright.async_api import Browser, expect

from standins.jellyseerr import JellyseerrWorld, create_app

from ..utils.server import Server
from ..utils.standins import serve


async def test_sync_users_moves_the_users_tile(airdate_env: str, browser: Browser) -> None:
    world = JellyseerrWorld(delay=0.02)
    for i in range(25):
        world.add_user(f"viewer{i}")
    with serve(create_app(world, "key")) as url:
        settings = {"jellyseerr_url": url, "jellyseerr_api_key": "key", "stats_interval": "1"}
        server = Server(airdate_env, settings)
        server.start()
        try:
            page = await browser.new_page()
            await page.goto(server.url)
            users = page.get_by_role("group", name="Users").locator(".text-3xl")
            await expect(users).to_have_text("0")
            button = page.get_by_role("button", name="Sync users")
            await button.click()
            await expect(button).to_be_disabled()
            await expect(users).to_have_text("25", timeout=10_000)
            await expect(button).to_be_enabled()
            await expect(page.get_by_text("Sync users: 25 created")).to_be_visible()
        finally:
            server.stop()
