"""Batched delivery to a real SMTP server (aiosmtpd on loopback)."""

import logging
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlmodel import select

from data import Database
from data.counters import read_stats
from data.models import Notification, NotificationStatus, User, utcnow
from live import Hub, LogRelay
from live.hub import LOG
from services.mailer import Smtp
from services.notifier import Notifier
from standins.smtp import Sink, start_sink

from ..utils.factories import land_episode, make_tracked_show, make_users

pytestmark = pytest.mark.both_databases


@pytest.fixture
def sink() -> Iterator[Sink]:
    sink, controller = start_sink()
    sink.port = controller.port  # type: ignore[attr-defined]
    yield sink
    controller.stop()


def mailer(database: Database, sink: Sink, delay: float = 300, attempts: int = 3) -> Notifier:
    smtp = Smtp("127.0.0.1", sink.port, "none", "", "", "Airdate <airdate@example.org>")  # type: ignore[attr-defined]
    return Notifier(database, smtp, grouping_delay=delay, attempts=attempts, backoff=0)


def statuses(database: Database) -> list[str]:
    with database.reading() as session:
        return [n.status for n in session.exec(select(Notification).order_by(Notification.id)).all()]


def age_all(database: Database, seconds: float) -> None:
    with database.transaction() as session:
        for row in session.exec(select(Notification)).all():
            row.created_at = utcnow() - timedelta(seconds=seconds)
            session.add(row)


async def test_a_users_episodes_go_in_one_email_once_the_newest_is_old_enough(
    database: Database, sink: Sink
) -> None:
    make_tracked_show(database, tmdb_id=1, requesters=1)
    make_tracked_show(database, tmdb_id=2, requesters=0)
    with database.transaction() as session:  # the same person also requested show 2
        from data.models import MediaType, User
        from data.writes import add_request

        add_request(session, session.get(User, 1), MediaType.TV, "Show 2", 2)
    for number in (1, 2):
        land_episode(database, 1, 1, number)
    land_episode(database, 2, 3, 7)
    sender = mailer(database, sink)

    assert (await sender.send_due()).done == 0, "the newest item is younger than the grouping delay"
    assert sink.received == []

    age_all(database, 301)
    progress = await sender.send_due()
    assert dict(progress.counts) == {"sent": 1, "notifications": 3}
    (mail,) = sink.received
    assert mail.recipients == ["fan1_0@example.org"]
    assert mail.subject == "3 new episodes: Show 1, Show 2"
    assert "Show 1\n  - S01E01 \u201cEpisode 1\u201d\n  - S01E02 \u201cEpisode 2\u201d" in mail.text
    assert "Show 2\n  - S03E07" in mail.text
    assert ">Show 1</h2>" in mail.html and "<strong>S01E01</strong> Episode 1</p>" in mail.html
    assert statuses(database) == ["sent"] * 3
    assert database.read(read_stats).notifications_sent == 3

    assert (await sender.send_due(now_please=True)).done == 0, "never an empty batch"
    assert len(sink.received) == 1


async def test_the_delay_counts_from_the_newest_pending_item(database: Database, sink: Sink) -> None:
    make_tracked_show(database, tmdb_id=1, requesters=1)
    land_episode(database, 1, 1, 1)
    age_all(database, 1000)
    land_episode(database, 1, 1, 2)  # just landed: the batch waits for it
    assert (await mailer(database, sink).send_due()).done == 0
    assert (await mailer(database, sink, delay=0).send_due()).counts["notifications"] == 2
    assert len(sink.received) == 1


async def test_a_refused_mail_is_retried_then_marked_failed_with_the_error(
    database: Database, sink: Sink
) -> None:
    make_tracked_show(database, tmdb_id=1, requesters=1)
    land_episode(database, 1, 1, 1)
    sink.refuse_with = "451 Mailbox busy, try later"
    sender = mailer(database, sink, delay=0, attempts=2)
    assert (await sender.send_due()).counts["retrying"] == 1
    assert statuses(database) == ["pending"]
    assert (await sender.send_due()).counts["failed"] == 1
    with database.reading() as session:
        (row,) = session.exec(select(Notification)).all()
    assert (row.status, row.attempts) == (NotificationStatus.FAILED, 2)
    assert "451" in row.last_error and "Mailbox busy" in row.last_error
    assert database.read(read_stats).notifications_failed == 1
    assert sink.received == []


async def test_an_unreachable_smtp_server_keeps_the_batch_pending(database: Database, sink: Sink) -> None:
    make_tracked_show(database, tmdb_id=1, requesters=1)
    land_episode(database, 1, 1, 1)
    sender = mailer(database, sink, delay=0)
    sender.smtp = Smtp("127.0.0.1", 1, "none", "", "", "a@b.c", timeout=2)
    assert (await sender.send_due()).counts["retrying"] == 1
    assert statuses(database) == ["pending"]


async def test_a_user_without_an_email_address_has_their_email_skipped_not_retried(
    database: Database, sink: Sink
) -> None:
    (user_id,) = make_users(database, 1)
    with database.transaction() as session:
        session.add(Notification(user_id=user_id, subject="s", body="b"))
        user = session.get(User, user_id)
        user.email = ""
        session.add(user)
    sender = mailer(database, sink, delay=0, attempts=5)
    assert (await sender.send_due()).counts["skipped"] == 1
    with database.reading() as session:
        item = session.exec(select(Notification)).one()
    assert (item.status, item.last_error, item.attempts) == ("skipped", "the user has no e-mail address", 0)
    assert sink.received == []


async def test_a_refused_recipients_address_reaches_log_viewers_masked(
    database: Database, sink: Sink
) -> None:
    """A mail server's refusal names the recipient; viewers (and read tokens) of ``log`` events must not
    get whole addresses, the stored error keeps it for the admin."""
    make_tracked_show(database, tmdb_id=1, requesters=1)
    land_episode(database, 1, 1, 1)
    sink.unknown_recipients = {"fan1_0@example.org"}
    hub = Hub()
    relay = LogRelay(hub, logging.INFO)
    relay.attach()
    try:
        assert (await mailer(database, sink, delay=0).send_due()).counts["retrying"] == 1
    finally:
        relay.detach()
    said = " | ".join(event.payload["message"] for event in hub.recent(LOG, 50))
    assert "Recipient address rejected" in said, said
    assert "f***@example.org" in said
    assert "fan1_0@example.org" not in said
