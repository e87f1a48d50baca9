"""The Messages page in a real Chromium: an admin edits the subject and the preview follows, a template
with a syntax error is refused with its line (nothing saved), a good one is saved and the next e-mail
(through the SMTP sink) carries it, and restoring the previous version puts that one back in force."""

from collections.abc import Iterator

import pytest
from playwright.async_api import Browser, expect

from data import Database
from standins.smtp import Sink, start_sink

from ..utils.accounts import add_account
from ..utils.factories import land_episode, make_tracked_show
from ..utils.mailing import sending_server
from ..utils.waiting import eventually
from .conftest import connected
from .test_access_browser import PASSWORD, sign_in

pytestmark = pytest.mark.asyncio(loop_scope="session")  # the worker's Chromium lives there (conftest)

COUNT = "SELECT count(*) FROM message_templates"
IN_FORCE = "SELECT source FROM message_templates ORDER BY id DESC LIMIT 1"


@pytest.fixture
def mail_sink() -> Iterator[tuple[Sink, int]]:
    sink, controller = start_sink()
    yield sink, controller.port
    controller.stop()


@pytest.fixture
def admin(airdate_env: str) -> str:
    add_account("alice", PASSWORD, "admin")
    return "alice"


async def test_an_admin_edits_previews_saves_sends_and_restores_the_subject(
    database: Database, admin: str, browser: Browser, mail_sink: tuple[Sink, int]
) -> None:
    mailbox, port = mail_sink
    make_tracked_show(database, tmdb_id=5, requesters=1)
    server = sending_server(str(database.url), port).start()
    try:
        page = await browser.new_page()
        await page.goto(f"{server.url}/messages")
        await sign_in(page)
        await connected(page, "/messages")
        subject = page.get_by_test_id("preview-subject")
        await expect(subject).to_have_text("Subject: 3 new episodes: Severance, The Bear")  # built-in, sample

        template = page.get_by_role("textbox", name="subject template")
        save = page.get_by_role("button", name="Save the subject template")
        await template.fill("Hello {{ person.name }}")
        await expect(subject).to_have_text("Subject: Hello Sam Sample")  # live, nothing saved
        await template.fill("Oops {{ person.name ")
        await save.click()
        await expect(page.get_by_test_id("error-subject")).to_contain_text("Not saved: line 1:")
        assert server.query(COUNT) == [(0,)]

        await template.fill("First: {{ episodes|length }} for {{ person.name }}")
        await save.click()
        await expect(page.get_by_text("Saved the subject template.")).to_be_visible()
        await expect(page.get_by_test_id("error-subject")).to_have_text("")
        await template.fill("Second: {{ episodes[0].show }} for {{ person.name }}")
        await expect(subject).to_have_text("Subject: Second: Severance for Sam Sample")
        await save.click()
        versions = page.get_by_test_id("versions-subject").locator("tbody tr")
        await expect(versions).to_have_count(2)
        await expect(versions.first).to_contain_text("alice")

        land_episode(database, 5, 1, 1)
        await eventually(lambda: len(mailbox.received) == 1, what="the e-mail arrived", within=15)
        assert mailbox.received[0].subject == "Second: Show 5 for fan5_0"

        await page.get_by_role("button", name="Restore version 1").click()
        await expect(page.get_by_text("Restored the subject template.")).to_be_visible()
        await expect(template).to_have_value("First: {{ episodes|length }} for {{ person.name }}")
        await expect(versions).to_have_count(3)
        assert server.query(IN_FORCE) == [("First: {{ episodes|length }} for {{ person.name }}",)]
        land_episode(database, 5, 1, 2)
        await eventually(lambda: len(mailbox.received) == 2, what="the next e-mail arrived", within=15)
        assert mailbox.received[1].subject == "First: 1 for fan5_0"
    finally:
        server.stop()
