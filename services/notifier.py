"""Sending due batches to every channel: e-mail (SMTP) and Apprise URLs, each recorded on its own.

A user's items on one channel go as one batch once due by the user's mode (see :mod:`data.outbox` for
when, and for the claim → send → commit order that makes a crash lose nothing), so a season dropping at
once becomes one message per channel, not twelve. A channel that fails is retried with backoff on its
own: the user's other channels are not sent again. Without a mail server (``AIRDATE_SMTP_HOST``),
e-mail items wait and every other channel still goes.
"""

import asyncio
import logging
import os
import secrets
import socket
from dataclasses import dataclass

import aiosmtplib

from data import Database, outbox, preferences, unwanted
from data.batches import Batch, Item

from . import channels, mailer
from .channels import ChannelError
from .i18n import N_
from .links import Links
from .mailer import NO_MAIL, Preview, Smtp
from .message import Look, markdown, shows, text
from .progress import Progress
from .templating import Wording

log = logging.getLogger("airdate.notifier")
audit = logging.getLogger("airdate.audit")
TEST_ITEM = Item(
    notification_id=0,
    subject=N_("Airdate test notification"),
    body=N_("This is a test from Airdate."),
    show=None,
    season=None,
    number=None,
    episode_title=None,
    air_date=None,
    attempts=1,
)
FAILURES = (aiosmtplib.SMTPException, OSError, TimeoutError, ValueError, ChannelError)


@dataclass(frozen=True)
class TestResult:
    channel: str  # "e-mail" or the masked URL
    ok: bool
    error: str | None = None


