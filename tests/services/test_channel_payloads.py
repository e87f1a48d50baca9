"""What Apprise's real plugins deliver, received by stand-ins that speak each service's API: a json://
webhook (standins/webhook_sink.py), an ntfy server (standins/ntfy.py), Discord's webhooks
(standins/discord.py) and Telegram's Bot API (standins/telegram.py), the last two over TLS for
discord.com and api.telegram.org through the CONNECT proxy of standins/intercept.py, as a real Airdate
process reaches them with HTTPS_PROXY and REQUESTS_CA_BUNDLE. Each gets the title, the body (Markdown
where the service reads it, read back as the service reads it) and the poster's very bytes; a hostile
show stays text in each."""

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from apprise import NotifyFormat
from apprise.conversion import convert_between

from data import Database, preferences, seasons
from services.message import escape_markdown
from services.sonarr import Webhook, receive_import
from standins import telegram
from standins.discord import DiscordWebhooks
from standins.image_host import ImageHost, poster
from standins.intercept import Intercept
from standins.jellyseerr import JellyseerrWorld
from standins.ntfy import Ntfy
from standins.smtp import Sink
from standins.webhook_sink import WebhookSink

from ..utils.mailing import sending_server
from ..utils.messages import HOSTILE, PUBLIC_JELLYSEERR
from ..utils.waiting import eventually
from .test_message_escaping import Elements
from .test_rich_messages import fixture, notifier, severance_requested

UPSTREAM = Path(__file__).resolve().parents[1] / "fixtures" / "upstream"
POSTER = poster("/t/p/w342/airdate-standin-95396.png")  # what the image host serves for Severance
WATCH = "http://jellyfin.local:8096/web/index.html#!/details?id="  # JellyseerrWorld's Jellyfin


@dataclass
class Services:
    hooks: WebhookSink
    ntfy: Ntfy
    discord: DiscordWebhooks
    telegram: telegram.TelegramBots
    proxy: Intercept
    urls: dict[str, str]

    def all_arrived(self) -> bool:
        told = any("Enjoy watching" in sent.text for sent in self.telegram.sent)
        return told and bool(self.hooks.hits) and len(self.ntfy.messages) == len(self.discord.posted) == 2


@pytest.fixture
def services(monkeypatch: pytest.MonkeyPatch) -> Iterator[Services]:
    """The three services, and the environment (for this process and the servers it starts) that
    sends discord.com's traffic to the stand-in and nothing anywhere else."""
    proxy = Intercept()
    with (
        WebhookSink() as hooks,
        Ntfy() as ntfy,
        proxy,
        DiscordWebhooks(proxy.tls_for("discord.com")) as discord,
        telegram.TelegramBots(proxy.tls_for(telegram.HOST)) as bots,
    ):
        proxy.route("discord.com", discord.port)
        proxy.route(telegram.HOST, bots.port)
        token = "123456789:AAFakeTokenOfTheStandIn"
        for name, value in proxy.environment().items():
            monkeypatch.setenv(name, value)
        urls = {
            "json": f"json://127.0.0.1:{hooks.port}/mark",
            "ntfy": f"ntfy://127.0.0.1:{ntfy.port}/mark",
            "ntfy markdown": f"ntfy://127.0.0.1:{ntfy.port}/mark-md?format=markdown",
            "discord": discord.add("1234567890", "a-webhook-token"),
            "telegram": bots.add(token),
        }
        yield Services(hooks, ntfy, discord, bots, proxy, urls)
        assert proxy.refused == [], "nothing but the stand-ins was asked for"


