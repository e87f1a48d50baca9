"""Delivery through Apprise to loopback servers standing in for the services (a JSON webhook, ntfy),
next to e-mail through a real SMTP server: each channel is sent, retried and recorded on its own."""

import logging
from collections.abc import Iterator

import pytest
from sqlmodel import select

from data import Database, preferences
from data.counters import read_stats
from data.models import Notification
from services.channels import ChannelError, masked, send
from services.mailer import Smtp
from services.notifier import Notifier
from standins.smtp import Sink
from standins.webhook_sink import WebhookSink

from ..utils.factories import land_episode, make_tracked_show

SECRET = "hunter2secret"


@pytest.fixture
def hooks() -> Iterator[WebhookSink]:
    with WebhookSink() as sink:
        yield sink


def notifier(database: Database, smtp_port: int, attempts: int = 3) -> Notifier:
    smtp = Smtp("127.0.0.1", smtp_port, "none", "", "", "Airdate <airdate@example.org>")
    return Notifier(database, smtp, grouping_delay=0, attempts=attempts, backoff=0)


def deliveries(database: Database) -> list[tuple[str, str, int]]:
    """(channel, status, attempts) of every notification: the user's e-mail or a channel's label."""
    labels = {None: "e-mail"}
    with database.reading() as session:
        from data.models import Channel

        labels |= {c.id: c.label for c in session.exec(select(Channel)).all()}
        rows = session.exec(select(Notification).order_by(Notification.id)).all()
        return [(labels[row.channel_id], row.status, row.attempts) for row in rows]


async def test_json_and_ntfy_urls_reach_the_service_with_title_and_body(hooks: WebhookSink) -> None:
    await send(f"json://bob:{SECRET}@127.0.0.1:{hooks.port}/hook", "New episode", "S01E01 is out")
    await send(f"ntfy://127.0.0.1:{hooks.port}/airdate-lena", "New episode", "S01E02 is out")
    webhook, ntfy = hooks.hits
    assert webhook.path == "/hook"
    assert (webhook.json()["title"], webhook.json()["message"]) == ("New episode", "S01E01 is out")
    assert webhook.headers["Authorization"].startswith("Basic "), "the URL's user and password are used"
    assert ntfy.json() == {"topic": "airdate-lena", "title": "New episode", "message": "S01E02 is out"}
    hooks.fail_with = 500
    with pytest.raises(ChannelError, match="error=500"):
        await send(f"ntfy://127.0.0.1:{hooks.port}/airdate-lena", "t", "b")


@pytest.mark.both_databases
async def test_a_failing_channel_is_retried_on_its_own_while_the_email_is_not_sent_again(
    database: Database, sink: tuple[Sink, int], hooks: WebhookSink, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    mails, smtp_port = sink
    (lena,) = make_tracked_show(database, tmdb_id=1, requesters=1)
    url = f"json://bob:{SECRET}@127.0.0.1:{hooks.port}/hook"
    label = masked(url)
    database.write(preferences.add_channel, lena, url, label)
    land_episode(database, 1, 1, 1)
    assert deliveries(database) == [("e-mail", "pending", 0), (label, "pending", 0)]
    sender = notifier(database, smtp_port)

    hooks.fail_with = 500
    first = await sender.send_due()
    assert (first.counts["sent"], first.counts["retrying"]) == (1, 1)
    assert deliveries(database) == [("e-mail", "sent", 1), (label, "pending", 1)]
    with database.reading() as session:
        waiting = session.exec(select(Notification).where(Notification.channel_id.is_not(None))).one()
        assert "500" in waiting.last_error and SECRET not in waiting.last_error

    hooks.fail_with = None
    second = await sender.send_due()
    assert (second.counts["sent"], second.counts["retrying"]) == (1, 0)
    assert deliveries(database) == [("e-mail", "sent", 1), (label, "sent", 2)]
    assert len(mails.received) == 1, "the e-mail went once, though its sibling was retried"
    assert [hit.json()["title"] for hit in hooks.hits] == ["New episode: Show 1 S01E01"] * 2
    assert "**Show 1**\n\n- **S01E01** Episode 1" in hooks.hits[-1].json()["message"], "Markdown"
    assert database.read(read_stats).notifications_sent == 2
    logged = [record.getMessage() for record in caplog.records]
    assert any(label in line and "will retry" in line for line in logged), "the failure names the channel"
    assert not [line for line in logged if SECRET in line], "the password was logged"


@pytest.mark.both_databases
async def test_a_channel_out_of_attempts_fails_and_the_others_are_sent(
    database: Database, sink: tuple[Sink, int], hooks: WebhookSink
) -> None:
    (lena,) = make_tracked_show(database, tmdb_id=1, requesters=1)
    database.write(preferences.update, lena, email_enabled=False)
    down = f"ntfy://127.0.0.1:{hooks.port}/down"
    database.write(preferences.add_channel, lena, down, masked(down))
    with WebhookSink() as other:
        up = f"json://127.0.0.1:{other.port}/up"
        database.write(preferences.add_channel, lena, up, masked(up))
        land_episode(database, 1, 1, 1)
        hooks.fail_with = 503
        sender = notifier(database, sink[1], attempts=2)
        await sender.send_due()
        await sender.send_due()
        assert len(other.hits) == 1
    assert deliveries(database) == [(masked(down), "failed", 2), (masked(up), "sent", 1)]
    assert sink[0].received == [], "e-mail is off for this user: none was queued"
    assert database.read(read_stats).notifications_failed == 1


def test_a_mistyped_url_is_refused_with_a_reason_and_no_error_in_the_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    for url in ("hello", "nosuch://x/y", "discord://12345/", f"json://bob:{SECRET}@/x"):
        with pytest.raises(ValueError):
            masked(url)
    noisy = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert noisy == [], "a typo is the caller's answer, not the server's error log"


def test_two_urls_in_one_are_refused_since_the_label_would_hide_the_second(hooks: WebhookSink) -> None:
    for joined in (", ", " ", ","):
        with pytest.raises(ValueError, match="a channel is one URL"):
            masked(f"ntfy://127.0.0.1:{hooks.port}/t{joined}json://evil.example/x")
