"""E-mail: one message per batch with every episode that landed for the user, in text and HTML, with
a "manage your notifications" link, the link of their calendar feed and RFC 8058 one-click unsubscribe
headers. :mod:`services.notifier` decides when a batch goes and records how it went; this module only
writes and sends the e-mail.
"""

from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.utils import formataddr

import aiosmtplib

from data.batches import Batch

from . import email_html
from .links import Links
from .message import Look, speaks, text
from .templating import Wording

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


def preview(
    batch: Batch, sender: str, links: Links | None, look: Look | None = None, words: Wording | None = None
) -> Preview:
    """The e-mail ``batch`` would be, as it would be sent."""
    if not batch.items:
        return Preview(batch.username, 0)
    message = compose(batch, sender, links, look, words)
    text_part, html_part = message.get_body(("plain",)), message.get_body(("html",))
    assert text_part is not None and html_part is not None  # compose writes both
    return Preview(
        batch.username,
        len(batch.items),
        to=str(message["To"]),
        subject=str(message["Subject"]),
        text=text_part.get_content(),
        html=html_part.get_content(),
    )


def compose(
    batch: Batch,
    sender: str,
    links: Links | None = None,
    look: Look | None = None,
    words: Wording | None = None,
) -> EmailMessage:
    """Plain text and HTML (:mod:`services.message`, :mod:`services.email_html`), episodes by show; with
    ``links``, the manage and calendar links at the bottom and the one-click unsubscribe headers
    (RFC 8058: ``List-Unsubscribe`` + ``List-Unsubscribe-Post``). ``words``: the admin's templates
    (:mod:`services.templating`), each part the built-in one where they have none."""
    look = look or Look()
    own = (lambda kind: words.render(kind, batch, look, links)) if words else (lambda kind: None)
    message = EmailMessage()
    message["From"] = sender
    message["To"] = formataddr((batch.username, batch.email))
    message["Subject"] = own("subject") or subject(batch, look)
    if links is not None:
        message["List-Unsubscribe"] = f"<{links.unsubscribe(batch.user_id, batch.link_key)}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(own("text") or text(batch, look, links))
    message.add_alternative(
        own("html") or email_html.html(batch, look, str(message["Subject"]), links), "html"
    )
    return message


def subject(batch: Batch, look: Look | None = None) -> str:
    """``New episode: Severance S02E01``, ``3 new episodes: Severance, Andor``: in the person's language."""
    lang = speaks(batch, look or Look())
    count = len(batch.items)
    if count == 1:
        item = batch.items[0]
        if item.show is None or item.season is None or item.number is None:
            return lang.gettext(item.subject)  # words of ours (the test message), or as stored
        code = f"S{item.season:02d}E{item.number:02d}"
        return lang.gettext("New episode: {show} {code}").format(show=item.show, code=code)
    shows = ", ".join(dict.fromkeys(item.show or item.subject for item in batch.items))
    return lang.ngettext("{count} new episode: {shows}", "{count} new episodes: {shows}", count).format(
        count=lang.number(count), shows=shows
    )