async def on_every_channel(database: Database, urls: dict[str, str], show: str = "Severance") -> None:
    """Mark requested ``show`` (Severance's ids), hears of it on ``urls`` only, and S02E01 lands."""
    mark = await severance_requested(database, JellyseerrWorld(), title=show)
    database.write(preferences.update, mark, email_enabled=False)
    for url in urls.values():
        database.write(preferences.add_channel, mark, url, url)
    webhook = fixture("sonarr/download.json")
    if show != "Severance":
        webhook["series"]["title"] = show
        webhook["episodes"][0] |= {"title": show, "overview": show}
    await receive_import(database, Webhook.model_validate(webhook))
    database.write(seasons.record_schedule, 95396, fixture("sonarr/api_episodes_95396.json"))


async def test_a_real_server_sends_each_service_its_title_markdown_and_poster(
    database: Database, sink: tuple[Sink, int], images: ImageHost, services: Services
) -> None:
    await on_every_channel(database, services.urls)
    settings = {"poster_base_url": images.base_url, "jellyseerr_public_url": PUBLIC_JELLYSEERR}
    server = sending_server(str(database.url), sink[1], **settings).start()
    try:
        await eventually(services.all_arrived, within=30, what="a message on every channel")
    finally:
        printed = server.stop()
    assert "Traceback" not in printed
    title, name = "New episode: Severance S02E01", "airdate-standin-95396.png"
    request_link = f"[Your request in Jellyseerr]({PUBLIC_JELLYSEERR}/tv/95396)"

    (hit,) = services.hooks.hits  # json://: the Markdown, the poster in base64
    sent = hit.json()
    assert sent["title"] == title and "**Severance**\n\n- **S02E01** Hello, Ms\\. Cobel" in sent["message"]
    assert f"[Watch now]({WATCH}" in sent["message"] and request_link in sent["message"]
    (attached,) = sent["attachments"]
    assert (attached["filename"], attached["mimetype"]) == (name, "image/png")
    assert base64.b64decode(attached["base64"]) == POSTER

    plain, marked = sorted(services.ntfy.messages, key=lambda m: m.topic)  # the poster is the body
    assert (plain.topic, plain.title, plain.content_type) == ("mark", title, "")
    assert "Severance\n  - S02E01 \u201cHello, Ms. Cobel\u201d" in plain.message, "plain words, no Markdown"
    assert f"Watch now: {WATCH}" in plain.message and "\\" not in plain.message
    assert (marked.topic, marked.title, marked.content_type) == ("mark-md", title, "text/markdown")
    assert "**Severance**" in marked.message and request_link in marked.message
    for message in (plain, marked):
        assert message.attachment is not None
        assert (message.attachment.name, message.attachment.type) == (name, "image/png")
        assert message.attachment.content == POSTER

    words, picture = services.discord.posted  # the words, then the poster as a file of its own
    assert words.webhook == "1234567890/a-webhook-token" and words.files == []
    assert words.content.startswith(f"{title}\r\nHi Mark,"), "Discord's content: the title, the body"
    assert "**Severance**" in words.content and f"[Watch now]({WATCH}" in words.content
    (file,) = picture.files
    assert (file.field, file.filename, file.content_type) == ("files[0]", name, "image/png")
    assert file.content == POSTER and "content" not in picture.payload
    assert services.proxy.tunnels, "Discord and Telegram were reached through the proxy, over TLS"

    chat = services.telegram.sent  # the poster, with the words as its caption or after it
    (photo,) = [sent for sent in chat if sent.files]
    assert photo.method == "sendphoto" and [f.field for f in photo.files] == ["photo"]
    assert (photo.files[0].filename, photo.files[0].content) == (name, POSTER)
    words = "\n".join(sent.text for sent in chat)
    assert all(sent.parse_mode == "MarkdownV2" for sent in chat if sent.markup), chat
    assert words.startswith(f"{title}\nHi Mark,") and "S02E01 Hello, Ms. Cobel" in words, words
    links = {e.url for sent in chat for e in sent.entities if e.type == "text_url"}
    assert f"{PUBLIC_JELLYSEERR}/tv/95396" in links and any(WATCH in url for url in links), links
    bold = {sent.text[e.offset : e.offset + e.length] for sent in chat for e in sent.entities}
    assert {title, "Severance", "S02E01"} <= bold, bold


