"""README screenshots of the running demo, taken with the real browser so they stay current.

`make screenshots` writes them into docs/; a plain test run checks that they can be taken and that each
shows what the README promises: the stat cards, filled in, with their sparklines.
"""

import io
import os
import re
import shutil
from pathlib import Path

import pytest
from PIL import Image
from playwright.async_api import Browser, Page, expect

from services.links import Links

from ..utils.server import Server
from ..utils.sql import query
from ..utils.waiting import eventually

pytestmark = pytest.mark.asyncio(loop_scope="session")  # the worker's Chromium lives there (conftest)

DOCS = Path(__file__).resolve().parents[2] / "docs"
DEVICES = {"desktop": (1280, 800), "phone": (390, 844)}
Box = dict[str, float]
DRAWN = re.compile(r"^M[\d.]+,[\d.]+L")  # a sparkline of two points or more
SECRET = "screenshots-of-the-demo-secret-32-bytes"  # the demo's, to sign a manage link
CARDS = ("Users", "Requests", "Tracking", "Episodes tracked", "Notifications sent", "Notifications pending")


async def test_console_screenshots(browser: Browser, airdate_env: str, tmp_path: Path) -> None:
    """The dashboard on a desktop and a phone, light and dark; then the Upcoming and a manage page."""
    settings = {"demo": "true", "demo_interval": "0.3", "grouping_delay": "0", "storage_secret": SECRET}
    url = f"sqlite:///{tmp_path}/demo.sqlite3"
    demo = Server(airdate_env, {**settings, "demo_database_url": url}).start()
    try:
        for device, (width, height) in DEVICES.items():
            for scheme in ("light", "dark"):
                context = await browser.new_context(
                    viewport={"width": width, "height": height}, color_scheme=scheme
                )
                page = await context.new_page()
                await page.goto(demo.url)
                await expect(page.locator(f"body.body--{scheme}")).to_have_count(1)
                await settled(page)
                shot = tmp_path / f"dashboard-{device}-{scheme}.png"
                picture = Image.open(io.BytesIO(await page.screenshot(path=shot))).convert("RGB")
                assert picture.size == (width, height)
                in_view = await cards_in_view(page, height)
                if device == "desktop":
                    assert list(in_view) == list(CARDS), "a wide screen shows all six cards"
                else:
                    assert next(iter(in_view)) == "Users", "a phone shows the first cards, one per row"
                for title, (number, sparkline) in in_view.items():
                    assert colours(picture, number) > 10, f"{title}: the picture shows its number"
                    assert colours(picture, sparkline) > 1, f"{title}: the picture shows its sparkline"
                if os.environ.get("UPDATE_SCREENSHOTS") == "1":
                    shutil.copy(shot, DOCS / shot.name)
                await context.close()
        await upcoming_and_manage_page(browser, demo, url, tmp_path)
    finally:
        demo.stop()


async def settled(page: Page) -> None:
    """What a screenshot must show: every card has its number and its sparkline, the fonts (the icons
    are a font) are loaded, and nothing on the cards is still moving."""
    for title in CARDS:
        card = page.get_by_role("group", name=title, exact=True)
        await expect(card.locator(".text-3xl")).not_to_have_text("—")
        await expect(card.locator("svg path")).to_have_attribute("d", DRAWN, timeout=15_000)
    await page.wait_for_function("document.fonts.status === 'loaded'")
    await page.wait_for_function(
        """() => [...document.querySelectorAll('[role=group]')].every(card =>
                 card.getAnimations({subtree: true}).every(a => a.playState !== 'running'))"""
    )


async def cards_in_view(page: Page, height: int) -> dict[str, tuple[Box, Box]]:
    """The cards whose whole box is inside the viewport: where their number and sparkline are."""
    shown = {}
    for title in CARDS:
        card = page.get_by_role("group", name=title, exact=True)
        box = await card.bounding_box()
        if box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height:
            number, sparkline = card.locator(".text-3xl"), card.locator("svg")
            shown[title] = (await number.bounding_box(), await sparkline.bounding_box())
    return shown


def colours(picture: Image.Image, box: Box) -> int:
    """How many different colours the picture has in ``box`` (blank: one; text: dozens)."""
    left, top = round(box["x"]), round(box["y"])
    area = picture.crop((left, top, left + round(box["width"]), top + round(box["height"])))
    return len(area.getcolors(maxcolors=area.width * area.height))


async def upcoming_and_manage_page(browser: Browser, demo: Server, url: str, tmp_path: Path) -> None:
    """The demo's Upcoming page (every show's next episodes, a season finale, who will be told) and the
    page of gustav's link (he follows a show he did not request)."""
    context = await browser.new_context(viewport={"width": 1280, "height": 800})
    page = await context.new_page()
    await page.goto(f"{demo.url}/upcoming")
    table = page.get_by_role("table")
    await expect(table.get_by_role("row").nth(8)).to_be_visible()  # shows' next two, after the header
    await expect(table.get_by_text("season finale")).not_to_have_count(0)
    await expect(table.get_by_text("gustav")).not_to_have_count(0)  # the follower is told too
    await page.wait_for_function("document.fonts.status === 'loaded'")
    await save(page, tmp_path / "upcoming-desktop-light.png")

    following = "SELECT f.user_id FROM follows f JOIN users u ON u.id = f.user_id WHERE u.username = 'gustav'"
    await eventually(lambda: bool(query(url, following)), within=30, what="gustav follows a show")
    await page.goto(Links(SECRET, demo.url).manage(query(url, following)[0][0]))
    followed = page.get_by_role("switch", name=re.compile(" folgen$")).and_(  # his page, in his German
        page.locator("[aria-checked=true]")
    )
    await expect(followed).to_have_count(1)
    await page.wait_for_function("document.fonts.status === 'loaded'")
    await save(page, tmp_path / "manage-desktop-light.png", full_page=True)
    await context.close()


async def save(page: Page, shot: Path, *, full_page: bool = False) -> None:
    await page.screenshot(path=shot, full_page=full_page)
    if os.environ.get("UPDATE_SCREENSHOTS") == "1":
        shutil.copy(shot, DOCS / shot.name)
