"""A requester chooses, on the page of their signed link, to hear only of one show's season premieres;
the other show keeps telling every episode."""

import pytest
from playwright.async_api import Browser, expect

from data import Database
from data.models import MediaType, User
from data.writes import add_request
from services.links import Links

from ..utils.factories import land_episode, make_tracked_show
from ..utils.server import Server
from ..utils.waiting import eventually
from .conftest import connected

pytestmark = pytest.mark.asyncio(loop_scope="session")  # the worker's Chromium lives there (conftest)

SECRET = "a storage secret of the tests, 32 bytes or more"


async def test_a_requester_chooses_season_premieres_only_for_one_show(
    database: Database, browser: Browser
) -> None:
    (fan,) = make_tracked_show(database, tmdb_id=7, requesters=1)
    with database.transaction() as session:
        add_request(session, session.get(User, fan), MediaType.TV, "Show 8", 8)
    server = Server(str(database.url), {"storage_secret": SECRET, "send_interval": "3600"}).start()
    try:
        page = await browser.new_page()
        await page.goto(Links(SECRET, server.url).manage(fan))
        await connected(page)
        await expect(page.get_by_role("radio", name="Each episode")).to_be_checked()
        await page.get_by_role("combobox", name="Episodes of Show 7").click()
        await page.get_by_role("option", name="Season premieres only").click()
        await page.get_by_role("button", name="Save").click()
        await expect(page.get_by_text("Preferences saved")).to_be_visible()
        rules = f"SELECT tmdb_id, rule FROM show_rules WHERE user_id = {fan}"
        await eventually(lambda: server.query(rules) == [(7, "premieres")], what="the show's rule kept")

        await page.reload()
        show_7 = page.get_by_role("combobox", name="Episodes of Show 7")
        await expect(show_7).to_have_value("Season premieres only")
        await expect(page.get_by_role("combobox", name="Episodes of Show 8")).to_have_value("As by default")
    finally:
        server.stop()
    for show in (7, 8):
        for number in (1, 2):
            land_episode(database, show, 2, number)
    told = "SELECT e.tmdb_id, e.number, n.status FROM notifications n JOIN episodes e ON e.id = n.episode_id"
    with database.engine.connect() as connection:
        rows = sorted(tuple(row) for row in connection.exec_driver_sql(told))
    assert rows == [(7, 1, "pending"), (7, 2, "skipped"), (8, 1, "pending"), (8, 2, "pending")]
