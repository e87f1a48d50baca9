"""A requester finds the link of their calendar feed on the page of their signed link; following it gives
the feed a calendar app reads, with the episode Sonarr lists."""

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from icalendar import Calendar
from playwright.async_api import Browser, expect
from sqlmodel import col, update

from data import Database, seasons
from data.models import User as Person
from services.links import Links

from ..utils.factories import make_tracked_show
from ..utils.server import Server
from .conftest import connected

pytestmark = pytest.mark.asyncio(loop_scope="session")  # the worker's Chromium lives there (conftest)

SECRET = "a storage secret of the tests, 32 bytes or more"


async def test_the_manage_page_links_the_calendar_feed(database: Database, browser: Browser) -> None:
    (fan,) = make_tracked_show(database, tmdb_id=5, requesters=1)
    airs = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    episode = {"seasonNumber": 2, "episodeNumber": 1, "title": "Return", "runtime": 42}
    with database.transaction() as session:
        seasons.record_schedule(session, 5, [{**episode, "airDateUtc": airs.isoformat()}])
    server = Server(str(database.url), {"storage_secret": SECRET, "send_interval": "3600"}).start()
    links = Links(SECRET, server.url)
    try:
        context = await browser.new_context(accept_downloads=True)
        page = await context.new_page()
        await page.goto(links.manage(fan))
        await connected(page)
        link = page.get_by_role("link", name="Add the upcoming episodes to your calendar")
        await expect(link).to_be_visible()
        href = await link.get_attribute("href")
        assert href == urlsplit(links.calendar(fan)).path

        async with page.expect_download() as downloading:  # text/calendar: Chromium does not show it
            await link.click()
        download = await downloading.value
        assert download.url == links.calendar(fan), "the feed fetched is the one the page links"
        assert download.suggested_filename == "airdate.ics"
        feed = Calendar.from_ical(await asyncio.to_thread(Path(await download.path()).read_bytes))
        (event,) = feed.walk("VEVENT")
        assert str(event["UID"]) == f"5-s2e1-u{fan}@airdate"
        assert str(event["SUMMARY"]) == "Show 5 S02E01 · Return"
        assert event["DTSTART"].dt == airs
        assert event["DTEND"].dt == airs + timedelta(minutes=42)
        await context.close()
    finally:
        server.stop()


async def test_the_pages_of_a_link_declare_the_persons_language(database: Database, browser: Browser) -> None:
    """A screen reader reads a page in the language its ``<html lang>`` names: a German person's pages
    say German, an English person's English (NiceGUI alone would say the same for every visitor)."""
    german, english = make_tracked_show(database, tmdb_id=6, requesters=2)
    with database.transaction() as session:
        session.execute(update(Person).where(col(Person.id) == german).values(locale="de-AT"))
    server = Server(str(database.url), {"storage_secret": SECRET, "send_interval": "3600"}).start()
    links = Links(SECRET, server.url)
    try:
        page = await browser.new_page()
        for person, lang in ((german, "de"), (english, "en")):
            for link in (links.manage(person), links.unsubscribe(person)):
                await page.goto(link)
                await expect(page.get_by_role("button").first).to_be_visible()  # the page is drawn
                await expect(page.locator("html")).to_have_attribute("lang", lang)
        await page.close()
    finally:
        server.stop()
