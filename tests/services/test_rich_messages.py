"""What a person receives: the episode itself (title, air time in their zone, runtime, overview, the
show's poster) and a way to watch it, as Sonarr and Jellyseerr said it — through a real SMTP server and a
json:// Apprise channel, with posters from a stand-in image host."""

import base64
import json
import logging
import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import select

from data import Database, preferences, seasons
from data.batches import Batch
from data.models import ShowFacts, User
from services import channels, mailer
from services.jellyseerr import sync_requests, sync_users
from services.links import Links
from services.mailer import Smtp
from services.message import PLAIN_WIDTH
from services.notifier import Notifier
from services.progress import Progress
from services.sonarr import Webhook, receive_import
from services.upstream import Upstream
from standins.image_host import ImageHost
from standins.jellyseerr import JellyseerrWorld, create_app
from standins.smtp import Sink
from standins.webhook_sink import WebhookSink

from ..utils.messages import PUBLIC_JELLYSEERR, look_at, showcase_batch, twenty_items
from ..utils.standins import serve

UPSTREAM = Path(__file__).resolve().parents[1] / "fixtures" / "upstream"
KEY = "jelly-key"
OVERVIEW = "Mark returns to a changed floor."  # the webhook's, for S02E01 (sonarr/download.json)


def fixture(name: str) -> object:
    return json.loads((UPSTREAM / name).read_text())


@pytest.fixture
def hooks() -> Iterator[WebhookSink]:
    with WebhookSink() as sink:
        yield sink


async def severance_requested(
    database: Database, world: JellyseerrWorld, *, watchable: bool = True, title: str = "Severance"
) -> int:
    """Mark requested Severance season 2 (called ``title``) in Jellyseerr (Jellyfin has it, if
    ``watchable``) and Airdate synced; Mark's user id."""
    mark = world.add_jellyfin_user("Mark", "mark@example.org")
    world.add_request(mark, "tv", 95396, title, tvdb_id=371980, seasons=(2,))
    if watchable:
        world.watchable("tv", 95396)
    with serve(create_app(world, KEY)) as url:
        async with Upstream("Jellyseerr", url, KEY, timeout=5, retries=0) as jellyseerr:
            await sync_users(database, jellyseerr, Progress())
            await sync_requests(database, jellyseerr, Progress())
    with database.reading() as session:
        user_id = session.exec(select(User.id).where(User.username == "Mark")).one()
    return user_id


async def severance_lands(database: Database) -> None:
    """Sonarr imports S02E01 (its webhook) and lists the season (its episode list)."""
    await receive_import(database, Webhook.model_validate(fixture("sonarr/download.json")))
    database.write(seasons.record_schedule, 95396, fixture("sonarr/api_episodes_95396.json"))


def notifier(database: Database, smtp_port: int, images: ImageHost) -> Notifier:
    smtp = Smtp("127.0.0.1", smtp_port, "none", "", "", "Airdate <airdate@example.org>")
    return Notifier(database, smtp, grouping_delay=0, attempts=2, backoff=0, look=look_at(images.base_url))


@pytest.mark.both_databases
async def test_the_email_has_the_episode_its_poster_and_a_way_to_watch(
    database: Database, sink: tuple[Sink, int], images: ImageHost
) -> None:
    world = JellyseerrWorld(jellyfin_url="https://jellyfin.example.org")
    mark = await severance_requested(database, world)
    database.write(preferences.update, mark, time_zone="America/New_York")
    await severance_lands(database)
    with database.reading() as session:
        facts = session.get(ShowFacts, 95396)
    assert facts is not None and facts.poster_path == "/airdate-standin-95396.png"
    watch = world.requests[0]["media"]["mediaUrl"]
    assert facts.media_url == watch and watch.startswith(
        "https://jellyfin.example.org/web/index.html#!/details"
    )

    await notifier(database, sink[1], images).send_due(now_please=True)
    (mail,) = sink[0].received
    assert mail.subject == "New episode: Severance S02E01"
    aired = "aired Thu, Jan 16, 2025, 9:00\u202fPM EST · 59 min"  # airDateUtc 02:00Z, in New York (Babel, en)
    for part in (mail.html, mail.text):
        assert "Hello, Ms. Cobel" in part and OVERVIEW in part and aired in part
    poster = f"{images.base_url}/airdate-standin-95396.png"
    assert re.search(f'<img [^>]*src="{re.escape(poster)}" alt="Poster of Severance"', mail.html)
    watch_html = watch.replace("&", "&amp;")
    assert re.search(f'<a href="{re.escape(watch_html)}"[^>]*>Watch now</a>', mail.html)
    assert f'<a href="{PUBLIC_JELLYSEERR}/tv/95396"' in mail.html
    assert f"Watch now: {watch}" in mail.text
    assert f"Your request in Jellyseerr: {PUBLIC_JELLYSEERR}/tv/95396" in mail.text
    assert "<" not in mail.text, "the plain part is plain"
    assert images.hits == [], "an e-mail's poster is the reader's to load, never fetched at send time"


async def test_a_show_the_media_server_has_not_got_has_no_watch_link_and_utc_is_said(
    database: Database, sink: tuple[Sink, int], images: ImageHost
) -> None:
    await severance_requested(database, JellyseerrWorld(), watchable=False)
    await severance_lands(database)
    await notifier(database, sink[1], images).send_due(now_please=True)
    (mail,) = sink[0].received
    assert "Watch now" not in mail.html and "Watch now" not in mail.text
    assert "aired Fri, Jan 17, 2025, 2:00\u202fAM UTC · 59 min" in mail.text, (
        "no zone known: UTC, and it says so"
    )
    assert "Your request in Jellyseerr" in mail.text


