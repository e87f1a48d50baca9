"""Memory per idle SSE subscriber: a real server holding 100 and then 1,000 idle ``/sse/stats`` streams
opened on raw asyncio sockets, its resident memory and event-loop tasks read from its ``/metrics`` —
once without credentials, once with a read token (the request guard's cost)."""

import asyncio
import time
from pathlib import Path

import httpx

from tests.utils.server import Server, run_cli

from ..report import Section, progress
from .metrics import GAUGE, scrape, wait_for

SUBSCRIBERS = (100, 1_000)  # opened cumulatively: the 1,000 include the first 100
WARM_UP = 20
SETTLE = 1.0  # seconds between the gauge reaching N and reading memory
AT_ONCE = 100  # streams being opened concurrently
RSS = "process_resident_memory_bytes"
TASKS = "airdate_event_loop_tasks"
MEMORY_COLUMNS = ["state", "subscribers", "RSS MiB", "Δ RSS MiB", "KiB / subscriber", "loop tasks"]
MEMORY_COLUMNS += ["tasks / subscriber"]

Stream = tuple[asyncio.StreamReader, asyncio.StreamWriter]


async def _open_idle(port: int, token: str = "") -> Stream:
    """An idle ``/sse/stats`` stream on a raw socket: request sent, headers and first event read."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    credentials = f"Authorization: Bearer {token}\r\n" if token else ""
    writer.write(f"GET /sse/stats HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{credentials}\r\n".encode())
    received = b""
    while (start := received.find(b"data: ")) < 0 or received.find(b"\n\n", start) < 0:
        chunk = await reader.read(65536)
        if not chunk:
            writer.close()
            raise ConnectionError(f"stream ended before its first event: {received[:80]!r}")
        received += chunk
    if not received.startswith(b"HTTP/1.1 200"):
        writer.close()
        raise ConnectionError(f"unexpected answer: {received[:80]!r}")
    return reader, writer


async def _open_many(port: int, count: int, streams: list[Stream], token: str) -> None:
    gate = asyncio.Semaphore(AT_ONCE)

    async def one() -> None:
        async with gate:
            streams.append(await asyncio.wait_for(_open_idle(port, token), 30))

    async with asyncio.TaskGroup() as group:
        for _ in range(count):
            group.create_task(one())


async def _close(streams: list[Stream]) -> None:
    for _, writer in streams:
        writer.close()
    await asyncio.gather(*(writer.wait_closed() for _, writer in streams), return_exceptions=True)
    streams.clear()


async def _memory(server: Server, token: str) -> tuple[list[tuple[str, list[float]]], list[float], float]:
    """(label, [subscribers, rss, tasks]) at each step, seconds to open each step, seconds to close."""
    observed: list[tuple[str, list[float]]] = []
    opened: list[float] = []
    streams: list[Stream] = []
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(base_url=server.url, timeout=30, headers=headers) as client:
        try:
            for _ in range(WARM_UP):
                await _close([await _open_idle(server.port, token)])
            await wait_for(client, GAUGE, 0)
            await asyncio.sleep(SETTLE)
            observed.append(("warm baseline", await scrape(client, GAUGE, RSS, TASKS)))
            for count in SUBSCRIBERS:
                progress(f"subscribers: opening {count:,} idle SSE streams")
                started = time.perf_counter()
                await _open_many(server.port, count - len(streams), streams, token)
                opened.append(time.perf_counter() - started)
                await wait_for(client, GAUGE, count)
                await asyncio.sleep(SETTLE)
                observed.append((f"{count:,} idle streams", await scrape(client, GAUGE, RSS, TASKS)))
        finally:
            await _close(streams)
        closing = await wait_for(client, GAUGE, 0)
        await asyncio.sleep(SETTLE)
        observed.append(("all closed", await scrape(client, GAUGE, RSS, TASKS)))
    return observed, opened, closing


CREDENTIALS = {
    "none (no account: this machine's own console)": False,
    "a read token (`Authorization: Bearer`), accounts exist": True,
}


def _measure(folder: Path, with_token: bool) -> tuple[list[tuple[str, list[float]]], list[float], float]:
    url = f"sqlite:///{folder / f'memory-{with_token}.sqlite3'}"
    token = ""
    if with_token:
        run_cli("accounts", "add", "bench", "--role", "admin", input="bench-password", database_url=url)
        token = run_cli("tokens", "add", "bench", "--scope", "read", database_url=url).stdout.strip()
    server = Server(url, {"stats_interval": "1", "sse_keepalive": "15"})
    try:
        return asyncio.run(_memory(server.start(), token))
    finally:
        server.stop()


def memory(folder: Path) -> Section:
    """RSS and event-loop tasks of a real server per idle SSE subscriber, at 100 and 1,000, without and
    with credentials (the request guard's cost)."""
    section = Section(
        "Memory per idle SSE subscriber",
        "`main.py` as a subprocess (`AIRDATE_STATS_INTERVAL=1`, `AIRDATE_SSE_KEEPALIVE=15`), warmed up with "
        f"{WARM_UP} connect/disconnect cycles, then holding N idle `/sse/stats` streams opened from the "
        "benchmark process on raw asyncio sockets (request, headers and first event read, then nothing). "
        f"RSS is `{RSS}`, tasks `{TASKS}`, both read {SETTLE:.0f} s after `{GAUGE}` reached N; "
        "per subscriber = (value at N - warm baseline) / N. Once with no credentials on a server that has "
        "no account, once with a read token on a server that has accounts (each stream passes the request "
        "guard).",
        ["credentials", *MEMORY_COLUMNS],
    )
    for credentials, with_token in CREDENTIALS.items():
        progress(f"subscribers: memory per idle stream, credentials: {credentials}")
        observed, opened, closing = _measure(folder, with_token)
        _, base_rss, base_tasks = observed[0][1]
        for label, (subscribers, rss, tasks) in observed:
            n = int(subscribers)  # the baseline and the closed state have no per-subscriber share
            delta = rss - base_rss
            shares = (
                [f"{delta / 1024 / n:.1f}", f"{tasks:.0f}", f"{(tasks - base_tasks) / n:.2f}"] if n else []
            )
            shares = shares or ["-", f"{tasks:.0f}", "-"]
            row = [label, f"{n:,}", f"{rss / 2**20:.1f}", f"{delta / 2**20:+.1f}", *shares]
            section.rows.append([credentials if label == "warm baseline" else "", *row])
        if observed[-1][1][0] != 0:
            raise AssertionError("the subscriber gauge did not return to 0")
        section.notes.append(
            f"{credentials}: opening the first {SUBSCRIBERS[0]:,} streams ({AT_ONCE} at a time) took "
            f"{opened[0]:.2f} s, the next {SUBSCRIBERS[1] - SUBSCRIBERS[0]:,} {opened[1]:.2f} s; after "
            f"closing them `{GAUGE}` was back at 0 within {closing:.2f} s (checked)."
        )
    section.notes.append(
        f"The `all closed` rows are read {SETTLE:.0f} s after the last close. CPython keeps freed memory in "
        "its allocator, so RSS need not fall back to the baseline. Target: ≤ 30 KiB per idle subscriber."
    )
    return section