class Notifier:
    """Any number of notifiers may share one database (see :mod:`data.outbox`)."""

    def __init__(
        self,
        database: Database,
        smtp: Smtp | None,
        *,
        grouping_delay: float,
        attempts: int,
        backoff: float = 60.0,
        lease: float = 600.0,
        links: Links | None = None,
        look: Look | None = None,
        words: Wording | None = None,
    ) -> None:
        self.database = database
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"  # names our claims
        self.smtp = smtp
        self.links = links
        self.look = look or Look()  # where posters and the Jellyseerr links point
        self.words = words  # the admin's templates (services.message_templates); None: the built-in words
        self.grouping_delay = grouping_delay
        self.attempts = attempts
        self.backoff = backoff
        self.lease = lease
        self._lock = asyncio.Lock()

    async def recover(self) -> None:
        """Take back batches whose sender died more than a lease ago (at start, and before each round)."""
        released = await asyncio.to_thread(self.database.write, outbox.release_stale, self.lease)
        if released:
            log.warning(
                "%d notifications were claimed more than %g s ago by a sender that never finished "
                "(it stopped or died); they will be sent again",
                released,
                self.lease,
            )

    async def send_due(self, progress: Progress | None = None, *, now_please: bool = False) -> Progress:
        """Send every batch that is due (``now_please``: every pending item, whatever the user's mode).

        With ``now_please`` and e-mails waiting for a mail server that is not configured, the other
        channels are sent and then ValueError(NO_MAIL) says why the e-mails were not."""
        progress = progress or Progress()
        async with self._lock:  # the timer and the "Send pending" action never send side by side
            await self.recover()
            skipped = await asyncio.to_thread(self.database.write, unwanted.skip_unwanted)
            if skipped:
                progress.counts["skipped"] += skipped
            due = await asyncio.to_thread(
                self.database.read, outbox.due_batches, self.grouping_delay, now_please=now_please
            )
            sendable = [pair for pair in due if pair[1] is not None or self.smtp is not None]
            progress.total = len(sendable)
            for user_id, channel_id in sendable:
                batch = await asyncio.to_thread(
                    self.database.write, outbox.claim, user_id, channel_id, self.owner
                )
                if batch is None:
                    progress.step("nothing to send")
                    continue
                progress.step(await self._deliver(batch))
                progress.counts["notifications"] += len(batch.items)
        if now_please and len(sendable) < len(due):
            raise ValueError(NO_MAIL)
        return progress

    async def preview(self, user_id: int) -> Preview:
        """The e-mail a user would get next, exactly as it would be sent; nothing is claimed or sent.
        ValueError(NO_MAIL) without a mail server, LookupError for no such user."""
        if self.smtp is None:
            raise ValueError(NO_MAIL)
        batch = await asyncio.to_thread(self.database.read, outbox.next_batch, user_id)
        if not batch.email:  # nothing is queued for e-mail: say why instead
            settings = await asyncio.to_thread(self.database.read, preferences.read, user_id)
            return Preview(settings.username, 0, note=f"No e-mail: {settings.email_note}.")
        if self.words is not None:
            await self.words.ready()
        return mailer.preview(batch, self.smtp.sender, self.links, self.look, self.words)

    async def rotate_links(self, user_id: int, *, by: str) -> None:
        """Revoke every manage and unsubscribe link sent to the user so far (a forwarded e-mail, say);
        the next message carries new ones. LookupError for no such user."""
        key = await asyncio.to_thread(self.database.write, preferences.rotate_link_key, user_id)
        audit.info(
            "%s replaced the links of user %d: those sent so far no longer work (key %d)", by, user_id, key
        )

    async def test(self, user_id: int) -> list[TestResult]:
        """A test message to each of the user's channels now, outside the outbox; the result per channel.
        LookupError for no such user."""
        settings = await asyncio.to_thread(self.database.read, preferences.read, user_id)
        urls = await asyncio.to_thread(self.database.read, preferences.channel_urls, user_id)
        batch = Batch(
            user_id,
            settings.username,
            settings.email,
            [TEST_ITEM],
            owner="",
            link_key=settings.link_key,
            time_zone=settings.time_zone,
            locale=settings.locale,
        )
        targets = [(None, "e-mail")] if settings.email_enabled and settings.email else []
        targets += [(url, label) for _channel_id, url, label in urls]
        results = [] if settings.email else [TestResult("e-mail", False, settings.email_note)]
        results += [await self._try(label, self._send(batch, url)) for url, label in targets]
        log.info("test notification to %s: %s", settings.username, _summary(results))
        return results

    async def _deliver(self, batch: Batch) -> str:
        try:
            await self._send(batch, batch.channel_url)
        except FAILURES as error:
            return await self._failed(batch, _reason(error))
        kept = await asyncio.to_thread(self.database.write, outbox.mark_sent, batch)
        if kept < len(batch.items):  # our lease ran out while the service was taking it
            log.warning(
                "%s's %s message went out after its claim had expired; it may arrive twice",
                batch.username,
                batch.channel_label,
            )
        log.info("sent %s %d new episode(s) by %s", batch.username, len(batch.items), batch.channel_label)
        return "sent"

    async def _send(self, batch: Batch, url: str | None) -> None:
        """To the Apprise channel ``url``, or (None) by e-mail; one of FAILURES if it did not go."""
        if self.words is not None:
            await self.words.ready()  # (the templates are read from memory after this)
        if url is not None:
            own = (lambda kind: self.words.render(kind, batch, self.look, self.links)) if self.words else None
            body, marked = text(batch, self.look, self.links), markdown(batch, self.look, self.links)
            title = mailer.subject(batch, self.look)
            if own:  # the admin's templates, where they have them
                title, body, marked = own("subject") or title, own("text") or body, own("markdown") or marked
            posters = [show.poster_url for show in shows(batch, self.look) if show.poster_url]
            await channels.send(url, title, body, markdown=marked, posters=posters)
            return
        if self.smtp is None:
            raise ValueError(NO_MAIL)
        if not batch.email or "@" not in batch.email:
            raise ValueError(f"user {batch.username} has no e-mail address")
        await mailer.send(
            self.smtp, mailer.compose(batch, self.smtp.sender, self.links, self.look, self.words)
        )

    async def _failed(self, batch: Batch, reason: str) -> str:
        retry = await asyncio.to_thread(
            self.database.write,
            outbox.mark_failed_attempt,
            batch,
            reason,
            attempts=self.attempts,
            backoff=self.backoff,
        )
        log.warning(
            "%s to %s (%d items) failed, %s: %s",
            batch.channel_label,
            batch.username,
            len(batch.items),
            "will retry" if retry else "gave up",
            reason,
        )
        return "retrying" if retry else "failed"

    async def _try(self, label: str, sending) -> TestResult:
        try:
            await sending
        except FAILURES as error:
            return TestResult(label, False, _reason(error))
        return TestResult(label, True)


def _reason(error: Exception) -> str:
    return str(error) if isinstance(error, ChannelError) else f"{type(error).__name__}: {error}"


def _summary(results: list[TestResult]) -> str:
    return ", ".join(f"{r.channel} {'ok' if r.ok else 'failed: ' + (r.error or '')}" for r in results)
