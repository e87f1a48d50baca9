"""RFC 8058 one-click unsubscribe, the way a mail client does it: read ``List-Unsubscribe`` from an
e-mail Airdate sent through a real SMTP server, and POST ``List-Unsubscribe=One-Click`` to it with no
session, no cookie and no Origin."""

import logging
import re
from urllib.parse import urlsplit

import pytest
from sqlmodel import select

from application import Airdate
from data import Database, preferences
from data.counters import read_stats
from data.models import Notification, User
from services.channels import masked
from settings import Settings
from standins.smtp import Sink

from ..utils.console import Console
from ..utils.factories import land_episode, make_tracked_show

ELSEWHERE = "203.0.113.7"  # a mail provider's server, not this machine
ONE_CLICK = {"content": b"List-Unsubscribe=One-Click"}
PUBLIC = "https://notifications.airdate.a-rather-long-domain-name.example.org"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
def settings(settings: Settings, mail_server: tuple[Sink, int]) -> Settings:
    settings.smtp.host, settings.smtp.port, settings.smtp.tls = "127.0.0.1", mail_server[1], "none"
    settings.server.public_url = PUBLIC  # long enough that the header cannot fit in 78 characters
    settings.delivery.send_interval = 3600.0  # nothing leaves until the test sends
    return settings


async def unsubscribe_link(airdate: Airdate, sink: Sink) -> tuple[int, str]:
    """Lena gets an e-mail about one episode; her id and the path of its List-Unsubscribe URL."""
    (lena,) = make_tracked_show(airdate.database, tmdb_id=1, requesters=1)
    land_episode(airdate.database, 1, 1, 1)
    await airdate.notifier.send_due(now_please=True)
    (mail,) = sink.received
    assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    raw = dict(mail.message.raw_items())["List-Unsubscribe"]  # as it came over SMTP, not decoded
    plain = re.fullmatch(r"<([^>\s]+)>", raw)
    assert plain, f"not one plain <URL> (a mail client would not find the link): {raw!r}"
    (url,) = plain.groups()
    assert url.startswith(f"{PUBLIC}/unsubscribe/")
    # more is queued for her, by e-mail and on a channel
    ntfy = "ntfy://127.0.0.1:9/lena"
    airdate.database.write(preferences.add_channel, lena, ntfy, masked(ntfy))
    land_episode(airdate.database, 1, 1, 2)
    return lena, urlsplit(url).path


def lena(database: Database) -> tuple[str, list[str]]:
    """Her mode and the status of each of her notifications."""
    with database.reading() as session:
        user = session.exec(select(User).where(User.username == "fan1_0")).one()
        rows = session.exec(select(Notification.status).order_by(Notification.id)).all()
        return user.notify_mode, list(rows)


async def test_the_emails_one_click_link_turns_notifications_off_without_signing_in(
    console: Console,
    airdate: Airdate,
    database: Database,
    mail_server: tuple[Sink, int],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="airdate.audit")
    user_id, path = await unsubscribe_link(airdate, mail_server[0])
    assert lena(database) == ("as_they_land", ["sent", "pending", "pending"])

    mail_client = console.http_client(ELSEWHERE)  # no cookie, no session, no Origin
    clicked = await mail_client.post(path, headers=FORM, **ONE_CLICK)
    assert clicked.status_code == 200
    assert clicked.json() == {"mode": "off", "skipped": 2}
    assert "airdate_session" not in mail_client.cookies, "nobody was signed in for it"
    assert lena(database) == ("off", ["sent", "skipped", "skipped"])
    assert database.read(read_stats).notifications_skipped == 2
    audit = [r.getMessage() for r in caplog.records if r.name == "airdate.audit"]
    assert (
        f"user {user_id} unsubscribed with the one-click link of an e-mail; 2 queued item(s) skipped" in audit
    )

    bare = await console.http_client(ELSEWHERE).post(path)  # some clients send no body at all
    assert (bare.status_code, bare.json()) == (200, {"mode": "off", "skipped": 0})
    assert len(mail_server[0].received) == 1
    await airdate.notifier.send_due(now_please=True)
    assert len(mail_server[0].received) == 1, "nothing more is sent to her"


async def test_a_changed_link_is_refused_and_changes_nothing(
    console: Console, airdate: Airdate, database: Database, mail_server: tuple[Sink, int]
) -> None:
    _, path = await unsubscribe_link(airdate, mail_server[0])
    prefix, token = path.rsplit("/", 1)
    for position in (0, len(token) // 2, token.index(".") + 1):
        changed = token[:position] + ("A" if token[position] != "A" else "B") + token[position + 1 :]
        refused = await console.http_client(ELSEWHERE).post(f"{prefix}/{changed}", headers=FORM, **ONE_CLICK)
        assert refused.status_code == 403, changed
        assert (
            refused.json()["detail"]
            == "this link is not valid: it was changed, replaced by a newer one, or not made here"
        )
    other_secret = await console.http_client(ELSEWHERE).post(
        "/unsubscribe/MQ.c2lnbmVkLWVsc2V3aGVyZQ", headers=FORM, **ONE_CLICK
    )
    assert other_secret.status_code == 403
    assert lena(database) == ("as_they_land", ["sent", "pending", "pending"])


async def test_a_valid_link_for_a_user_who_is_gone_is_404(console: Console, airdate: Airdate) -> None:
    links = airdate.notifier.links
    assert links is not None
    gone = urlsplit(links.unsubscribe(999_999)).path
    answer = await console.http_client(ELSEWHERE).post(gone, headers=FORM, **ONE_CLICK)
    assert (answer.status_code, answer.json()["detail"]) == (404, "this link's user no longer exists")


async def test_the_api_description_says_the_link_is_its_own_credential(console: Console) -> None:
    paths = (await console.http_client().get("/openapi.json")).json()["paths"]
    one_click = paths["/unsubscribe/{token}"]["post"]
    assert one_click["security"] == []
    assert one_click["x-airdate-access"] == "a link Airdate signed for one user (no account)"
    assert paths["/api/users/{user_id}/preferences"]["put"]["security"] == [{"bearer": []}]


async def test_an_admin_replaces_a_users_links_and_only_the_new_ones_work(
    console: Console,
    airdate: Airdate,
    database: Database,
    mail_server: tuple[Sink, int],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="airdate.audit")
    user_id, old = await unsubscribe_link(airdate, mail_server[0])
    admin = console.http_client()  # this machine, no account yet: the open console
    rotated = await admin.post(f"/api/users/{user_id}/links/rotate", headers={"Origin": "http://localhost"})
    assert rotated.status_code == 204
    assert any(f"replaced the links of user {user_id}" in r.getMessage() for r in caplog.records)
    refused = await console.http_client(ELSEWHERE).post(old, headers=FORM, **ONE_CLICK)
    assert (refused.status_code, refused.json()["detail"]) == (
        403,
        "this link is not valid: it was changed, replaced by a newer one, or not made here",
    )
    assert lena(database) == ("as_they_land", ["sent", "pending", "pending"]), "the old link changed nothing"

    await airdate.notifier.send_due(now_please=True)  # the next e-mail carries a new link
    newer = mail_server[0].received[-1].message["List-Unsubscribe"].strip("<>")
    assert urlsplit(newer).path != old
    clicked = await console.http_client(ELSEWHERE).post(urlsplit(newer).path, headers=FORM, **ONE_CLICK)
    assert clicked.status_code == 200
    assert lena(database)[0] == "off"
    gone = await admin.post("/api/users/999999/links/rotate", headers={"Origin": "http://localhost"})
    assert (gone.status_code, gone.json()["detail"]) == (404, "there is no user 999999")
