"""Batched e-mail delivery: one e-mail per user with every episode that landed for them.

A user's batch goes once their newest pending item is ``grouping_delay`` seconds old (like grouped
"recently added" newsletters), so a season dropping at once becomes one e-mail, not twelve. See
:mod:`data.outbox` for the claim → send → commit order that makes a crash lose nothing.
"""

import asyncio
import html
import logging
import os
import secrets
import socket
from collections import defaultdict
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr

import aiosmtplib

from data import Database, outbox
from data.outbox import Batch

from .progress import Progress

log = logging.getLogger("airdate.mailer")
NO_MAIL = "e-mail is not configured: set AIRDATE_SMTP_HOST"  # what needs a mailer says without one


@dataclass(frozen=True)
class Smtp:
    host: str
    port: int
    tls: str  # none | starttls | tls
    username: str
    password: str
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


class Mailer:
    """Sends due batches; any number of mailers may share one database (see :mod:`data.outbox`)."""

    def __init__(
        self,
        database: Database,
        smtp: Smtp,
        *,
        grouping_delay: float,
        attempts: int,
        backoff: float = 60.0,
        lease: float = 600.0,
    ) -> None:
        self.database = database
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"  # names our claims
        self.lease = lease
        self.smtp = smtp
        self.grouping_delay = grouping_delay
        self.attempts = attempts
        self.backoff = backoff
        self._lock = asyncio.Lock()

    async def recover(self) -> None:
        """Take back batches whose sender died more than a lease ago (at start, and before each round)."""
        released = await asyncio.to_thread(outbox.release_stale, self.database, self.lease)
        if released:
            log.warning(
                "%d notifications were claimed more than %g s ago by a sender that never finished "
                "(it stopped or died); they will be sent again",
                released,
                self.lease,
            )

    async def preview(self, user_id: int) -> "Preview":
        """The e-mail a user would get next, exactly as it would be sent; nothing is claimed or sent."""
        batch = await asyncio.to_thread(outbox.next_batch, self.database, user_id)
        if not batch.items:
            return Preview(batch.username, 0)
        message = compose(batch, self.smtp.sender)
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

    async def send_due(self, progress: Progress | None = None, *, now_please: bool = False) -> Progress:
        """Send every batch that is due (``now_please``: every user's pending items, delay or not)."""
        progress = progress or Progress()
        async with self._lock:  # the timer and the "Send pending" action never send side by side
            await self.recover()
            delay = 0.0 if now_please else self.grouping_delay
            users = await asyncio.to_thread(outbox.due_users, self.database, delay)
            progress.total = len(users)
            for user_id in users:
                batch = await asyncio.to_thread(outbox.claim, self.database, user_id, self.owner)
                if batch is None:
                    progress.step("nothing to send")
                    continue
                progress.step(await self._deliver(batch))
                progress.counts["notifications"] += len(batch.items)
        return progress

    async def _deliver(self, batch: Batch) -> str:
        try:
            if not batch.email or "@" not in batch.email:
                raise ValueError(f"user {batch.username} has no e-mail address")
            await aiosmtplib.send(
                compose(batch, self.smtp.sender),
                hostname=self.smtp.host,
                port=self.smtp.port,
                username=self.smtp.username or None,
                password=self.smtp.password or None,
                use_tls=self.smtp.tls == "tls",
                start_tls=self.smtp.tls == "starttls",
                timeout=self.smtp.timeout,
            )
        except (aiosmtplib.SMTPException, OSError, TimeoutError, ValueError) as error:
            reason = f"{type(error).__name__}: {error}"
            retry = await asyncio.to_thread(
                outbox.mark_failed_attempt,
                self.database,
                batch,
                reason,
                attempts=self.attempts,
                backoff=self.backoff,
            )
            verb = "will retry" if retry else "gave up"
            log.warning(
                "e-mail to %s (%d items) failed, %s: %s", batch.username, len(batch.items), verb, reason
            )
            return "retrying" if retry else "failed"
        kept = await asyncio.to_thread(outbox.mark_sent, self.database, batch)
        if kept < len(batch.items):  # our lease ran out while the server was taking it
            log.warning(
                "%s's e-mail went out after its claim had expired; it may arrive twice", batch.username
            )
        log.info("sent %s an e-mail with %d new episode(s)", batch.username, len(batch.items))
        return "sent"


def compose(batch: Batch, sender: str) -> EmailMessage:
    """Plain text and HTML, episodes listed per show."""
    shows: dict[str, list[outbox.Item]] = defaultdict(list)
    for item in batch.items:
        shows[item.show or item.subject].append(item)
    count = len(batch.items)
    names = ", ".join(shows)
    message = EmailMessage()
    message["From"] = sender
    message["To"] = formataddr((batch.username, batch.email))
    message["Subject"] = batch.items[0].subject if count == 1 else f"{count} new episodes: {names}"
    lines, parts = [f"Hi {batch.username},", "", "New episodes of shows you requested are ready:", ""], []
    for show, items in shows.items():
        lines.append(show)
        entries = [_describe(item) for item in items]
        lines += [f"  - {entry}" for entry in entries]
        lines.append("")
        rows = "".join(f"<li>{html.escape(entry)}</li>" for entry in entries)
        parts.append(f"<h3>{html.escape(show)}</h3><ul>{rows}</ul>")
    lines.append("Enjoy watching!")
    message.set_content("\n".join(lines))
    intro = f"<p>Hi {html.escape(batch.username)},</p><p>New episodes of shows you requested are ready:</p>"
    message.add_alternative(
        f"<html><body>{intro}{''.join(parts)}<p>Enjoy watching!</p></body></html>", "html"
    )
    return message


def _describe(item: outbox.Item) -> str:
    if item.season is None or item.number is None:
        return item.body
    title = f" \u201c{item.episode_title}\u201d" if item.episode_title else ""
    aired = f" (aired {item.air_date.isoformat()})" if item.air_date else ""
    return f"S{item.season:02d}E{item.number:02d}{title}{aired}"