async def severance_on_a_channel_only(database: Database, url: str) -> None:
    """Mark requested Severance, hears of it on ``url`` only (no e-mail), and S02E01 lands."""
    mark = await severance_requested(database, JellyseerrWorld())
    database.write(preferences.update, mark, email_enabled=False)
    database.write(preferences.add_channel, mark, url, url)
    await severance_lands(database)


async def test_a_json_channel_gets_a_title_a_markdown_body_and_the_poster(
    database: Database, sink: tuple[Sink, int], images: ImageHost, hooks: WebhookSink
) -> None:
    await severance_on_a_channel_only(database, f"json://127.0.0.1:{hooks.port}/mark")
    await notifier(database, sink[1], images).send_due(now_please=True)
    (hit,) = hooks.hits
    sent = hit.json()
    assert sent["title"] == "New episode: Severance S02E01"
    assert "**Severance**\n\n- **S02E01** Hello, Ms\\. Cobel" in sent["message"]
    assert "Mark returns to a changed floor\\." in sent["message"]
    assert "[Watch now](http://jellyfin.local:8096/web/index.html#!/details?id=" in sent["message"]
    (poster,) = sent["attachments"]
    assert (poster["filename"], poster["mimetype"]) == ("airdate-standin-95396.png", "image/png")
    assert base64.b64decode(poster["base64"]).startswith(b"\x89PNG")


async def test_a_poster_that_cannot_be_fetched_is_logged_and_the_message_still_goes(
    database: Database,
    sink: tuple[Sink, int],
    images: ImageHost,
    hooks: WebhookSink,
    caplog: pytest.LogCaptureFixture,
) -> None:
    mark = await severance_requested(database, JellyseerrWorld())
    url = f"json://127.0.0.1:{hooks.port}/mark"
    database.write(preferences.add_channel, mark, url, url)
    await severance_lands(database)
    images.fail_with = 404
    caplog.set_level(logging.WARNING, "airdate")
    progress = await notifier(database, sink[1], images).send_due(now_please=True)
    assert progress.counts["sent"] == 2, "the e-mail and the json:// message"
    (hit,) = hooks.hits
    assert hit.json()["attachments"] == [] and "**Severance**" in hit.json()["message"]
    assert any("poster" in r.getMessage() and "404" in r.getMessage() for r in caplog.records)


def test_twenty_items_make_an_email_under_100_kib_with_a_real_plain_part() -> None:
    message = mailer.compose(twenty_items(), "Airdate <airdate@example.org>", look=look_at())
    size = len(message.as_bytes())
    assert size <= 100 * 1024, f"{size} bytes"
    text = message.get_body(("plain",)).get_content()
    assert text.count("  - S0") == 20 and "…" in text, "every episode, long overviews trimmed"
    html = message.get_body(("html",)).get_content()
    assert html.count("<img ") == 10, "one poster per show"


@pytest.mark.parametrize("batch", [showcase_batch(), twenty_items()], ids=["showcase", "twenty"])
def test_the_plain_part_is_plain_wrapped_prose_with_every_link_written_out(batch: Batch) -> None:
    links = Links("a storage secret of the tests, 32 bytes or more", "https://airdate.example.org")
    message = mailer.compose(batch, "Airdate <airdate@example.org>", links, look_at())
    text, html = (message.get_body((kind,)).get_content() for kind in ("plain", "html"))
    assert not re.search(r"</?[a-z!][^>]*>|&(amp|lt|gt|quot|#\d+);", text), "no tags, no entities"
    for line in text.splitlines():
        words = re.sub(r"https?://\S+", "", line)  # an address is never cut
        assert len(words) <= PLAIN_WIDTH and line == line.rstrip(), repr(line)
    for href, name in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', html):
        assert f"{unescape(name)}: {unescape(href)}" in text, f"{name} is written out"
    assert text.count(": https://") == html.count("<a href="), "every link of the HTML, no more"


async def test_a_service_without_markdown_gets_the_plain_words_and_the_poster(
    database: Database, sink: tuple[Sink, int], images: ImageHost, hooks: WebhookSink
) -> None:
    await severance_on_a_channel_only(database, f"ntfy://127.0.0.1:{hooks.port}/mark")
    await notifier(database, sink[1], images).send_due(now_please=True)
    (hit,) = hooks.hits  # ntfy posts the poster as the body, the words in the query
    asked = parse_qs(urlsplit(hit.path).query)
    assert asked["title"] == ["New episode: Severance S02E01"]
    assert "Severance\n  - S02E01 \u201cHello, Ms. Cobel\u201d" in asked["message"][0], "no Markdown"
    assert "\\" not in asked["message"][0] and "**" not in asked["message"][0]
    assert asked["filename"] == ["airdate-standin-95396.png"] and hit.body.startswith(b"\x89PNG")


async def test_a_poster_is_fetched_once_for_many_messages_and_a_failure_is_remembered(
    images: ImageHost, hooks: WebhookSink
) -> None:
    url = f"json://127.0.0.1:{hooks.port}/many"
    poster, missing = f"{images.base_url}/one.png", f"{images.base_url}/missing.jpg"
    for number in range(3):
        await channels.send(url, f"message {number}", "words", posters=[poster, missing])
    assert sorted(images.hits) == ["/t/p/w342/missing.jpg", "/t/p/w342/one.png"], "each asked once"
    assert [len(hit.json()["attachments"]) for hit in hooks.hits] == [1, 1, 1]
