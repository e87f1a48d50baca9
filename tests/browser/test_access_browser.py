"""Signing in and out, accounts and tokens, in a real Chromium against a server that has accounts."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from ..utils.accounts import add_account
from ..utils.server import Server, run_cli
from .conftest import connected

pytestmark = pytest.mark.asyncio(loop_scope="session")  # the worker's Chromium lives there (conftest)

SEED_PAGE = Path(__file__).with_name("seed_admin.html")
PASSWORD = "alice-password"


@pytest.fixture
def guarded(airdate_env: str) -> Iterator[Server]:
    add_account("alice", PASSWORD, "admin")
    server = Server(airdate_env, {"stats_interval": "0.2"}).start()
    yield server
    server.stop()


async def sign_in(page: Page, name: str = "alice", password: str = PASSWORD) -> None:
    await page.get_by_role("textbox", name="User name").fill(name)
    await page.get_by_role("textbox", name="Password").fill(password)
    await page.get_by_role("button", name="Sign in").click()


async def test_sign_in_watch_the_tiles_move_and_sign_out(guarded: Server, browser: Browser) -> None:
    page = await browser.new_page()
    await page.goto(f"{guarded.url}/users")
    await expect(page).to_have_url(re.compile(r"/login\?next=/users$"))
    await sign_in(page, password="not the password")
    await expect(page.get_by_role("alert")).to_have_text("wrong user name or password")
    await sign_in(page)
    await expect(page).to_have_url(f"{guarded.url}/users")  # back to the page asked for
    await expect(page.get_by_text("signed in as alice (admin)")).to_be_visible()

    await page.goto(guarded.url)
    users = page.get_by_role("group", name="Users").locator(".text-3xl")
    await expect(users).to_have_text("0")
    guarded.sql("INSERT INTO users (username, email, created_at) VALUES ('new', 'n@x', '2026-01-01')")
    await expect(users).to_have_text("1")  # live, no reload

    await connected(page)
    await page.get_by_role("button", name="Menu").click()
    await page.get_by_role("button", name="Sign out").click()
    await expect(page).to_have_url(f"{guarded.url}/login")
    await page.goto(guarded.url)
    await expect(page).to_have_url(re.compile(r"/login\?next=/$"))


async def test_the_seeds_event_source_works_signed_in_and_gets_401_when_not(
    guarded: Server, browser: Browser
) -> None:
    context = await browser.new_context()
    anonymous = await context.new_page()
    async with anonymous.expect_response(lambda r: r.url.endswith("/sse/stats")) as refused:
        await open_test_page_in(anonymous, guarded.url)
    assert (await refused.value).status == 401
    await expect(anonymous.locator("#totalUsers")).to_have_text("-")

    login = await context.new_page()
    await login.goto(f"{guarded.url}/login")
    await sign_in(login)
    await expect(login.get_by_text("signed in as alice (admin)")).to_be_visible()
    seed = await context.new_page()  # the same browser: it carries the session cookie
    await open_test_page_in(seed, guarded.url)
    await expect(seed.locator("#totalUsers")).to_have_text("0")
    guarded.sql("INSERT INTO users (username, email, created_at) VALUES ('seen', 's@x', '2026-01-01')")
    await expect(seed.locator("#totalUsers")).to_have_text("1")
    await context.close()


async def open_test_page_in(page: Page, origin: str) -> None:
    url = f"{origin}/{SEED_PAGE.name}"
    await page.route(url, lambda route: route.fulfill(path=SEED_PAGE))
    await page.goto(url)


async def test_an_admin_adds_an_account_and_makes_and_revokes_a_token(
    guarded: Server, browser: Browser
) -> None:
    page = await browser.new_page()
    await page.goto(f"{guarded.url}/accounts")
    await sign_in(page)
    await connected(page, "/accounts")
    await page.get_by_role("textbox", name="New user name").fill("vic")
    await page.get_by_role("textbox", name="Password", exact=True).fill("viewer-password")
    await page.get_by_role("textbox", name="Password again").fill("viewer-password")
    await page.get_by_role("button", name="Add account").click()
    await expect(page.get_by_role("cell", name="vic", exact=True)).to_be_visible()
    await page.get_by_role("button", name="Reset the password of vic").click()
    await page.get_by_role("textbox", name="New password", exact=True).fill("another-password")
    await page.get_by_role("textbox", name="New password again").fill("another-password")
    await page.get_by_role("button", name="Save").click()
    await expect(page.get_by_text("Changed the password of vic.")).to_be_visible()
    await page.get_by_role("button", name="Remove vic").click()
    await page.get_by_role("button", name="Remove", exact=True).click()
    await expect(page.get_by_role("cell", name="vic", exact=True)).to_have_count(0)
    assert "vic" not in run_cli("accounts", "list").stdout

    await page.goto(f"{guarded.url}/tokens")
    await connected(page)
    await page.get_by_role("textbox", name="Token name").fill("grafana")
    await page.get_by_role("button", name="Create token").click()
    shown = page.get_by_role("textbox", name="New token")
    await expect(shown).to_have_value(re.compile(r"^adt_[\w-]{40,}$"))
    token = await shown.input_value()
    await page.get_by_role("button", name="Done").click()
    await expect(shown).to_have_count(0)
    await expect(page.get_by_role("cell", name="grafana", exact=True)).to_be_visible()
    assert token not in await page.content(), "shown once, then only its name"

    await page.get_by_role("button", name="Revoke grafana").click()
    await page.get_by_role("button", name="Revoke", exact=True).click()
    await expect(page.get_by_role("cell", name="grafana", exact=True)).to_have_count(0)


async def test_a_viewer_sees_no_actions_and_no_admin_pages(guarded: Server, browser: Browser) -> None:
    add_account("vic", "viewer-password")
    page = await browser.new_page()
    await page.goto(f"{guarded.url}/login")
    await sign_in(page, "vic", "viewer-password")
    await expect(page.get_by_text("signed in as vic (viewer)")).to_be_visible()
    await expect(page.get_by_role("group", name="Users")).to_be_visible()
    await expect(page.get_by_role("button", name="Sync users")).to_have_count(0)
    await connected(page)
    await page.get_by_role("button", name="Menu").click()
    await expect(page.get_by_role("listitem", name="Users")).to_be_visible()
    await expect(page.get_by_role("listitem", name="Accounts")).to_have_count(0)
    await expect(page.get_by_role("listitem", name="Messages")).to_have_count(0)


async def test_after_five_wrong_passwords_the_form_says_to_wait(guarded: Server, browser: Browser) -> None:
    page = await browser.new_page()
    await page.goto(f"{guarded.url}/login")
    for _ in range(5):
        await sign_in(page, "alice", "guessing-again")
        await expect(page.get_by_role("alert")).to_have_text("wrong user name or password")
    posted = lambda r: r.url.endswith("/login") and r.request.method == "POST"  # noqa: E731
    async with page.expect_response(posted) as answer:
        await sign_in(page)  # even the right password, for now
    assert (await answer.value).status == 429
    await expect(page.get_by_role("alert")).to_have_text("too many attempts, wait 15 minutes")
    # another admin sees the lock on the Accounts page and clears it: alice gets in at once
    add_account("bob", PASSWORD, "admin")
    admin = await (await browser.new_context()).new_page()
    await admin.goto(f"{guarded.url}/accounts")
    await sign_in(admin, "bob")
    await connected(admin, "/accounts")
    locks = admin.get_by_role("table").filter(has_text="Tries")
    await expect(locks).to_contain_text("alice")
    await expect(locks).to_contain_text("127.0.0.1")
    await admin.get_by_role("button", name="Clear the sign-in lock of alice from 127.0.0.1").click()
    await expect(locks).not_to_contain_text("alice")
    await sign_in(page)
    await expect(page.get_by_text("signed in as alice (admin)")).to_be_visible()