async def test_a_hostile_show_stays_text_on_every_channel(
    database: Database, sink: tuple[Sink, int], images: ImageHost, services: Services
) -> None:
    await on_every_channel(database, services.urls, show=HOSTILE)
    progress = await notifier(database, sink[1], images).send_due(now_please=True)
    assert progress.counts["sent"] == 5, progress.counts
    title, escaped = f"New episode: {HOSTILE} S02E01", escape_markdown(HOSTILE)

    sent = services.hooks.hits[0].json()  # json://: the title is its own field, plain; the body escaped
    assert sent["title"] == title and f"**{escaped}**" in sent["message"]
    assert_reads_as_text(sent["message"], strong=2)

    plain, marked = sorted(services.ntfy.messages, key=lambda m: m.topic)
    assert plain.title == marked.title == title, "ntfy shows its title as text"
    assert f"\n{HOSTILE}\n  - S02E01 \u201c{HOSTILE}\u201d" in plain.message and plain.content_type == ""
    assert marked.content_type == "text/markdown" and f"**{escaped}**" in marked.message
    assert_reads_as_text(marked.message, strong=2)

    words = services.discord.posted[0].content  # Discord reads its title as Markdown: escaped too
    assert words.startswith(f"{escape_markdown(title)}\r\n")
    assert_reads_as_text(words, strong=2, hostile=3)

    chat = services.telegram.sent  # as Telegram reads it: MarkdownV2 (its legacy Markdown cannot)
    shown = "\n".join(sent.text for sent in chat)
    assert shown.startswith(f"{title}\nHi Mark,") and shown.count(HOSTILE) >= 3, shown
    marked = {sent.text[e.offset : e.offset + e.length] for sent in chat for e in sent.entities}
    assert marked == {title, HOSTILE, "S02E01", "Watch now", "Your request in Jellyseerr"}, marked


def assert_reads_as_text(markdown: str, *, strong: int, hostile: int = 2) -> None:
    """Rendered as Markdown (Python-Markdown, as Apprise converts; Discord's and ntfy's readers take the
    same escapes), ``markdown`` holds only our own markup and shows the hostile words as they are."""
    page = Elements(convert_between(NotifyFormat.MARKDOWN, NotifyFormat.HTML, markdown))
    assert {tag for tag, _ in page.tags} <= {"p", "strong", "ul", "li", "a", "em", "br"}, page.tags
    assert [tag for tag, _ in page.tags].count("strong") == strong, "the show and the episode code only"
    assert all(not attrs["href"].startswith("javascript") for tag, attrs in page.tags if tag == "a")
    assert page.text.count(HOSTILE) >= hostile, page.text


async def test_a_name_that_mentions_pings_nobody_on_discord_and_still_arrives(
    database: Database, sink: tuple[Sink, int], images: ImageHost, services: Services
) -> None:
    """Regression: a show called ``@everyone …`` pinged the whole channel (Discord pings whoever its
    content names; with ``?format=markdown`` Apprise itself asks Discord to ping each ``@word`` of the
    body)."""
    name = "@everyone meets <@123456789> and <@&42> at @midnight"
    urls = {
        "content": services.discord.add("1111", "as-content"),
        "embeds": services.discord.add("2222", "as-embeds") + "?format=markdown",
    }
    await on_every_channel(database, urls, show=name)
    progress = await notifier(database, sink[1], images).send_due(now_please=True)
    assert progress.counts["sent"] == 2, progress.counts
    posted = services.discord.posted
    assert {sent.webhook for sent in posted} == {"1111/as-content", "2222/as-embeds"}
    assert [sent.pings for sent in posted] == [[]] * len(posted)
    shown = " ".join(json.dumps(sent.payload, ensure_ascii=False) for sent in posted).replace("\u200b", "")
    for words in ("@everyone meets", "@midnight"):  # read the same, mentioned nobody
        assert words in shown, shown
