"""Real-browser fixtures: Playwright driving Debian's Chromium (browsers cannot be downloaded here)."""

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Browser, Page, async_playwright, expect

CHROMIUM = Path("/usr/bin/chromium")
# How long an `expect(...)` waits for what a user would see. Playwright's 5 s default was met, in full
# parallel runs on 2 cores (two workers, each with a Chromium, a server and PostgreSQL), by a click whose
# page came 5 s later; the tests wait on what is shown, so a longer bound costs time only when one fails.
EXPECT_TIMEOUT_MS = 15_000
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: `make test` installs it (apt-get install chromium)")
    return str(CHROMIUM)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def chromium(chromium_path: str) -> AsyncIterator[Browser]:
    """One Chromium per worker (a launch cost ~1 s of CPU per test, ~40 s of the suite); each test gets
    contexts of its own (see :func:`browser`). Browser tests run in the session's event loop, where this
    lives (tests/conftest.py marks them)."""
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=chromium_path, args=ARGS)
        yield launched
        await launched.close()


@pytest_asyncio.fixture(loop_scope="session")
async def browser(chromium: Browser, request: pytest.FixtureRequest) -> AsyncIterator[Browser]:
    """The worker's Chromium, as fresh as a new one to the test: every page or context the test opens
    (``browser.new_page()`` makes a context per page: cookies, storage and permissions of its own) is
    closed after it. A test outside the session's event loop fails here, saying what to add."""
    in_loop = request.node.get_closest_marker("asyncio")
    if in_loop is None or in_loop.kwargs.get("loop_scope") != "session":
        pytest.fail(
            f"{request.node.nodeid} uses the worker's Chromium, which lives in the session's event loop: "
            "give its module pytestmark = pytest.mark.asyncio(loop_scope='session')",
            pytrace=False,
        )
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    before = set(chromium.contexts)
    yield chromium
    for context in [c for c in chromium.contexts if c not in before]:
        await context.close()


async def connected(page: Page, path: str | None = None) -> None:
    """Wait until the page (at ``path``, when given: after a sign-in the form's page is still up for a
    moment) has finished NiceGUI's handshake. A page's rows are drawn before it; a click that comes
    earlier waits in the page, and is lost if the handshake fails and the page reloads (seen under load,
    twice in full runs: a Mailbox row, a sign-in lock's Clear button)."""
    if path is not None:
        await expect(page).to_have_url(re.compile(re.escape(path) + r"(\?.*)?$"))
    await page.wait_for_function("() => window.did_handshake === true")


async def open_test_page(browser: Browser, origin: str, page_file: Path) -> Page:
    """Open a page of the tests' own on the app's origin: the browser serves it (route), so the app
    ships no test page, yet the page's EventSource talks to the app same-origin."""
    page = await browser.new_page()
    url = f"{origin}/{page_file.name}"
    await page.route(url, lambda route: route.fulfill(path=page_file))
    await page.goto(url)
    return page
