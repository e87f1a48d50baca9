"""Following shows and what airs next, in a real Chromium: a requester, on the page of their signed link,
chooses season premieres only for their show and follows another; an admin adds a follower on a show's
page; the Upcoming page shows who will be told and changes while it is watched when Sonarr moves an
episode into the next two weeks."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from playwright.async_api import Browser, expect

from data import Database, seasons
from services.links import Links

from ..utils.accounts import add_account
from ..utils.factories import land_episode, make_tracked_show, make_users
from ..utils.server import Server
from ..utils.waiting import eventually
from .conftest import connected
from .test_access_browser import PASSWORD, sign_in

pytestmark = pytest.mark.asyncio(loop_scope="session")  # the worker's Chromium lives there (conftest)

SECRET = "a storage secret of the tests, 32 bytes or more"
SOON = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)


def schedule(database: Database, tmdb_id: int, season: int, number: int, airs: datetime) -> None:
    """One episode of Sonarr's list, as Airdate keeps it after reading Sonarr."""
    listed = {
        "seasonNumber": season,
        "episodeNumber": number,
        "title": f"Episode {number}",
        "airDateUtc": airs.isoformat().replace("+00:00", "Z"),
        "runtime": 45,
    }
    with database.transaction() as session:
        seasons.record_schedule(session, tmdb_id, [listed])


@pytest.fixture
def server(database: Database) -> Iterator[Server]:
    settings = {"storage_secret": SECRET, "send_interval": "3600", "stats_interval": "0.5"}  # the timer reads
    started = Server(str(database.url), settings).start()  # what the tests write from outside the server
    yield started
    started.stop()


async def test_a_requester_chooses_premieres_for_their_show_and_follows_another(
    database: Database, browser: Browser, server: Server
) -> None:
    (fan,) = make_tracked_show(database, tmdb_id=7, requesters=1)
    make_tracked_show(database, tmdb_id=9, requesters=1)
    page = await browser.new_page()
    await page.goto(Links(SECRET, server.url).manage(fan))
    await connected(page)
    await page.get_by_role("combobox", name="Episodes of Show 7").click()
    await page.get_by_role("option", name="Season premieres only").click()
    await page.get_by_role("button", name="Save").click()
    await expect(page.get_by_text("Preferences saved")).to_be_visible()

    await expect(page.get_by_text("you requested it")).to_be_visible()  # Show 7: nothing to follow
    await page.get_by_role("textbox", name="Search the shows").fill("show 9")
    await expect(page.get_by_text("Show 7", exact=True)).to_be_hidden()
    await page.get_by_role("switch", name="Follow Show 9").click()
    await expect(page.get_by_text("You will be told of new episodes of Show 9.")).to_be_visible()
    follows = f"SELECT tmdb_id, added_by FROM follows WHERE user_id = {fan}"
    await eventually(lambda: server.query(follows) == [(9, "the user's own link")], what="followed")

    await page.reload()
    await expect(page.get_by_role("combobox", name="Episodes of Show 9")).to_have_value("As by default")
    await expect(page.get_by_role("switch", name="Follow Show 9")).to_be_checked()
    for show in (7, 9):
        for number in (1, 2):
            land_episode(database, show, 2, number)
    told = (
        "SELECT e.tmdb_id, e.number, n.status FROM notifications n JOIN episodes e ON e.id = n.episode_id "
        f"WHERE n.user_id = {fan}"
    )
    rows = sorted(tuple(row) for row in server.query(told))
    assert rows == [(7, 1, "pending"), (7, 2, "skipped"), (9, 1, "pending"), (9, 2, "pending")]


async def test_an_admin_adds_a_follower_and_the_upcoming_page_changes_while_watched(
    database: Database, browser: Browser, server: Server
) -> None:
    add_account("alice", PASSWORD, "admin")
    make_tracked_show(database, tmdb_id=4, requesters=1)
    make_users(database, 1, prefix="farah")
    schedule(database, 4, 1, 1, SOON)
    page = await browser.new_page()
    await page.goto(f"{server.url}/shows")
    await sign_in(page)
    shows = page.get_by_role("table")
    await expect(shows.get_by_role("row", name="Show 4 fan4_0 —")).to_be_visible()
    await page.get_by_role("link", name="Show 4").click()
    await expect(page.get_by_text("Requested by: fan4_0")).to_be_visible()
    await connected(page)
    await page.get_by_role("combobox", name="Add a follower").click()
    await page.get_by_role("option", name="farah0").click()
    await page.get_by_role("button", name="Add").click()
    await expect(page.locator(".q-chip", has_text="farah0")).to_be_visible()

    await page.goto(f"{server.url}/upcoming")
    table = page.get_by_role("table")
    await expect(table.get_by_role("row", name="Show 4 S01E01 Episode 1")).to_contain_text("fan4_0, farah0")
    await expect(table.get_by_role("row")).to_have_count(2)  # the header and one episode
    schedule(database, 4, 1, 2, SOON + timedelta(days=7))  # Sonarr lists the next one: no reload
    await expect(table.get_by_role("row", name="Show 4 S01E02 Episode 2")).to_be_visible()
    schedule(database, 4, 1, 1, SOON + timedelta(days=30))  # and moves the first out of the window
    await expect(table.get_by_role("row", name="Show 4 S01E01 Episode 1")).to_be_hidden()
