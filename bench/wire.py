"""Bytes on the wire of ``/sse/stats``: nothing but keepalives while nothing changes, and the size of a
changed snapshot.

A real server with the demo's scale of data; one stream read raw for 35 s with no change (keepalive
every 15 s), then for 10 changes (a user inserted with raw SQL each second). Every byte is counted as
it arrives, by what it carried (HTTP chunk framing excluded). The size at the stats-read benchmark's
1 M notifications is the same event encoded from those counters.
"""

import asyncio
import time
from datetime import UTC, datetime
from pathlib import Path

from data import Stats
from live.feed import dumps, stats_json
from live.hub import STATS, encode
from tests.utils.server import Server

from .report import Section, median, progress

DEMO_SCALE = "INSERT INTO users (username, email, created_at) VALUES ('u%d', 'u@x', '2026-01-01')"
LARGE = Stats(
    users=1_000,
    requests_total=2_000,
    requests_tracking=980,
    episodes_tracked=100_000,
    notifications_total=1_000_000,
    notifications_sent=800_000,
    notifications_pending=100_000,
    notifications_failed=70_000,
)
# Its event's id, the newest change id: a sent notification made 3 changes (pending, sending, sent).
LARGE_CHANGE = 3 * LARGE.notifications_total


async def _count(server: Server, idle: float, changes: int) -> tuple[dict[str, int], list[int]]:
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(f"GET /sse/stats?events=stats HTTP/1.1\r\nHost: x:{server.port}\r\n\r\n".encode())
    buffer, idle_bytes, events = b"", {"keepalive": 0, "stats": 0, "other": 0}, []
    phase_end = time.monotonic() + 2  # the start: headers, retry, the current snapshot

    async def read_until(deadline: float) -> list[bytes]:
        nonlocal buffer
        messages = []
        while (left := deadline - time.monotonic()) > 0:
            try:
                chunk = await asyncio.wait_for(reader.read(65536), left)
            except TimeoutError:
                break
            buffer += chunk
            *complete, buffer = buffer.split(b"\n\n")
            messages += [m + b"\n\n" for m in complete]
        return [_without_framing(m) for m in messages]

    await read_until(phase_end)
    for message in await read_until(time.monotonic() + idle):
        kind = "keepalive" if b"keepalive" in message else "stats" if b"data: " in message else "other"
        idle_bytes[kind] += len(message)
    for change in range(changes):
        await asyncio.to_thread(server.sql, DEMO_SCALE % change)
        arrived = await read_until(time.monotonic() + 1.0)
        events += [len(m) for m in arrived if b"data: " in m]
    writer.close()
    return idle_bytes, events


def _without_framing(message: bytes) -> bytes:
    """The SSE message itself, without the chunked-encoding size line that came before it."""
    starts = [
        at for at in (message.find(b"id: "), message.find(b": keepalive"), message.find(b"retry:")) if at >= 0
    ]
    return message[min(starts) :] if starts else message


def run(folder: Path) -> list[Section]:
    progress("wire: bytes of an idle stream and of a changed snapshot")
    settings = {"stats_interval": "0.2", "sse_keepalive": "15", "demo": "true"}
    url = f"sqlite:///{folder / 'wire.sqlite3'}"
    server = Server(url, {**settings, "demo_database_url": url, "demo_interval": "3600"}).start()
    try:
        time.sleep(3)  # the demo's first syncs: a demo-sized database, and then it stays quiet
        idle, events = asyncio.run(_count(server, idle=35, changes=10))
    finally:
        server.stop()
    large = len(encode(LARGE_CHANGE, STATS, dumps(stats_json(LARGE, datetime.now(UTC)))))
    section = Section(
        "Bytes on the wire",
        __doc__.split("\n\n", 1)[1].replace("\n", " ").replace("``", "`").strip(),
        ["measure", "bytes", "target"],
        [
            ["stats bytes in 35 s without a change", str(idle["stats"]), "0"],
            ["keepalive bytes in those 35 s", str(idle["keepalive"]), ""],
            ["a changed snapshot, demo scale (median of 10)", f"{median(events):.0f}", "~200 (the seed's)"],
            ["a changed snapshot at 1 M notifications", str(large), ""],
        ],
    )
    section.notes.append(
        "An event is `id: <the change-log id the snapshot is current to>`, `data: <JSON>` and a blank "
        "line; the JSON carries the seed's fields plus the notifications' total, failures and skips (the "
        f"movies/tv split is in `/metrics`). At 1 M notifications the id is taken as {LARGE_CHANGE:,} "
        "(a sent notification made three changes: pending, sending, sent)."
    )
    return [section]
