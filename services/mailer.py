"""E-mail: one message per batch with every episode that landed for the user, in text and HTML, with
a "manage your notifications" link, the link of their calendar feed and RFC 8058 one-click unsubscribe
headers. :mod:`services.notifier` decides when a batch goes and records how it went; this module only
writes and sends the e-mail.
"""

import html
from collections import defaultdict
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.utils import formataddr

import aiosmtplib

from data.batches import Batch, Item

from .links import Links

# How a message goes over SMTP: headers are not folded at 78 characters (SMTP allows 998). At 78, Python
# turns a header it cannot break at a space into RFC 2047 encoded words, so a long List-Unsubscribe URL
# went out as =?utf-8?q?=3Chttps=3A//…, which mail clients do not read as a link. The body parts are
# encoded when composed (quoted-printable, 7-bit), so this changes only how headers are laid out.
WIRE = policy.SMTP.clone(max_line_length=998)
NO_MAIL = "e-mail is not configured: set AIRDATE_SMTP_HOST"  # what needs a mailer says without one


@dataclass(frozen=True)
class Smtp:
    host: str
    port: int
    tls: str  # none | starttls | tls
    username: str
    password: str = field(repr=False)  # never in a repr (nor a log line made of one)
    sender: str
    timeout: float = 30.0


@dataclass(frozen=True)
class Preview:
    username: str
    items: int  # pending notifications the e-mail would carry; 0: nothing would be sent
    to: str | None = None
    subject: str | None = None
    text: str | None = None
    html: str | None = None
    note: str | None = None  # why nothing would be sent although items may be waiting (no address)


async def send(smtp: Smtp, message: EmailMessage) -> None:
    """Hand one message to the SMTP server; aiosmtplib's errors, OSError or TimeoutError if it did not
    take it."""
    await aiosmtplib.send(
        message.as_bytes(policy=WIRE),
        sender=_addresses(message, "From", "set AIRDATE_SMTP_FROM")[0],
        recipients=_addresses(message, "To", "the user has no e-mail address"),
        hostname=smtp.host,
        port=smtp.port,
        username=smtp.username or None,
        password=smtp.password or None,
        use_tls=smtp.tls == "tls",
        start_tls=smtp.tls == "starttls",
        timeout=smtp.timeout,
    )


def _addresses(message: EmailMessage, header: str, otherwise: str) -> list[str]:
    found = [address.addr_spec for address in getattr(message[header], "addresses", ())]
    if not found:
        raise ValueError(f"no {header}: address: {otherwise}")
    return found


def preview(batch: Batch, sender: str, links: Links | None) -> Preview:
    """The e-mail ``batch`` would be, as it would be sent."""
    if not batch.items:
        return Preview(batch.username, 0)
    message = compose(batch, sender, links)
    text, html_part = message.get_body(("plain",)), message.get_body(("html",))
    assert text is not None and html_part is not None  # compose writes both
    return Preview(
        batch.username,
        len(batch.items),
        to=str(message["To"]),
        subject=str(message["Subject"]),
        text=text.get_content(),
        html=html_part.get_content(),
    )


def compose(batch: Batch, sender: str, links: Links | None = None) -> EmailMessage:
    """Plain text and HTML, episodes listed per show; with ``links``, the manage and calendar links at the
    bottom and the one-click unsubscribe headers (RFC 8058: ``List-Unsubscribe`` +
    ``List-Unsubscribe-Post``)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = formataddr((batch.username, batch.email))
    message["Subject"] = subject(batch)
    if links is not None:
        message["List-Unsubscribe"] = f"<{links.unsubscribe(batch.user_id, batch.link_key)}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(text(batch, links))
    parts = [
        f"<h3>{html.escape(show)}</h3><ul>{''.join(f'<li>{html.escape(e)}</li>' for e in entries)}</ul>"
        for show, entries in _by_show(batch).items()
    ]
    intro = f"<p>Hi {html.escape(batch.username)},</p><p>New episodes of shows you requested are ready:</p>"
    footer = ""
    if links is not None:
        manage = html.escape(links.manage(batch.user_id, batch.link_key), quote=True)
        calendar = html.escape(links.calendar(batch.user_id, batch.link_key), quote=True)
        footer = (
            f'<p style="font-size:small"><a href="{manage}">Manage your notifications</a> · '
            f'<a href="{calendar}">Your calendar of upcoming episodes</a></p>'
        )
    message.add_alternative(
        f"<html><body>{intro}{''.join(parts)}<p>Enjoy watching!</p>{footer}</body></html>", "html"
    )
    return message


def subject(batch: Batch) -> str:
    count = len(batch.items)
    return batch.items[0].subject if count == 1 else f"{count} new episodes: {', '.join(_by_show(batch))}"


def text(batch: Batch, links: Links | None = None) -> str:
    """The message as plain text (the e-mail's text part, and what other channels get)."""
    lines = [f"Hi {batch.username},", "", "New episodes of shows you requested are ready:", ""]
    for show, entries in _by_show(batch).items():
        lines += [show, *(f"  - {entry}" for entry in entries), ""]
    lines.append("Enjoy watching!")
    if links is not None:
        lines += [
            "",
            f"Manage your notifications: {links.manage(batch.user_id, batch.link_key)}",
            f"Your calendar of upcoming episodes: {links.calendar(batch.user_id, batch.link_key)}",
        ]
    return "\n".join(lines)


def _by_show(batch: Batch) -> dict[str, list[str]]:
    shows: dict[str, list[str]] = defaultdict(list)
    for item in batch.items:
        shows[item.show or item.subject].append(_describe(item))
    return shows


def _describe(item: Item) -> str:
    if item.season is None or item.number is None:
        return item.body
    title = f" \u201c{item.episode_title}\u201d" if item.episode_title else ""
    aired = f" (aired {item.air_date.isoformat()})" if item.air_date else ""
    return f"S{item.season:02d}E{item.number:02d}{title}{aired}"
