"""A user's notification channels and preferences in a real Chromium: the admin's page for one user (with
a json:// channel pointed at a real loopback webhook and e-mail to the SMTP sink) and the requester's
signed manage and unsubscribe links, followed without an account."""

from collections.abc import Iterator

import pytest
from playwright.async_api import Browser, Page, expect

from data import Database
from services.links import Links
from standins.smtp import start_sink
from standins.webhook_sink import WebhookSink

from ..utils.accounts import add_account
from ..utils.factories import make_tracked_show
from ..utils.mailing import sending_server
from ..utils.server import Server
from ..utils.waiting import eventually
from .conftest import connected
from .test_access_browser import PASSWORD, sign_in

pytestmark = pytest.mark.asyncio(loop_scope="session")  # the worker's Chromium lives there (conftest)

SECRET = "channels-browser-test-secret-of-32-bytes"


@pytest.fixture
def webhook() -> Iterator[WebhookSink]:
    """A real HTTP server on loopback that keeps every POST it gets (what a json:// channel sends)."""
    with WebhookSink() as sink:
        yield sink


@pytest.fixture
def admin(airdate_env: str) -> str:
    add_account("alice", PASSWORD, "admin")
    return "alice"


async def test_an_admin_sets_a_users_channels_and_preferences_and_sends_a_test(
    database: Database, admin: str, webhook: WebhookSink, browser: Browser
) -> None:
    make_tracked_show(database, tmdb_id=5, requesters=1)
    mailbox, controller = start_sink()
    server = sending_server(
        str(database.url), controller.port, send_interval="3600", storage_secret=SECRET
    ).start()
    try:
        page = await browser.new_page()
        await page.goto(f"{server.url}/users")
        await sign_in(page)
        await connected(page, "/users")
        await page.get_by_role("button", name="Notifications of fan5_0").click()
        await expect(page.get_by_text("Notifications for fan5_0")).to_be_visible()
        assert page.url.endswith("/users/1")

        url = page.get_by_role("textbox", name="Apprise URL")
        await url.fill("hooks.example.org/no-scheme")
        await page.get_by_role("button", name="Add channel").click()
        await expect(page.get_by_text("not a notification URL")).to_be_visible()
        await expect(url).to_have_value("hooks.example.org/no-scheme")  # kept, to be corrected
        hook_url = f"json://127.0.0.1:{webhook.port}/hook"
        await url.fill(hook_url)
        await page.get_by_role("button", name="Add channel").click()
        await expect(page.get_by_text(f"Channel added: {hook_url}")).to_be_visible()
        await expect(page.get_by_role("button", name=f"Remove {hook_url}")).to_be_visible()
        await expect(url).to_have_value("")

        await page.get_by_role("radio", name="Daily digest").click()
        await page.get_by_role("textbox", name="Digest time").fill("21:15")
        await choose_time_zone(page, "Asia/Tokyo")
        await page.get_by_role("button", name="Save").click()
        await expect(page.get_by_text("Preferences saved")).to_be_visible()
        user = "SELECT notify_mode, digest_at, time_zone FROM users WHERE id = 1"
        assert server.query(user) == [("digest", "21:15", "Asia/Tokyo")]

        await page.reload()
        await expect(page.get_by_role("radio", name="Daily digest")).to_be_checked()
        await expect(page.get_by_role("textbox", name="Digest time")).to_have_value("21:15")
        await expect(page.get_by_role("combobox", name="Time zone")).to_have_value("Asia/Tokyo")
        await expect(page.get_by_role("button", name=f"Remove {hook_url}")).to_be_visible()

        await connected(page)
        await page.get_by_role("button", name="Send test notification").click()
        results = page.locator(".nicegui-row[role=status]")
        await expect(results).to_have_count(2, timeout=15_000)
        await expect(results.nth(0)).to_contain_text("e-mail")
        await expect(results.nth(0)).to_contain_text("ok")
        await expect(results.nth(1)).to_contain_text(hook_url)
        await expect(results.nth(1)).to_contain_text("ok")
        assert [hit.path for hit in webhook.hits] == ["/hook"]
        assert webhook.hits[0].json()["title"] == "Airdate test notification"
        assert [mail.subject for mail in mailbox.received] == ["Airdate test notification"]
        assert mailbox.received[0].recipients == ["fan5_0@example.org"]
    finally:
        server.stop()
        controller.stop()


