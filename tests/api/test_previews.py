"""Previewing the next e-mail a user would get: exactly what the mail server then receives."""

import pytest
from nicegui.testing import User

from application import Airdate
from data.counters import read_stats
from settings import Settings
from standins.smtp import Sink

from ..utils.factories import make_notifications, make_users
from ..utils.waiting import eventually


@pytest.fixture
def sink(mail_server: tuple[Sink, int]) -> Sink:
    return mail_server[0]


@pytest.fixture
def settings(settings: Settings, mail_server: tuple[Sink, int]) -> Settings:
    settings.smtp.host, settings.smtp.port, settings.smtp.tls = "127.0.0.1", mail_server[1], "none"
    settings.smtp.sender = "Airdate <airdate@example.org>"
    settings.delivery.send_interval = 3600.0  # nothing leaves until the test presses "Send pending"
    return settings


def parts(sink: Sink) -> dict[str, str]:
    """The received e-mail's parts, line ends as the preview has them (SMTP carries CRLF)."""
    (mail,) = sink.received
    message = mail.message

    def body(kind: str) -> str:
        return message.get_body((kind,)).get_content().replace("\r\n", "\n")

    return {
        "to": str(message["To"]),
        "subject": str(message["Subject"]),
        "text": body("plain"),
        "html": body("html"),
    }


async def test_the_preview_is_the_email_that_is_then_sent(user: User, airdate: Airdate, sink: Sink) -> None:
    (lena,) = make_users(airdate.database, 1, prefix="lena")
    make_notifications(airdate.database, 2, user_id=lena)
    preview = (await user.http_client.get(f"/api/users/{lena}/next-email")).json()
    assert preview["items"] == 2 and preview["subject"] == "2 new episodes: Note 0, Note 1"
    assert sink.received == [], "a preview sends nothing"
    assert airdate.database.read(read_stats).notifications_pending == 2, "and claims nothing"

    await user.http_client.post("/api/actions/send-pending")
    await eventually(lambda: len(sink.received) == 1, what="the e-mail arrived")
    assert parts(sink) == {key: preview[key] for key in ("to", "subject", "text", "html")}


async def test_nothing_pending_and_unknown_users(user: User, airdate: Airdate) -> None:
    (vic,) = make_users(airdate.database, 1, prefix="vic")
    empty = (await user.http_client.get(f"/api/users/{vic}/next-email")).json()
    assert empty == {
        "username": "vic0",
        "items": 0,
        "to": None,
        "subject": None,
        "text": None,
        "html": None,
        "note": None,
    }
    missing = await user.http_client.get("/api/users/999999/next-email")
    assert missing.status_code == 404 and missing.json()["detail"] == "no user with id 999999"
