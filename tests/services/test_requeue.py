"""Mail refused until notifications fail, then accepted: the retry-failed action gets them sent.

A real server process, a real SMTP server (aiosmtpd in this process), the action started over REST."""

import httpx
import pytest

from standins.smtp import Sink

from ..utils.accounts import add_token
from ..utils.mailing import sending_server
from ..utils.server import Server
from ..utils.waiting import eventually

pytestmark = pytest.mark.both_databases

USERS = (
    "INSERT INTO users (id, username, email, created_at) VALUES "
    "(1, 'ada', 'ada@example.org', '2026-01-01'), (2, 'bob', 'bob@example.org', '2026-01-01')"
)
NOTIFICATIONS = (
    "INSERT INTO notifications (user_id, subject, body, status, attempts, created_at) VALUES "
    "(1, 'n1', 'b', 'pending', 0, '2026-01-01'), (1, 'n2', 'b', 'pending', 0, '2026-01-01'), "
    "(2, 'n3', 'b', 'pending', 0, '2026-01-01')"
)


def statuses(server: Server) -> list[tuple[str, int]]:
    return server.query("SELECT status, attempts FROM notifications ORDER BY id")


async def test_refused_mail_fails_then_retry_failed_sends_it(
    airdate_env: str, sink: tuple[Sink, int]
) -> None:
    mailbox, port = sink
    mailbox.refuse_with = "451 Mailbox busy, try later"
    token = add_token("ops", "admin")
    admin = {"Authorization": f"Bearer {token}"}
    # one attempt: the server's backoff between attempts (60 s) is not a setting
    server = sending_server(airdate_env, port, send_attempts="1", stats_interval="0.2").start()
    try:
        server.sql(USERS, NOTIFICATIONS)
        await eventually(lambda: statuses(server) == [("failed", 1)] * 3, within=20, what="failed")
        assert server.stats()["notifications"]["failed"] == 3
        assert mailbox.received == []

        mailbox.refuse_with = None
        async with httpx.AsyncClient(base_url=server.url, headers=admin) as api:
            started = await api.post("/api/actions/retry-failed")
            assert started.status_code == 202
            assert started.json()["started_by"] == "token ops"

            async def finished() -> bool:
                job = (await api.get(f"/api/jobs/{started.json()['job_id']}")).json()
                return job["status"] != "running"

            await eventually(finished, within=15, what="the job ended")
            job = (await api.get(f"/api/jobs/{started.json()['job_id']}")).json()
        assert job["status"] == "succeeded", job
        assert job["counts"]["retried"] == 3
        assert statuses(server) == [("sent", 1)] * 3
        recipients = sorted(mail.recipients[0] for mail in mailbox.received)
        assert recipients == ["ada@example.org", "bob@example.org"], "one e-mail per user"
        await eventually(lambda: server.stats()["notifications"]["failed"] == 0, what="the stats followed")
        assert server.stats()["notifications"]["sent"] == 3
    finally:
        printed = server.stop()
    assert "retry-failed started by token ops" in printed