async def choose_time_zone(page: Page, zone: str) -> None:
    """The searchable select: type part of the name, pick it from what is left."""
    select = page.get_by_role("combobox", name="Time zone")
    await select.click()
    await select.press_sequentially(zone[:7])
    await page.get_by_role("option", name=zone, exact=True).click()


async def test_a_requester_mutes_a_show_and_unsubscribes_by_signed_links_without_an_account(
    database: Database, admin: str, browser: Browser
) -> None:
    fan, _ = make_tracked_show(database, tmdb_id=7, requesters=2)
    server = Server(str(database.url), {"storage_secret": SECRET}).start()
    links = Links(SECRET, server.url)
    try:
        page = await browser.new_page()
        response = await page.goto(links.manage(fan))
        assert response is not None and response.status == 200
        await expect(page.get_by_text("Hi fan7_0")).to_be_visible()
        await expect(page.get_by_role("button", name="Menu")).to_have_count(0)  # not the console
        await expect(page.get_by_role("button", name="Add channel")).to_have_count(0)
        await connected(page)
        await page.get_by_role("switch", name="Mute Show 7").click()
        await page.get_by_role("button", name="Save").click()
        await expect(page.get_by_text("Preferences saved")).to_be_visible()
        muted = f"SELECT tmdb_id FROM muted_shows WHERE user_id = {fan}"
        await eventually(lambda: server.query(muted) == [(7,)], what="the show muted in the database")

        tampered = await page.goto(links.manage(fan)[:-2] + "xx")
        assert tampered is not None and tampered.status == 403
        elsewhere = await page.goto(Links("another server's secret", server.url).manage(fan))
        assert elsewhere is not None and elsewhere.status == 403

        mode = f"SELECT notify_mode FROM users WHERE id = {fan}"
        await page.goto(links.unsubscribe(fan))
        await expect(page.get_by_text("Stop every notification Airdate sends to fan7_0?")).to_be_visible()
        assert server.query(mode) == [("as_they_land",)], "opening the link changes nothing"
        await connected(page)
        await page.get_by_role("button", name="Unsubscribe").click()
        await expect(page.get_by_text("no more notifications")).to_be_visible()
        assert server.query(mode) == [("off",)]
        await page.get_by_role("link", name="Manage your notifications").click()
        await expect(page.get_by_role("radio", name="Off")).to_be_checked()
    finally:
        server.stop()


async def test_an_admin_replaces_a_users_links_and_the_old_one_stops_working(
    database: Database, admin: str, browser: Browser
) -> None:
    fan, _ = make_tracked_show(database, tmdb_id=8, requesters=2)
    server = Server(str(database.url), {"storage_secret": SECRET}).start()
    links = Links(SECRET, server.url)
    try:
        requester = await (await browser.new_context()).new_page()
        opened = await requester.goto(links.manage(fan))
        assert opened is not None and opened.status == 200
        page = await browser.new_page()
        await page.goto(f"{server.url}/users/{fan}")
        await sign_in(page)
        await connected(page, f"/users/{fan}")
        await page.get_by_role("button", name="Replace the links").click()
        await page.get_by_role("dialog").get_by_role("button", name="Replace").click()
        await expect(page.get_by_text("The links sent to fan8_0 so far no longer work.")).to_be_visible()
        refused = await requester.goto(links.manage(fan))
        assert refused is not None and refused.status == 403
        await expect(requester.get_by_text("replaced by a newer one")).to_be_visible()
        renewed = await requester.goto(links.manage(fan, key=1))  # what the next message carries
        assert renewed is not None and renewed.status == 200
    finally:
        server.stop()
