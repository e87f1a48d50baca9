"""Delivery to every channel besides e-mail, through Apprise (Discord, Telegram, ntfy, Pushover,
Gotify, Slack, a generic ``json://`` webhook and ~100 more; see the README).

An Apprise URL holds the service's secrets (tokens, passwords, webhook ids), so it is kept whole only
in the database and handed to Apprise; everywhere people read it (UI, logs, events, API answers) it is
Apprise's own privacy form, which masks those parts (:func:`masked`).
"""

import logging
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from urllib.parse import parse_qs, urlsplit

import apprise
from apprise.plugins.discord import NotifyDiscord
from apprise.plugins.telegram import NotifyTelegram, TelegramMarkdownVersion
from apprise.utils.parse import parse_urls

from data import Database, preferences

from . import posters as poster_files
from .message import escape_markdown

log = logging.getLogger("airdate.channels")
MENTION = re.compile(r"@(?=[\w&!])")  # @everyone, @here, <@123>, <@!123>, <@&role>, @name
MARKDOWN_LINK_TARGET = re.compile(r"(\]\([^)\s]*\))")  # ](url): our links, percent-encoded (message.py)


class ChannelError(Exception):
    """A channel refused or could not be reached; the message is the reason (no secrets in it)."""


def add(database: Database, user_id: int, url: str) -> tuple[int, str]:
    """Check ``url`` and make it one of the user's channels; (its id, its masked label). Blocks (Apprise
    loads its plugins on first use): call it off the event loop. ValueError with the reason for a URL
    that cannot be used, LookupError for no such user."""
    url = url.strip()
    if not url.isprintable():
        raise ValueError("the URL has control characters in it")
    label = masked(url)
    return database.write(preferences.add_channel, user_id, url, label), label


def masked(url: str) -> str:
    """The URL as people may see it; ValueError (with a one-line reason) if Apprise cannot use it.

    One channel is one service: Apprise reads a comma or space as the start of another URL, which the
    label would not show (and ``send`` would deliver to both)."""
    url = url.strip()
    if "://" not in url:
        raise ValueError("not a notification URL: it looks like service://…, e.g. ntfys://ntfy.sh/topic")
    if len(parse_urls(url)) > 1:
        raise ValueError(
            "a channel is one URL: a space or comma starts another (add each as its own channel)"
        )
    with _quiet():  # a mistyped URL is the person's to fix, not an ERROR in the server's log
        plugin = apprise.Apprise.instantiate(url)
    if plugin is None:
        scheme = url.split("://", 1)[0]
        raise ValueError(f"Apprise cannot use this {scheme}:// URL: unknown service or a part is missing")
    return _short(plugin.url(privacy=True))


async def send(
    url: str, title: str, body: str, *, markdown: str | None = None, posters: Sequence[str] = ()
) -> None:
    """Deliver one message; ChannelError with Apprise's reason when the service did not take it.

    ``markdown``: the body as Markdown (Apprise's ``body_format``), sent instead of the plain ``body``
    to a service that reads Markdown (Discord, Telegram, Slack, Matrix, Pushover, a json:// webhook);
    the others get ``body``, whose words carry no escaping. The ``title`` is plain text; where the
    service writes it into the Markdown it is escaped too (:func:`_title_in_markdown`). ``posters``:
    image addresses, the first few attached where the service takes attachments (fetched now, briefly;
    see :mod:`services.posters`)."""
    notifier = apprise.Apprise()
    if not notifier.add(url) or len(notifier) != 1:
        raise ChannelError("Apprise cannot use this URL any more")
    service = notifier[0]
    attach = None
    if posters and service.attachment_support:
        attach = apprise.AppriseAttachment(await poster_files.fetch(posters)) or None
    body_format = apprise.NotifyFormat.TEXT
    if markdown is not None and apprise.NotifyFormat.MARKDOWN in _formats(service):
        body, body_format = markdown, apprise.NotifyFormat.MARKDOWN
        if _title_in_markdown(service):
            title = escape_markdown(title)
        if isinstance(service, NotifyTelegram) and "mdv" not in parse_qs(urlsplit(url).query):
            # Apprise's default there, Telegram's legacy Markdown, cannot show a "*" in bold text (a
            # title, a show's name): a show called **x** garbles the message, or Telegram refuses it.
            service.markdown_ver = TelegramMarkdownVersion.TWO
    if isinstance(service, NotifyDiscord):
        title, body = _no_mentions(title), _no_mentions(body)
    with apprise.LogCapture(level=logging.WARNING, fmt="%(message)s") as captured:
        delivered = await notifier.async_notify(
            body=body, title=title, body_format=body_format, attach=attach
        )
    if not delivered:
        reasons = [line.strip() for line in captured.getvalue().splitlines() if line.strip()]
        raise ChannelError(reasons[-1] if reasons else "the service did not accept the message")


def _no_mentions(words: str) -> str:
    """``words`` with every ``@`` that could start a mention followed by a zero-width space, outside
    Markdown link targets. Discord pings whoever its content names (``@everyone``, ``<@123>``) unless
    told not to, and with ``?format=markdown`` Apprise itself reads each ``@word`` of the body as a
    ping to ask Discord for: a name someone chose (a show's, a person's) must not ping a channel.
    A backslash stops neither; the invisible space stops both, and the words read the same."""
    parts = MARKDOWN_LINK_TARGET.split(words)
    parts[::2] = [MENTION.sub("@\u200b", part) for part in parts[::2]]
    return "".join(parts)


def _title_in_markdown(service: object) -> bool:
    """Whether the service shows the title as Markdown, with the body: Apprise writes it into the body
    as a heading for a service with no title of its own (Telegram, Mattermost, Rocket.Chat…), and
    Discord puts it at the head of the message's content (or in an embed's title), which Discord reads
    as Markdown. A show called ``**x**`` would be shown bold there."""
    return getattr(service, "title_maxlen", 1) <= 0 or isinstance(service, NotifyDiscord)


def _formats(service: object) -> tuple:
    """The body formats a service reads as they are (Apprise names one, or several)."""
    formats = getattr(service, "notify_format", ())
    return formats if isinstance(formats, tuple) else (formats,)


@contextmanager
def _quiet() -> Iterator[None]:
    """Drop what Apprise logs from this thread meanwhile (it logs an ERROR, with the URL, for every URL
    it cannot use); other threads' sending is logged as before."""
    here = threading.get_ident()

    def elsewhere(record: logging.LogRecord) -> bool:
        return record.thread != here

    logger = logging.getLogger("apprise")
    logger.addFilter(elsewhere)
    try:
        yield
    finally:
        logger.removeFilter(elsewhere)


def _short(url: str) -> str:
    """Apprise's privacy URL without the query of its default options (retry=0&wait=0.5&…)."""
    return url.split("?", 1)[0]
