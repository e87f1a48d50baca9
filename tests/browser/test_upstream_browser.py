"""What Jellyseerr as it is looks like in the console, in Chromium: a Jellyfin user without an address
(and an admin giving them one), a season-2 requester's next e-mail, and a request deleted in Jellyseerr."""

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Browser, Page, expect

from standins.jellyseerr import JellyseerrWorld, create_app
from standins.smtp import Sink, start_sink

from ..utils.actions import run_action
from ..utils.mailing import sending_server
from ..utils.server import Server
from ..utils.standins import serve
from .conftest import connected

pytestmark = pytest.mark.asyncio(loop_scope="session")  # the worker's Chromium lives there (conftest)

UPSTREAM = Path(__file__).resolve().parents[1] / "fixtures" / "upstream"
KEY, SECRET = "key", "sonarr-secret"


@pytest.fixture
def world() -> JellyseerrWorld:
    world = JellyseerrWorld.recorded(UPSTREAM / "jellyseerr")  # Mark (id 3): Jellyfin, no address
    users = {user["id"]: user for user in world.users}
    world.add_request(users[5], "tv", 95396, "Severance", seasons=(2,))  # Irving: season 2
    world.add_request(users[1], "tv", 95396, "Severance", seasons=(2,))  # Dana: deleted below
    return world


@pytest.fixture
def airdate(world: JellyseerrWorld, airdate_env: str, sink: tuple[Sink, int]) -> Iterator[Server]:
    with serve(create_app(world, KEY)) as url:
        settings = {"jellyseerr_url": url, "jellyseerr_api_key": KEY, "webhook_secret": SECRET}
        server = sending_server(airdate_env, sink[1], **settings, sync_interval="0", grouping_delay="3600")
        yield server.start()
        server.stop()


@pytest.fixture
def sink() -> Iterator[tuple[Sink, int]]:
    found, controller = start_sink()
    yield found, controller.port
    controller.stop()


async def act(client: httpx.AsyncClient, action: str) -> None:
    job = await run_action(client, action)
    assert job["status"] == "succeeded", job


async def next_email(page: Page, name: str, shows: str) -> None:
    """Open the user's next e-mail, see ``shows`` in it, and close it again."""
    await page.get_by_role("button", name=f"Next e-mail to {name}").click()
    dialog = page.get_by_role("dialog")
    await expect(dialog.get_by_text(f"Next e-mail to {name}")).to_be_visible()
    await expect(dialog.get_by_text(shows)).to_be_visible()
    await dialog.get_by_role("button", name="Close").click()
    await expect(dialog).to_be_hidden()


async def test_the_console_shows_who_gets_what_from_jellyseerr_as_it_is(
    airdate: Server, world: JellyseerrWorld, browser: Browser
) -> None:
    async with httpx.AsyncClient(base_url=airdate.url, timeout=10) as client:
        await act(client, "sync-users")
        await act(client, "sync-requests")
        download = json.loads((UPSTREAM / "sonarr" / "download.json").read_text())  # Severance S02E01
        assert (
            await client.post("/webhooks/sonarr", params={"secret": SECRET}, json=download)
        ).status_code == 200
        world.delete_request(world.requests[-1])  # Dana's, deleted in Jellyseerr
        await act(client, "sync-requests")

    page = await browser.new_page()
    await page.goto(f"{airdate.url}/users")
    await connected(page)  # the rows are drawn before it: a click before it goes nowhere
    mark = page.locator("tr", has_text="Mark")
    await expect(mark.get_by_test_id("no-address")).to_have_text("no address (Jellyseerr has mark)")

    await next_email(page, "Irving", "Subject: New episode: Severance S02E01")  # asked for season 2
    no_address = "No e-mail: no e-mail address (Jellyseerr has 'mark', which is not one)."
    await next_email(page, "Mark", no_address)  # asked for season 2 too, but has no address
    await next_email(page, "Dana", "Nothing pending: no e-mail would be sent.")  # her request was deleted

    await page.goto(f"{airdate.url}/requests")
    rows = page.locator(".q-table tbody tr")
    await expect(rows).to_have_count(5)
    await connected(page)
    await page.get_by_role("switch", name="Show removed").click()
    await expect(rows).to_have_count(6)
    await expect(page.locator("tr", has_text="removed")).to_contain_text("Dana")

    await page.goto(f"{airdate.url}/users")
    await connected(page)
    await page.get_by_role("button", name="Notifications of Mark").click()
    await expect(
        page.get_by_text("no e-mail address (Jellyseerr has 'mark', which is not one)")
    ).to_be_visible()
    await expect(page.get_by_role("switch", name="E-mail to no address: e-mail is off")).to_be_disabled()
    await page.get_by_role("textbox", name="E-mail address").fill("mark@lumon.example")
    await page.get_by_role("button", name="Save").click()
    await expect(
        page.get_by_text("set by an admin (until Jellyseerr has an address for this user)")
    ).to_be_visible()
    await expect(page.get_by_role("switch", name="E-mail to mark@lumon.example")).to_be_enabled()
