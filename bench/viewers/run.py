"""Driving the dashboard benchmarks: N connected viewers while the stats change every few seconds, and
a burst of plain page loads."""

import asyncio
import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.fanout.run import cpu, rss
from bench.report import median, percentile
from tests.utils.server import ROOT, Server

USER = "INSERT INTO users (username, email, created_at) VALUES ('v%d', 'v@x', '2026-01-01')"


@dataclass
class Viewers:
    viewers: int
    changes: int
    cpu_share: float  # of one core, averaged over the changes
    cpu_per_change: float  # seconds
    rss_per_viewer: float  # bytes
    latency_p50: float  # write committed -> a viewer got the new numbers
    latency_p99: float
    spread_p99: float  # first -> last viewer, per change
    messages: dict[str, float]  # per viewer per change, by socket.io event
    complete: int  # viewer-changes that arrived


def dashboard_viewers(folder: Path, count: int, *, changes: int = 12, every: float = 5.0) -> Viewers:
    url = f"sqlite:///{folder / f'viewers-{count}-{time.monotonic_ns()}.sqlite3'}"
    server = Server(url, {"stats_interval": "0.2"}).start()
    try:
        time.sleep(1)
        before = rss(server.process.pid)
        client = subprocess.Popen(
            [sys.executable, "-m", "bench.viewers.client", server.url, str(count)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        if client.stdout.readline().strip() != "READY":
            raise RuntimeError("the viewers did not connect")
        memory = (rss(server.process.pid) - before) / count
        written: dict[int, float] = {}
        cpu_before, started = cpu(server.process.pid), time.monotonic()
        for change in range(changes):
            server.sql(USER % change)
            written[change + 1] = time.time()
            time.sleep(max(0.0, started + (change + 1) * every - time.monotonic()))
        cpu_used, elapsed = cpu(server.process.pid) - cpu_before, time.monotonic() - started
        out, _ = client.communicate(timeout=120)
    finally:
        server.stop()
    seen = json.loads(out.strip().splitlines()[-1])
    latencies, spreads = [], []
    for users, at in written.items():
        arrivals = [viewer["users"][str(users)] for viewer in seen if str(users) in viewer["users"]]
        latencies += [arrival - at for arrival in arrivals]
        if arrivals:
            spreads.append(max(arrivals) - min(arrivals))
    kinds = {kind for viewer in seen for kind in viewer["messages"]}
    per_message = {
        kind: sum(viewer["messages"].get(kind, 0) for viewer in seen) / count / changes
        for kind in sorted(kinds)
    }
    return Viewers(
        count,
        changes,
        cpu_used / elapsed,
        cpu_used / changes,
        memory,
        median(latencies),
        percentile(latencies, 0.99),
        percentile(spreads, 0.99),
        per_message,
        len(latencies),
    )


@dataclass
class PageLoads:
    pages: int
    at_once: int
    per_second: float
    latency_p50: float
    latency_p99: float
    statuses: dict[int, int]
    cpu_per_page: float
    rss_start: float
    rss_peak: float
    rss_after: float  # ``wait`` seconds after the round
    held_after: float  # pages the server still held then (airdate_pages_held)
    wait: float


async def _load(url: str, pages: int, at_once: int) -> tuple[list[float], list[int]]:
    gate = asyncio.Semaphore(at_once)
    times, statuses = [], []
    async with httpx.AsyncClient(base_url=url, timeout=60) as client:

        async def one() -> None:
            async with gate:
                started = time.perf_counter()
                response = await client.get("/", headers={"Accept": "text/html"})
                times.append(time.perf_counter() - started)
                statuses.append(response.status_code)

        await asyncio.gather(*(one() for _ in range(pages)))
    return times, statuses


WARM_UP = 120.0  # seconds: a fresh demo grows ~19 MiB in its first ~90 s (caches, history), then levels off


def idle_growth(folder: Path, seconds: float) -> tuple[float, float]:
    """(RSS at the start, RSS ``seconds`` later) of a demo left alone: how much it grows by itself."""
    url = f"sqlite:///{folder / f'idle-{time.monotonic_ns()}.sqlite3'}"
    server = Server(url, {"demo": "true", "demo_database_url": url}).start()
    try:
        time.sleep(WARM_UP)  # as for the page loads
        start = rss(server.process.pid)
        time.sleep(seconds)
        return start, rss(server.process.pid)
    finally:
        server.stop()


def page_loads(
    folder: Path, *, pages: int = 300, at_once: int = 8, rounds: int = 3, wait: float = 15
) -> list[PageLoads]:
    """``rounds`` rounds of ``pages`` plain GETs on one demo that has run :data:`WARM_UP` seconds, each
    measured ``wait`` seconds after it ended (the next round starts then); RSS at the start is the demo's
    before the first round."""
    url = f"sqlite:///{folder / f'pages-{time.monotonic_ns()}.sqlite3'}"
    server = Server(url, {"demo": "true", "demo_database_url": url}).start()
    done = []
    try:
        time.sleep(WARM_UP)  # a server that has run for a while meets the burst, not one still warming up
        start = rss(server.process.pid)
        for _ in range(rounds):
            cpu_before, began = cpu(server.process.pid), time.monotonic()
            times, statuses = asyncio.run(_load(server.url, pages, at_once))
            elapsed = time.monotonic() - began
            cpu_used, peak = cpu(server.process.pid) - cpu_before, rss(server.process.pid)
            time.sleep(wait)
            counted: dict[int, int] = {}
            for status in statuses:
                counted[status] = counted.get(status, 0) + 1
            done.append(
                PageLoads(
                    pages,
                    at_once,
                    pages / elapsed,
                    median(times),
                    percentile(times, 0.99),
                    counted,
                    cpu_used / pages,
                    start,
                    peak,
                    rss(server.process.pid),
                    server.metric("airdate_pages_held"),
                    wait,
                )
            )
    finally:
        server.stop()
    return done
