"""Several replicas on one PostgreSQL: how soon a write on replica 1 reaches the SSE streams on replicas
2 and 3, with LISTEN/NOTIFY and, side by side, with the replicas reading only on their timer.

Three real Airdate processes (``main.py``) share a throwaway PostgreSQL; 10 ``/sse/stats`` streams
(notification events) are open on each of replicas 2 and 3. Each write is a Sonarr webhook posted to
replica 1 for a new episode of a show one user requested, so it makes one notification; the latency is
from sending the webhook to the event's arrival on a stream, for every stream. Writes are 50 ms apart.
"""

import asyncio
import contextlib
import json
import time
from pathlib import Path

import httpx

from data import Database, schema
from data.models import MediaType
from data.writes import add_request, add_user
from standins.postgres import Postgres
from standins.sonarr import SonarrWorld
from tests.utils.server import Server

from .report import Section, median, ms, percentile, progress

WRITES = 200
STREAMS_PER_REPLICA = 10
SECRET = "bench"
ANNOUNCE_TRIGGERS = ("users", "media_requests", "episodes", "notifications")  # migration 0005


def run(folder: Path) -> list[Section]:
    cluster = Postgres(timezone="UTC").start()
    try:
        pushed = asyncio.run(_measure(cluster, "pushed", announce=True))
        timer = asyncio.run(_measure(cluster, "timer", announce=False))
    finally:
        cluster.stop()
    section = Section(
        "Replicas: a write on replica 1 → streams on replicas 2 and 3",
        __doc__.split("\n\n", 1)[1].replace("\n", " ").replace("``", "`").strip(),
        ["how replicas learn of it", "events", "p50", "p99", "max"],
    )
    for name, latencies in (
        ("LISTEN/NOTIFY (Airdate; timer every 5 s as the fallback)", pushed),
        ("the timer only, every 5 s (announcement triggers dropped)", timer),
    ):
        section.rows.append(
            [
                name,
                f"{len(latencies):,} of {WRITES * 2 * STREAMS_PER_REPLICA:,}",
                f"{ms(median(latencies))} ms",
                f"{ms(percentile(latencies, 0.99))} ms",
                f"{ms(max(latencies))} ms",
            ]
        )
    section.notes.append(
        f"Target: p99 ≤ 1 s (goal ≤ 100 ms); measured p99 {ms(percentile(pushed, 0.99))} ms with the "
        "announcements."
    )
    return [section]


async def _measure(cluster: Postgres, name: str, *, announce: bool) -> list[float]:
    url = cluster.create_database(f"replicas_{name}")
    database = Database(url)
    schema.upgrade(database)
    with database.transaction() as session:
        fan = add_user(session, "fan", "fan@example.org")
        add_request(session, fan, MediaType.TV, "Show 1", 1)
    if not announce:
        with database.engine.begin() as connection:
            for table in ANNOUNCE_TRIGGERS:
                connection.exec_driver_sql(f"DROP TRIGGER announce_{table} ON {table}")
    database.dispose()
    settings = {"webhook_secret": SECRET, "stats_interval": "5", "log_events_level": "WARNING"}
    replicas = [Server(url, settings).start() for _ in range(3)]
    try:
        return await _stream_and_write(replicas, name)
    finally:
        for replica in replicas:
            replica.stop()


async def _stream_and_write(replicas: list[Server], name: str) -> list[float]:
    sent: dict[str, float] = {}
    arrivals: list[tuple[str, float]] = []
    ready, everything = asyncio.Event(), asyncio.Event()
    opened = 0
    expected = WRITES * 2 * STREAMS_PER_REPLICA

    async def listen(replica: Server) -> None:
        nonlocal opened
        async with (
            httpx.AsyncClient(timeout=None) as client,
            client.stream("GET", f"{replica.url}/sse/stats", params={"events": "notification"}) as stream,
        ):
            opened += 1
            if opened == 2 * STREAMS_PER_REPLICA:
                ready.set()
            async for line in stream.aiter_lines():
                if line.startswith("data: "):
                    arrivals.append((json.loads(line[6:])["subject"], time.perf_counter()))
                    if len(arrivals) >= expected:
                        everything.set()

    listeners = [
        asyncio.create_task(listen(replica)) for replica in replicas[1:] for _ in range(STREAMS_PER_REPLICA)
    ]
    await asyncio.wait_for(ready.wait(), 30)
    sonarr = SonarrWorld()
    series = sonarr.add_series("Show 1", 1, 101)
    async with httpx.AsyncClient(base_url=replicas[0].url, timeout=10) as writer:
        for number in range(1, WRITES + 1):
            if number % 50 == 0:
                progress(f"replicas ({name}): write {number}/{WRITES}")
            payload = sonarr.add_episode(series, 1, number, f"Episode {number}")
            sent[f"New episode: Show 1 S01E{number:02d}"] = time.perf_counter()
            response = await writer.post("/webhooks/sonarr", params={"secret": SECRET}, json=payload)
            response.raise_for_status()
            await asyncio.sleep(0.05)
    with contextlib.suppress(TimeoutError):  # the table says how many arrived
        await asyncio.wait_for(everything.wait(), 15)
    for task in listeners:
        task.cancel()
    await asyncio.gather(*listeners, return_exceptions=True)
    return [at - sent[subject] for subject, at in arrivals if subject in sent]


if __name__ == "__main__":  # pragma: no cover - a quick look without the rest of the bench
    import tempfile

    with tempfile.TemporaryDirectory() as temporary:
        for report in run(Path(temporary)):
            print(report.markdown())
