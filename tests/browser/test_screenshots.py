"""README screenshots of the running demo, taken with the real browser so they stay current.

`make screenshots` writes them into docs/; a plain test run only checks that they can be taken.
"""

import os
import shutil
from pathlib import Path

from playwright.async_api import Browser, expect

from ..utils.server import Server

DOCS = Path(__file__).resolve().parents[2] / "docs"


async def test_dashboard_screenshot(browser: Browser, airdate_env: str, tmp_path: Path) -> None:
    demo = Server(
        airdate_env,
        {"demo": "true", "demo_interval": "0.3", "demo_database_url": f"sqlite:///{tmp_path}/demo.sqlite3"},
    ).start()
    try:
        page = await browser.new_page(viewport={"width": 1280, "height": 800})
        await page.goto(demo.url)
        await expect(page.get_by_role("group", name="Users").locator(".text-3xl")).not_to_have_text("—")
        await page.wait_for_timeout(1500)
        shot = tmp_path / "dashboard.png"
        await page.screenshot(path=shot)
        assert shot.stat().st_size > 10_000
        if os.environ.get("UPDATE_SCREENSHOTS") == "1":
            shutil.copy(shot, DOCS / "dashboard.png")
    finally:
        demo.stop()
