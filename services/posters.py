"""Posters for channels that take attachments (Discord, Telegram, ntfy, a json:// webhook, …): fetched
just before the send, with a short timeout, never more than a few per message. A poster that cannot be
fetched is logged and left out; the message goes without it."""

import logging
from collections.abc import Sequence
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import httpx
from apprise.attachment.memory import AttachMemory

log = logging.getLogger("airdate.channels")
TIMEOUT = 5.0  # seconds for one poster; the sender goes on without it after that
MOST = 3  # posters attached to one message (the first shows')
BIGGEST = 2 * 1024 * 1024  # bytes: a poster larger than this is left out


async def fetch(urls: Sequence[str], wait: float = TIMEOUT) -> list[AttachMemory]:
    """The first :data:`MOST` posters as Apprise attachments; those that fail are logged and skipped."""
    found = []
    async with httpx.AsyncClient(timeout=wait, follow_redirects=True) as client:
        for url in list(dict.fromkeys(urls))[:MOST]:
            try:
                answer = await client.get(url)
                answer.raise_for_status()
            except (httpx.HTTPError, ValueError) as error:
                log.warning("the poster %s could not be fetched, the message goes without it: %s", url, error)
                continue
            kind = answer.headers.get("content-type", "").split(";")[0].strip()
            if not kind.startswith("image/") or len(answer.content) > BIGGEST:
                log.warning("%s is not a poster (%s, %d bytes): left out", url, kind, len(answer.content))
                continue
            name = PurePosixPath(urlsplit(url).path).name or "poster"
            found.append(AttachMemory(content=answer.content, name=name, mimetype=kind))
    return found
