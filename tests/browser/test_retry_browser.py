"""Retrying failed notifications from the dashboard in a real Chromium: one row, then all of them."""

import re

import pytest
from playwright.async_api import Browser, expect

from standins.smtp import start_sink

from ..utils.mailing import sending_server
from ..utils.waiting import eventually
from .conftest import connected

pytestmark = pytest.mark.asyncio(loop_scope="session")  # the worker's Chromium lives there (conftest)

SEED = (
    "INSERT INTO users (id, username, email, created_at) VALUES "
    "(1, 'ada', 'ada@example.org', '2026-01-01'), (2, 'bob', 'bob@example.org', '2026-01-01')",
    "INSERT INTO notifications (user_id, subject, body, status, attempts, created_at) VALUES "
    "(1, 'for ada', 'b', 'pending', 0, '2026-01-01'), (2, 'for bob', 'b', 'pending', 0, '2026-01-01')",
)


async def test_an_admin_retries_one_row_then_all_failed(airdate_env: str, browser: Browser) -> None:
    mailbox, controller = start_sink()
    mailbox.refuse_with = "451 Mailbox busy, try later"
    server = sending_server(airdate_env, controller.port, send_attempts="1", stats_interval="0.5").start()
    try:
        server.sql(*SEED)
        failed = "SELECT COUNT(*) FROM notifications WHERE status = 'failed'"
        await eventually(lambda: server.query(failed) == [(2,)], within=20, what="both failed")
        mailbox.refuse_with = None

        page = await browser.new_page()
        await page.goto(server.url)
        ada, bob = page.locator('tr[data-notification="1"]'), page.locator('tr[data-notification="2"]')
        await expect(ada).to_contain_text("failed")
        await expect(bob).to_contain_text("failed")

        await connected(page)
        await ada.get_by_role("button", name="Retry notification 1").click()
        await expect(page.get_by_text("Notification 1 will be sent again")).to_be_visible()
        await expect(ada).to_contain_text("sent", timeout=10_000)  # pending, then sent: through the feed
        await expect(ada.get_by_role("button")).to_have_count(0)
        await expect(bob).to_contain_text("failed")

        await page.get_by_role("button", name="Retry failed", exact=True).click()
        result = page.get_by_text(re.compile(r"^Retry failed: .*1 retried"))  # the result notification
        await expect(result).to_be_visible(timeout=10_000)
        await expect(bob).to_contain_text("sent", timeout=10_000)
        await expect(page.get_by_role("button", name=re.compile(r"^Retry notification"))).to_have_count(0)
        recipients = sorted(mail.recipients[0] for mail in mailbox.received)
        assert recipients == ["ada@example.org", "bob@example.org"]
    finally:
        server.stop()
        controller.stop()
