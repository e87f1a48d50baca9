"""What the security headers and the sign-in form do in a real Chromium: the console works under its
Content-Security-Policy (no violation on any page), and ``next`` never leaves the site."""

import re
from collections.abc import Iterator

import pytest
from playwright.async_api import Browser, Page, expect

from data import Database
from services.links import Links

from ..utils.accounts import add_account
from ..utils.factories import make_tracked_show
from ..utils.server import Server
from .test_access_browser import PASSWORD, sign_in

pytestmark = pytest.mark.asyncio(loop_scope="session")  # the worker's Chromium lives there (conftest)

SECRET = "security-browser-test-secret-32-bytes"
COUNT_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
"""


@pytest.fixture
def guarded(database: Database) -> Iterator[Server]:
    make_tracked_show(database, tmdb_id=3, requesters=1)
    add_account("alice", PASSWORD, "admin")
    server = Server(str(database.url), {"stats_interval": "0.3", "storage_secret": SECRET}).start()
    yield server
    server.stop()


async def violations(page: Page) -> list[str]:
    return await page.evaluate("window.cspViolations")


async def test_every_page_of_the_console_works_under_its_content_security_policy(
    guarded: Server, browser: Browser
) -> None:
    context = await browser.new_context()
    await context.add_init_script(COUNT_VIOLATIONS)
    page = await context.new_page()
    reported: list[str] = []
    page.on("console", lambda m: reported.append(m.text) if "Content Security Policy" in m.text else None)
    answer = await page.goto(f"{guarded.url}/login")
    assert answer is not None and "frame-ancestors 'none'" in answer.headers["content-security-policy"]
    await sign_in(page)
    await expect(page.get_by_role("group", name="Users")).to_contain_text("1")  # tiles drawn, socket live
    await expect(page.locator("canvas").first).to_be_visible()  # the chart is drawn
    for path, shows in (
        ("/users", "fan3_0"),
        ("/requests", "Show 3"),
        ("/episodes", "Episodes"),
        ("/users/1", "Notifications for fan3_0"),
        ("/shows", "fan3_0"),
        ("/shows/3", "Requested by: fan3_0"),
        ("/upcoming", "What Sonarr lists to air"),
        ("/accounts", "alice"),
        ("/tokens", "Access tokens"),
        ("/messages", "Preview with sample data"),
    ):
        await page.goto(f"{guarded.url}{path}")
        await expect(page.get_by_text(shows).first).to_be_visible()
        assert await violations(page) == [], path
    await page.goto(Links(SECRET, guarded.url).manage(1))  # the requester's own page
    await expect(page.get_by_text("Hi fan3_0")).to_be_visible()
    assert await violations(page) == []
    assert reported == []
    # and the counting works: something the policy forbids is counted
    await page.evaluate(
        "document.body.append(Object.assign(new Image(), {src: 'https://elsewhere.example/x.png'}))"
    )
    await page.wait_for_function("window.cspViolations.length === 1")
    assert (await violations(page))[0].startswith("img-src https://elsewhere.example/x.png")
    await context.close()


@pytest.mark.parametrize(
    "next_",
    ["/%09/evil.example/", "/%0a/evil.example/", "/%0d/evil.example/", "//evil.example/", "/%5Cevil.example"],
)
async def test_signing_in_never_leaves_the_site_whatever_next_says(
    guarded: Server, browser: Browser, next_: str
) -> None:
    page = await browser.new_page()
    await page.goto(f"{guarded.url}/login?next={next_}")
    await sign_in(page)
    await expect(page.get_by_text("signed in as alice (admin)")).to_be_visible()
    assert re.match(re.escape(guarded.url) + "/", page.url), page.url
    await page.close()
