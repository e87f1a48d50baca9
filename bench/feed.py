"""The live feed's cost and speed: reads per tick with 1 vs 50 viewers, and write-to-viewer latency.

* In process: a LiveFeed ticked by hand with 1 and then 50 subscribers (hub listeners plus as many
  SSE queues); reads are counted with the ``airdate_stats_reads_total`` Prometheus counter.
* A real server (``main.py`` as a subprocess, stats interval 0.1 s) with 1 and then 50 open
  ``/sse/stats`` streams; reads and ticks are taken from its ``/metrics``.
* Latency from a commit made through Airdate's own code (``add_user`` in a worker thread) to the
  moment a hub listener receives the new stats event; the feed is never ticked in this part.
"""

import asyncio
import sqlite3
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import httpx
from prometheus_client import REGISTRY

from data import Database, schema
from data.counters import read_stats
from data.feed_read import read_live
from data.writes import add_user
from live import Event, Hub, LiveFeed
from tests.utils.server import Server

from .report import Section, median, ms, percentile, progress

VIEWERS = (1, 50)
TICKS = 100
WRITE_EVERY = 5  # ticks between two raw user inserts, so that snapshots change
SERVER_WINDOW = 3.0  # seconds each server case is observed
SERVER_INTERVAL = "0.1"
WRITES = 100
LATENCY_TARGET = 0.100
READS = "airdate_stats_reads_total"
TICKS_METRIC = "airdate_feed_ticks_total"


def _sample(name: str) -> float:
    return REGISTRY.get_sample_value(name) or 0.0


def _raw_user(path: Path, tag: str) -> None:
    """Insert a user behind Airdate's back (no commit hook fires; only a read can see it)."""
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO users (username, email, created_at) VALUES (?, ?, datetime('now'))",
            (tag, f"{tag}@example.org"),
        )
    db.close()  # the context manager only commits


async def _ticks_in_process(path: Path, viewers: int) -> dict[str, float]:
    database = Database(f"sqlite:///{path}")
    hub = Hub()
    feed = LiveFeed(partial(database.read, read_live), hub)
    feed.start()
    received = [0] * viewers

    def listener_for(index: int) -> Callable[[Event], None]:
        def listener(_event: Event) -> None:
            received[index] += 1

        return listener

    for index in range(viewers):
        hub.listen(listener_for(index))
    queues = [hub.open_reader() for _ in range(viewers)]
    first_seq = hub.last_seq  # every event published from here on, whatever its (change-log) id
    reads, ticks = _sample(READS), _sample(TICKS_METRIC)
    durations = []
    for tick in range(TICKS):
        if tick % WRITE_EVERY == 0:
            await asyncio.to_thread(_raw_user, path, f"tick{viewers}_{tick}")
        started = time.perf_counter()
        await feed.tick()
        durations.append(time.perf_counter() - started)
    reads = _sample(READS) - reads
    ticks = _sample(TICKS_METRIC) - ticks
    database.dispose()
    return {
        "ticks": ticks,
        "reads": reads,
        "events": hub.last_seq - first_seq,
        "min_received": min(received),
        "open_queues": sum(not m.closed for m in queues),
        "tick_ms": median(durations),
    }


def in_process(folder: Path) -> Section:
    """Reads per tick of an in-process LiveFeed with 1 and with 50 subscribers."""
    path = folder / "feed.sqlite3"
    schema.upgrade(Database(f"sqlite:///{path}"))
    section = Section(
        "Feed reads per tick, in process",
        f"A LiveFeed ticked {TICKS} times by hand, with N hub listeners and N SSE queues open; a user is "
        f"inserted with raw SQL every {WRITE_EVERY} ticks so that snapshots change. Reads are the delta of "
        "`airdate_stats_reads_total`.",
        ["subscribers", "ticks", "reads", "reads / tick", "events published", "events / listener", "tick ms"],
    )
    for viewers in VIEWERS:
        progress(f"feed: in-process ticks with {viewers} subscriber(s)")
        r = asyncio.run(_ticks_in_process(path, viewers))
        section.rows.append(
            [
                str(viewers),
                f"{r['ticks']:.0f}",
                f"{r['reads']:.0f}",
                f"{r['reads'] / r['ticks']:.2f}",
                f"{r['events']}",
                f"{r['min_received']} (min)",
                ms(r["tick_ms"]),
            ]
        )
        if r["open_queues"] != viewers:
            raise AssertionError(f"only {r['open_queues']} of {viewers} queues stayed open")
    section.notes.append(
        "`tick ms` is the median wall time of one `await feed.tick()`; every queue stayed open (checked)."
    )
    return section


async def _stream(
    client: httpx.AsyncClient, url: str, chunks: list[int], index: int, opened: asyncio.Event
) -> None:
    async with client.stream("GET", url) as response:
        response.raise_for_status()
        opened.set()
        async for chunk in response.aiter_bytes():
            chunks[index] += chunk.count(b"data: ")  # one data line per event


def _scrape(server: Server, *names: str) -> list[float]:
    """Several metrics from ONE scrape of the server's /metrics, so that they are taken together."""
    values = {}
    for line in httpx.get(f"{server.url}/metrics").text.splitlines():
        name, _, value = line.partition(" ")
        values[name] = value
    return [float(values[name]) for name in names]


