"""The demo's people speak several languages (their Jellyseerr ``settings.locale``): the Mailbox shows
a German e-mail, its poster loaded and its "Watch now" link, in a real Chromium."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from ..utils.server import Server
from .conftest import connected

pytestmark = pytest.mark.asyncio(loop_scope="session")  # the worker's Chromium lives there (conftest)

GERMAN = re.compile(r"Neue Folge: |\d+ neue Folgen: ")
LOADED = "i => i.complete ? i.naturalWidth : new Promise(done => i.onload = () => done(i.naturalWidth))"


@pytest.fixture
def demo(airdate_env: str, tmp_path: Path) -> Iterator[Server]:
    settings = {"demo": "true", "demo_interval": "0.2", "grouping_delay": "0"}
    running = Server(airdate_env, {**settings, "demo_database_url": f"sqlite:///{tmp_path}/demo.sqlite3"})
    yield running.start()
    running.stop()


async def test_the_demo_mailbox_shows_a_german_email_with_its_poster_and_watch_link(
    demo: Server, browser: Browser
) -> None:
    page = await browser.new_page()
    await page.goto(f"{demo.url}/mailbox")
    german = page.locator(".mailbox .q-expansion-item").filter(has_text=GERMAN)
    await expect(german.first).to_contain_text(re.compile(r"to (gustav|jonas)@example\.org"), timeout=30_000)
    mail = page.locator(f"#{await german.first.get_attribute('id')}")  # that one, whatever arrives meanwhile
    await connected(page)  # else the server, unaware of the click, redraws the item closed
    await mail.locator(".q-item").first.click()
    hello = re.compile(r"^Hallo (gustav|jonas),")
    await expect(mail.get_by_text(hello)).to_be_visible()  # the plain part
    html = mail.frame_locator("iframe")
    await expect(
        html.get_by_text(re.compile(r"(Eine neue Folge|Neue Folgen) von|einer Serie"))
    ).to_be_visible()
    poster = html.locator("img").first
    await expect(poster).to_have_attribute("alt", re.compile(r"^Poster von "))
    assert await poster.evaluate(LOADED) > 0, "the poster loaded"
    watch = html.get_by_role("link", name="Jetzt ansehen").first
    await expect(watch).to_have_attribute("href", re.compile(r"/demo/jellyfin/web/"))
    aired = html.get_by_text(re.compile(r"ausgestrahlt: \w+\., \d+\. \w+\.? 20\d\d, \d\d:\d\d")).first
    await expect(aired).to_be_visible()  # German dates (Babel)
    await page.close()
