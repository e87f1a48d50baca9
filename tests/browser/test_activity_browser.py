"""The seed's notification and log listeners, and the dashboard's live tables, in a real Chromium."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from ..utils.server import Server
from .conftest import connected, open_test_page

pytestmark = pytest.mark.asyncio(loop_scope="session")  # the worker's Chromium lives there (conftest)

SEED_PAGE = Path(__file__).with_name("seed_advanced.html")


@pytest.fixture
def demo(airdate_env: str, tmp_path: Path) -> Iterator[Server]:
    settings = {"demo": "true", "demo_interval": "0.2", "stats_interval": "0.5", "grouping_delay": "0"}
    running = Server(airdate_env, {**settings, "demo_database_url": f"sqlite:///{tmp_path}/demo.sqlite3"})
    yield running.start()
    running.stop()


async def test_the_seeds_notification_and_log_listeners_receive_events(
    demo: Server, browser: Browser
) -> None:
    page = await open_test_page(browser, demo.url, SEED_PAGE)
    await expect(page.locator("#logs li").first).to_have_text(
        re.compile(r"Z INFO airdate\.\w+ "), timeout=8000
    )
    await expect(page.locator("#notifications li").first).to_have_text(
        re.compile(r"^\d+ \w+ (pending|sending|sent|failed) New episode: "), timeout=8000
    )


async def test_the_dashboard_tables_fill_while_you_watch(demo: Server, browser: Browser) -> None:
    page = await browser.new_page()
    await page.goto(demo.url)
    rows = page.locator(".q-markup-table tbody tr")
    await expect(rows.first).to_be_visible(timeout=8000)
    first_row = rows.first.locator("td").first
    await expect(first_row).to_have_text(re.compile(r"now|seconds? ago|minutes? ago"))
    assert re.match(r"\d+/\d+/\d{4}, ", await first_row.locator("span").get_attribute("title"))
    first_line = page.get_by_role("log").locator("div").first
    await expect(first_line).to_contain_text("airdate.")
    await expect(first_line).to_have_text(re.compile(r"^\d+/\d+/\d{4}, \d+:\d\d:\d\d [AP]M (INFO|WARNING) "))


async def test_the_demo_mailbox_shows_the_emails_airdate_sent(demo: Server, browser: Browser) -> None:
    page = await browser.new_page()
    await page.goto(f"{demo.url}/mailbox")
    mails = page.locator(".mailbox .q-expansion-item")
    first = mails.filter(has_text=re.compile(r"New episode: |new episodes: ")).first  # someone English
    await expect(first).to_contain_text(re.compile(r"New episode: |new episodes: "), timeout=15_000)
    await expect(first).to_contain_text(re.compile(r"to \w+@example\.org"))
    recipient = re.search(r"to (\S+@example\.org)", await first.inner_text()).group(1)
    oldest = mails.filter(has_text=f"to {recipient}").last  # new mails go on top
    mail = page.locator(f"#{await oldest.get_attribute('id')}")  # that one, whatever arrives meanwhile
    await connected(page)  # else the server, unaware of the click, redraws the item closed
    await mail.locator(".q-item").first.click()
    await expect(
        mail.get_by_text(re.compile(r"(A new episode of a show|New episodes of shows) you requested"))
    ).to_be_visible()
    poster = mail.frame_locator("iframe").locator("img").first  # the e-mail's HTML, its own poster host
    await expect(poster).to_have_attribute("alt", re.compile(r"^Poster of "))
    loaded = "i => i.complete ? i.naturalWidth : new Promise(done => i.onload = () => done(i.naturalWidth))"
    assert await poster.evaluate(loaded) == 342, "the poster loaded"


async def test_the_demo_mailbox_shows_what_its_json_channel_received(demo: Server, browser: Browser) -> None:
    """The demo gives ada, bruno and chiara a json:// channel too: Apprise posts to the stand-in."""
    page = await browser.new_page()
    await page.goto(f"{demo.url}/mailbox")
    newest = page.locator(".webhook-inbox .q-expansion-item").first
    await expect(newest).to_contain_text(re.compile(r"New episode: |new episodes: "), timeout=30_000)
    first = page.locator(f"#{await newest.get_attribute('id')}")  # newer messages arrive above it meanwhile
    caption = first.locator(".q-item__label--caption")
    await expect(caption).to_have_text(re.compile(r"^to (ada|bruno|chiara)$"))
    await connected(page)
    await first.locator(".q-item").first.click()
    await expect(first.get_by_text("[Manage your notifications](http")).to_be_visible()  # Markdown


async def test_the_log_level_filter_hides_lower_lines_and_brings_them_back(
    demo: Server, browser: Browser
) -> None:
    page = await browser.new_page()
    await page.goto(demo.url)
    log = page.get_by_role("log")
    info = log.locator("div", has_text=re.compile(r"^\S+, \S+ [AP]M INFO "))
    await expect(info.first).to_be_visible(timeout=8000)
    await connected(page)

    async def choose(level: str) -> None:
        await page.get_by_label("Lowest log level shown").click()
        await page.get_by_role("option", name=level, exact=True).click()

    await choose("WARNING")
    await expect(info).to_have_count(0)
    await choose("INFO")
    await expect(info.first).to_be_visible()
    assert await info.count() > 1, "the lines hidden before are shown again, not only new ones"