def _wait_for_metric(server: Server, name: str, value: float, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while server.metric(name) < value:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{name} did not reach {value}")
        time.sleep(0.05)


async def _server_case(server: Server, path: Path, viewers: int) -> dict[str, float]:
    chunks = [0] * viewers
    limits = httpx.Limits(max_connections=viewers + 5)
    async with httpx.AsyncClient(timeout=httpx.Timeout(10, read=None), limits=limits) as client:
        opened = [asyncio.Event() for _ in range(viewers)]
        url = f"{server.url}/sse/stats"
        tasks = [asyncio.create_task(_stream(client, url, chunks, i, opened[i])) for i in range(viewers)]
        await asyncio.wait_for(asyncio.gather(*(o.wait() for o in opened)), 30)
        await asyncio.to_thread(_wait_for_metric, server, "airdate_sse_subscribers", viewers)
        before = [chunks[i] for i in range(viewers)]
        reads, ticks = await asyncio.to_thread(_scrape, server, READS, TICKS_METRIC)
        deadline = time.monotonic() + SERVER_WINDOW
        step = 0
        while time.monotonic() < deadline:
            await asyncio.to_thread(_raw_user, path, f"server{viewers}_{step}")
            step += 1
            await asyncio.sleep(0.25)
        reads_after, ticks_after = await asyncio.to_thread(_scrape, server, READS, TICKS_METRIC)
        reads, ticks = reads_after - reads, ticks_after - ticks
        await asyncio.sleep(0.3)  # let the last events arrive
        events = min(chunks[i] - before[i] for i in range(viewers))
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return {"ticks": ticks, "reads": reads, "writes": step, "events": events}


def real_server(folder: Path) -> Section:
    """Reads per tick of a real server process with 1 and with 50 open SSE streams."""
    path = folder / "server.sqlite3"
    section = Section(
        "Feed reads per tick, real server",
        f"`main.py` as a subprocess with `AIRDATE_STATS_INTERVAL={SERVER_INTERVAL}`, observed for "
        f"{SERVER_WINDOW:.0f} s with N open `/sse/stats` streams while a user is inserted with raw SQL every "
        "0.25 s. Reads and ticks are deltas of `airdate_stats_reads_total` and `airdate_feed_ticks_total` "
        "from its `/metrics`.",
        ["SSE streams", "ticks", "reads", "reads / tick", "raw writes", "events per stream"],
    )
    server = Server(f"sqlite:///{path}", {"stats_interval": SERVER_INTERVAL}).start()
    try:
        for viewers in VIEWERS:
            progress(f"feed: real server with {viewers} SSE stream(s)")
            r = asyncio.run(_server_case(server, path, viewers))
            section.rows.append(
                [
                    str(viewers),
                    f"{r['ticks']:.0f}",
                    f"{r['reads']:.0f}",
                    f"{r['reads'] / r['ticks']:.2f}",
                    str(r["writes"]),
                    f"{r['events']} (min)",
                ]
            )
    finally:
        server.stop()
    return section


async def _latencies(database: Database, feed: LiveFeed) -> tuple[list[float], list[float]]:
    feed.start()
    users = database.read(read_stats).users
    arrived: dict[int, float] = {}
    waiter: asyncio.Future[None] | None = None

    def listener(event: Event) -> None:
        arrived.setdefault(event.payload.stats.users, time.perf_counter())
        if waiter is not None and not waiter.done() and event.payload.stats.users >= users:
            waiter.set_result(None)

    feed.hub.listen(listener)
    committed: list[float] = []
    called: list[float] = []
    for index in range(WRITES):
        users += 1
        waiter = asyncio.get_running_loop().create_future()
        commit_at: list[float] = []
        started = time.perf_counter()
        await asyncio.to_thread(_write_user, database, index, commit_at)
        await asyncio.wait_for(waiter, 5)
        called.append(arrived[users] - started)
        committed.append(arrived[users] - commit_at[0])
        await asyncio.sleep(0.01)
    return committed, called


def _write_user(database: Database, index: int, commit_at: list[float]) -> None:
    with database.transaction() as session:  # commits as the block ends
        add_user(session, f"latency{index}", f"latency{index}@example.org")
        commit_at.append(time.perf_counter())


def latency(folder: Path) -> Section:
    """Time from a commit through Airdate's own code to a hub listener holding the new stats."""
    progress(f"feed: write-to-viewer latency over {WRITES} writes")
    database = Database(f"sqlite:///{folder / 'latency.sqlite3'}")
    schema.upgrade(database)
    feed = LiveFeed(partial(database.read, read_live), Hub())
    database.on_commit(feed.request_refresh)
    committed, called = asyncio.run(_latencies(database, feed))
    database.dispose()
    section = Section(
        "Write-to-viewer latency",
        f"{WRITES} commits of `add_user` through `database.transaction()` in a worker thread "
        "(`asyncio.to_thread`), with `database.on_commit(feed.request_refresh)` and no ticks; time until "
        f"a hub listener receives the stats event carrying the new user. Target: < {ms(LATENCY_TARGET)} ms.",
        ["measured from", "median ms", "p95 ms", "max ms", "target met (p95)"],
    )
    for label, values in (("`session.commit()` called", committed), ("write started (thread hop)", called)):
        p95 = percentile(values, 0.95)
        section.rows.append(
            [label, ms(median(values)), ms(p95), ms(max(values)), "yes" if p95 < LATENCY_TARGET else "NO"]
        )
    return section


def run(folder: Path) -> list[Section]:
    """All feed benchmarks, in a fresh sub-folder of ``folder`` each."""
    sections = []
    for name, bench in (("in_process", in_process), ("server", real_server), ("latency", latency)):
        sub = folder / name
        sub.mkdir()
        sections.append(bench(sub))
    return sections
