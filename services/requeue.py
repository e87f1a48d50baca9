"""Retrying failed notifications by hand: one (the console's Retry, the REST API) or all (an action)."""

import asyncio
import logging

from data import Database
from data.requeue import NotRetryable, failed_emails, retry_failed

from .mailer import NO_MAIL
from .notifier import Notifier
from .progress import Progress

log = logging.getLogger("airdate.audit")

__all__ = ["NO_MAIL", "NotRetryable", "retry_all", "retry_one"]


async def retry_one(database: Database, notification_id: int, *, by: str) -> None:
    """Put one failed notification back to pending (in a worker thread); raises :class:`NotRetryable`
    when it does not exist or is not failed."""
    await asyncio.to_thread(database.write, retry_failed, notification_id)
    log.info("%s retried notification %d", by, notification_id)


async def retry_all(database: Database, notifier: Notifier, progress: Progress) -> Progress:
    """Every failed notification back to pending, then the notifier sends now (like Send pending).

    Without a mail server, failed e-mails stay failed and, once the other channels are sent, the job
    fails saying so (ValueError(NO_MAIL))."""
    moved = await asyncio.to_thread(database.write, retry_failed, email=notifier.smtp is not None)
    progress.counts["retried"] += moved
    await notifier.send_due(progress, now_please=True)
    if notifier.smtp is None and await asyncio.to_thread(database.read, failed_emails):
        raise ValueError(NO_MAIL)
    return progress
