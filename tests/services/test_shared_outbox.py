"""Several Airdate processes sending from one database: every notification is mailed exactly once.

Real server processes (one is killed with SIGKILL in the middle of a batch), a real SMTP server
(aiosmtpd in this process), on SQLite and on PostgreSQL.
"""

import re
import threading
from collections import Counter

import pytest

from standins.smtp import Sink

from ..utils.mailing import sending_server
from ..utils.waiting import eventually

# alone: three sending processes, one killed mid-batch
pytestmark = [pytest.mark.both_databases, pytest.mark.slow, pytest.mark.alone]

USERS, EACH = 50, 10
LEASE = 600  # seconds: far longer than the second sender needs to send everything else, however loaded
TAKE_OVER = 1  # the third sender's lease: the dead sender's claim, older than that, is taken back at once
DATA = (
    f"WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < {USERS}) "
    "INSERT INTO users (username, email, created_at) "
    "SELECT 'u' || x, 'u' || x || '@example.org', '2026-01-01' FROM n",
    f"WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < {EACH}) "
    "INSERT INTO notifications (user_id, subject, body, status, attempts, created_at) "
    "SELECT u.id, u.username || '-' || n.x, 'b', 'pending', 0, '2026-01-01' FROM users u, n",
)


async def test_three_senders_one_killed_mid_batch_mail_every_notification_exactly_once(
    airdate_env: str, sink: tuple[Sink, int]
) -> None:
    mailbox, port = sink
    held, crashed = threading.Event(), threading.Event()

    def hold_the_first_mail_until_its_sender_is_killed() -> None:
        if not held.is_set():
            held.set()
            crashed.wait(60)
            raise ConnectionResetError("the sender died before we accepted")

    mailbox.before_accept = hold_the_first_mail_until_its_sender_is_killed
    first = sending_server(airdate_env, port, claim_lease=str(LEASE)).start()
    first.sql(*DATA)
    await eventually(held.is_set, within=15)
    second = sending_server(airdate_env, port, claim_lease=str(LEASE)).start()
    third = None
    try:
        await eventually(lambda: len(mailbox.received) == USERS - 1, within=30)
        sending = "SELECT user_id, claimed_by FROM notifications WHERE status = 'sending'"
        await eventually(lambda: len(first.query(sending)) == EACH, within=15)  # the others are recorded
        held_rows = first.query(sending)
        assert len(set(held_rows)) == 1, "one batch, still claimed"
        assert f":{first.process.pid}:" in held_rows[0][1], "by the first sender, alive: nobody took it"

        first.process.kill()
        first.process.wait(10)
        crashed.set()
        third = sending_server(airdate_env, port, claim_lease=str(TAKE_OVER)).start()
        await eventually(lambda: len(mailbox.received) == USERS, within=30)
        await eventually(
            lambda: (
                second.query("SELECT COUNT(*) FROM notifications WHERE status = 'sent'") == [(USERS * EACH,)]
            ),
            within=15,
        )
    finally:
        for server in (second, third):
            if server is not None:
                server.stop()

    recipients = Counter(address for mail in mailbox.received for address in mail.recipients)
    assert len(recipients) == USERS and set(recipients.values()) == {1}, "one e-mail per user"
    items = Counter(re.findall(r"\bu\d+-\d+\b", " ".join(mail.text for mail in mailbox.received)))
    assert len(items) == USERS * EACH and set(items.values()) == {1}, "every notification exactly once"
