"""Clicking an action in a real Chromium."""

import re

import pytest
from playwright.async_api import Browser, expect

from standins.jellyseerr import JellyseerrWorld, create_app

from ..utils.server import Server
from ..utils.standins import serve
from .conftest import connected

pytestmark = pytest.mark.asyncio(loop_scope="session")  # the worker's Chromium lives there (conftest)


async def test_sync_users_moves_the_users_tile(airdate_env: str, browser: Browser) -> None:
    world = JellyseerrWorld(delay=0.1)  # the job takes a few seconds: its disabled button can be seen
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
            await connected(page)  # CI once clicked before it
            button = page.get_by_role("button", name="Sync users")
            await button.click()
            await expect(button).to_be_disabled()
            await expect(users).to_have_text("25", timeout=10_000)
            await expect(button).to_be_enabled()
            await expect(page.get_by_text("Sync users: 25 created")).to_be_visible()
        finally:
            server.stop()


async def test_the_scheduled_sync_shows_when_it_last_ran_and_how_it_went(
    airdate_env: str, browser: Browser
) -> None:
    world = JellyseerrWorld()
    world.add_request(world.add_user("ada"), "tv", 95396, "Severance")
    with serve(create_app(world, "key")) as url:
        settings = {
            "jellyseerr_url": url,
            "jellyseerr_api_key": "key",
            "sync_interval": "1",
            "stats_interval": "1",
        }
        server = Server(airdate_env, settings).start()
        try:
            page = await browser.new_page()
            await page.goto(server.url)
            tracking = page.get_by_role("group", name="Tracking").locator(".text-3xl")
            await expect(tracking).to_have_text("1", timeout=15_000)  # nobody clicked anything
            result = page.get_by_text(re.compile(r"^1 (created|unchanged) · by the schedule$"))
            await expect(result.first).to_be_visible(timeout=10_000)
            await expect(page.get_by_text("last run").first).to_be_visible()
        finally:
            server.stop()
