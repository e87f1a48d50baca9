"""What streams that come and go, and a reader that stops reading, leave in the server's memory.

* Churn: a real server (``main.py`` as a subprocess); 100 warm-up connect/disconnect cycles of
  ``/sse/stats`` (connect, read the first event, close), then 1,000 more from 4 concurrent clients.
  RSS and event-loop tasks from its ``/metrics`` once the subscriber gauge is back at 0.
* Stalled reader: one client sends the request with a 4 KiB receive buffer and never reads, while
  20,000 notifications of ~1 kB are inserted with raw SQL (far more than socket buffers hold). The
  reader's queue is bounded (32 here), so it is dropped; RSS before and after.
"""

import asyncio
import socket
import time
from pathlib import Path

from tests.utils.server import Server
from tests.utils.sse import connect_and_leave

from .report import Section, progress

USER = "INSERT INTO users (id, username, email, created_at) VALUES (1, 'ada', 'ada@x', '2026-01-01')"
BIG = (
    "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 2000) "
    "INSERT INTO notifications (user_id, subject, body, status, attempts, created_at) "
    "SELECT 1, 'episode ' || x || hex(zeroblob(500)), 'body', 'pending', 0, '2026-11-28 10:00:00' FROM n"
)
MiB = 2**20


def _wait(server: Server, name: str, value: float, within: float = 30) -> None:
    deadline = time.monotonic() + within
    while server.metric(name) != value:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{name} did not reach {value}")
        time.sleep(0.05)


def _churn(folder: Path) -> list[str]:
    server = Server(f"sqlite:///{folder / 'churn.sqlite3'}", {"stats_interval": "1"}).start()
    try:
        asyncio.run(connect_and_leave(server.url, 100))
        _wait(server, "airdate_sse_subscribers", 0)
        time.sleep(1)
        rss, tasks = server.metric("process_resident_memory_bytes"), server.metric("airdate_event_loop_tasks")

        async def churn_from_four_clients() -> None:
            await asyncio.gather(*(connect_and_leave(server.url, 250) for _ in range(4)))

        asyncio.run(churn_from_four_clients())
        _wait(server, "airdate_sse_subscribers", 0)
        time.sleep(1)
        rss_after = server.metric("process_resident_memory_bytes")
        tasks_after = server.metric("airdate_event_loop_tasks")
    finally:
        server.stop()
    return [
        "1,000 connect/disconnect cycles",
        f"{rss / MiB:.1f}",
        f"{rss_after / MiB:.1f}",
        f"{(rss_after - rss) / MiB:+.1f}",
        f"{tasks:.0f} → {tasks_after:.0f}",
    ]


def _stalled(folder: Path) -> list[str]:
    settings = {"stats_interval": "0.1", "sse_queue_size": "32", "sse_send_timeout": "1"}
    server = Server(f"sqlite:///{folder / 'stalled.sqlite3'}", settings).start()
    try:
        server.sql(USER)
        time.sleep(1)
        rss = server.metric("process_resident_memory_bytes")
        stalled = socket.socket()
        stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        stalled.connect(("127.0.0.1", server.port))
        stalled.sendall(b"GET /sse/stats HTTP/1.1\r\nHost: x\r\n\r\n")
        _wait(server, "airdate_sse_subscribers", 1)
        for batch in range(1, 11):
            server.sql(BIG)
            _wait(server, 'airdate_notifications{status="pending"}', 2000 * batch)
        _wait(server, "airdate_sse_subscribers", 0)
        time.sleep(1.5)  # past the send timeout: the blocked write is given up, the connection dropped
        rss_after = server.metric("process_resident_memory_bytes")
        tasks = server.metric("airdate_event_loop_tasks")
        stalled.close()
    finally:
        server.stop()
    return [
        "a stalled reader, 20,000 events of 1 kB",
        f"{rss / MiB:.1f}",
        f"{rss_after / MiB:.1f}",
        f"{(rss_after - rss) / MiB:+.1f}",
        f"{tasks:.0f} after",
    ]


def run(folder: Path) -> list[Section]:
    progress("churn: 1,000 connect/disconnect cycles")
    churn = _churn(folder)
    progress("churn: a stalled reader")
    stalled = _stalled(folder)
    section = Section(
        "Streams that come and go, and a reader that stops reading",
        __doc__.split("\n\n", 1)[1].replace("``", "`").strip(),
        ["scenario", "RSS MiB before", "RSS MiB after", "Δ RSS MiB", "loop tasks"],
        [churn, stalled],
    )
    section.notes.append(
        "These were pass/fail thresholds in the tests (< 4 MiB and < 40 MiB); RSS is too noisy for a "
        "test, so the tests check what is exact (subscribers back to 0, tasks back to baseline, the reader "
        "dropped) and the memory is reported here."
    )
    return [section]
