"""README screenshots of the running demo, taken with the real browser so they stay current.

`make screenshots` writes them into docs/; a plain test run only checks that they can be taken.
"""

import os
import shutil
from pathlib import Path

from playwright.async_api import Browser, expect

from ..utils.server import Server

DOCS = Path(__file__).resolve().parents[2] / "docs"
DEVICES = {"desktop": (1280, 800), "phone": (390, 844)}


async def test_dashboard_screenshots(browser: Browser, airdate_env: str, tmp_path: Path) -> None:
    settings = {"demo": "true", "demo_interval": "0.3", "grouping_delay": "0"}
    demo = Server(
        airdate_env, {**settings, "demo_database_url": f"sqlite:///{tmp_path}/demo.sqlite3"}
    ).start()
    try:
        for device, (width, height) in DEVICES.items():
            for scheme in ("light", "dark"):
                context = await browser.new_context(
                    viewport={"width": width, "height": height}, color_scheme=scheme
                )
                page = await context.new_page()
                await page.goto(demo.url)
                await expect(page.locator(f"body.body--{scheme}")).to_have_count(1)
                tile = page.get_by_role("group", name="Users").locator(".text-3xl")
                await expect(tile).not_to_have_text("—")
                await expect(tile).not_to_have_text("0", timeout=10_000)
                await page.wait_for_timeout(1500)
                shot = tmp_path / f"dashboard-{device}-{scheme}.png"
                await page.screenshot(path=shot)
                assert shot.stat().st_size > 10_000
                if os.environ.get("UPDATE_SCREENSHOTS") == "1":
                    shutil.copy(shot, DOCS / shot.name)
                await context.close()
    finally:
        demo.stop()
