"""Killing the sending process at the worst moments, counting mails received against notifications.

The server is a real process (SIGKILL, no clean shutdown); the SMTP server is aiosmtpd in this one.
"""

import threading

import pytest

from standins.smtp import Sink

from ..utils.mailing import sending_server
from ..utils.server import Server
from ..utils.waiting import eventually

pytestmark = [pytest.mark.both_databases, pytest.mark.slow]

LEASE = "1"  # seconds: the killed sender's claims are taken back a second after it made them
USER = (
    "INSERT INTO users (id, username, email, created_at) VALUES (1, 'ada', 'ada@example.org', '2026-01-01')"
)
THREE = (
    "INSERT INTO notifications (user_id, subject, body, status, attempts, created_at) VALUES "
    "(1, 'n1', 'b', 'pending', 0, '2026-01-01'), (1, 'n2', 'b', 'pending', 0, '2026-01-01'), "
    "(1, 'n3', 'b', 'pending', 0, '2026-01-01')"
)

FOURTH = (
    "INSERT INTO notifications (user_id, subject, body, status, attempts, created_at) "
    "VALUES (1, 'n4', 'b', 'pending', 0, '2026-01-01')"
)


def statuses(server: Server) -> list[str]:
    return [status for (status,) in server.query("SELECT status FROM notifications ORDER BY id")]


def kill(server: Server) -> None:
    server.process.kill()
    server.process.wait(10)


async def test_a_crash_before_the_server_accepts_loses_nothing(
    airdate_env: str, sink: tuple[Sink, int]
) -> None:
    mailbox, port = sink
    in_data, crashed = threading.Event(), threading.Event()

    def hold_then_refuse() -> None:
        in_data.set()
        crashed.wait(10)
        raise ConnectionResetError("the sender died before we accepted")

    mailbox.before_accept = hold_then_refuse
    first = sending_server(airdate_env, port, claim_lease=LEASE).start()
    first.sql(USER, THREE)
    await eventually(in_data.is_set, within=15)
    assert statuses(first) == ["sending"] * 3, "claimed before sending"
    kill(first)
    crashed.set()
    mailbox.before_accept = None

    second = sending_server(airdate_env, port, claim_lease=LEASE).start()
    try:
        await eventually(lambda: statuses(second) == ["sent"] * 3, within=15)
    finally:
        second.stop()
    assert len(mailbox.received) == 1, "the batch was sent once, after the restart"
    assert [m.subject for m in mailbox.received] == ["3 new episodes: n1, n2, n3"]


async def test_a_crash_after_acceptance_but_before_the_commit_sends_the_batch_twice(
    airdate_env: str, sink: tuple[Sink, int]
) -> None:
    """The one documented duplicate: the server took the mail, Airdate died before recording it."""
    mailbox, port = sink
    first = sending_server(airdate_env, port, claim_lease=LEASE).start()
    mailbox.after_accept = lambda mail: kill(first)
    first.sql(USER, THREE)
    await eventually(lambda: first.process.poll() is not None, within=15)
    mailbox.after_accept = None
    assert len(mailbox.received) == 1
    assert statuses(first) == ["sending"] * 3

    second = sending_server(airdate_env, port, claim_lease=LEASE).start()
    try:
        await eventually(lambda: statuses(second) == ["sent"] * 3, within=15)
    finally:
        second.stop()
    assert len(mailbox.received) == 2


async def test_a_crash_after_the_commit_sends_nothing_again(airdate_env: str, sink: tuple[Sink, int]) -> None:
    mailbox, port = sink
    first = sending_server(airdate_env, port, claim_lease=LEASE).start()
    first.sql(USER, THREE)
    await eventually(lambda: statuses(first) == ["sent"] * 3, within=15)
    kill(first)
    second = sending_server(airdate_env, port, claim_lease=LEASE).start()
    try:  # a fourth notification, sent by the restarted mailer, proves it has looked at the outbox
        second.sql(FOURTH)
        await eventually(lambda: statuses(second) == ["sent"] * 4, within=15)
    finally:
        second.stop()
    assert [m.subject for m in mailbox.received] == ["3 new episodes: n1, n2, n3", "n4"]
