"""Posters for channels that take attachments (Discord, Telegram, ntfy, a json:// webhook, …): fetched
just before the send, all at once and for :data:`TIMEOUT` seconds at most, never more than :data:`MOST`
per message. A poster that cannot be fetched is logged and left out; the message goes without it.

Fetched posters are kept in memory for a while (:data:`KEEP` seconds, the newest :data:`KEPT`), and so is
a failure: a season landing for twenty people fetches each poster once, and an image host that is down
costs the sender one timeout, not one per message."""

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import PurePosixPath
from urllib.parse import urlsplit

import httpx
from apprise.attachment.memory import AttachMemory

log = logging.getLogger("airdate.channels")
TIMEOUT = 5.0  # seconds for the posters of one message; the sender goes on without them after that
MOST = 3  # posters attached to one message (the first shows')
BIGGEST = 2 * 1024 * 1024  # bytes: a poster larger than this is left out
KEEP, KEPT = 600.0, 64  # seconds a poster (or a failure) is kept, and how many are
Poster = tuple[bytes, str] | None  # (content, MIME type); None: it could not be fetched
_kept: OrderedDict[str, tuple[float, Poster]] = OrderedDict()


async def fetch(urls: Sequence[str], wait: float = TIMEOUT) -> list[AttachMemory]:
    """The first :data:`MOST` posters as Apprise attachments; those that fail are logged and skipped."""
    wanted = list(dict.fromkeys(urls))[:MOST]
    missing = [url for url in wanted if _recall(url) is False]
    if missing:
        async with httpx.AsyncClient(timeout=wait, follow_redirects=True) as client:
            fetched = await asyncio.gather(*(_one(client, url) for url in missing))
        for url, poster in zip(missing, fetched, strict=True):
            _keep(url, poster)
    found = []
    for url in wanted:
        poster = _recall(url)
        if poster:
            content, kind = poster
            name = PurePosixPath(urlsplit(url).path).name or "poster"
            found.append(AttachMemory(content=content, name=name, mimetype=kind))
    return found


def forget() -> None:
    """Drop every kept poster and failure."""
    _kept.clear()


async def _one(client: httpx.AsyncClient, url: str) -> Poster:
    try:
        answer = await client.get(url)
        answer.raise_for_status()
    except (httpx.HTTPError, ValueError) as error:
        log.warning("the poster %s could not be fetched, the message goes without it: %s", url, error)
        return None
    kind = answer.headers.get("content-type", "").split(";")[0].strip()
    if not kind.startswith("image/") or len(answer.content) > BIGGEST:
        log.warning("%s is not a poster (%s, %d bytes): left out", url, kind, len(answer.content))
        return None
    return answer.content, kind


def _recall(url: str) -> Poster | bool:
    """What was kept of ``url``: the poster, None (it failed), or False (nothing, or too old)."""
    kept = _kept.get(url)
    if kept is None or kept[0] < time.monotonic():
        return False
    return kept[1]


def _keep(url: str, poster: Poster) -> None:
    _kept[url] = (time.monotonic() + KEEP, poster)
    _kept.move_to_end(url)
    while len(_kept) > KEPT:
        _kept.popitem(last=False)
