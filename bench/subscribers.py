"""Memory per idle SSE subscriber, and the cost of resuming a stream that missed 1,000 notifications.

* Memory: a real server (``main.py`` as a subprocess, stats interval 1 s, keepalive 15 s), warmed up
  with 20 connect/disconnect cycles, then holding 100 and then 1,000 idle ``/sse/stats`` streams
  opened from this process on raw asyncio sockets (request sent, headers and first event read, then
  nothing). Resident memory (``process_resident_memory_bytes``) and ``airdate_event_loop_tasks``
  come from its ``/metrics``; per subscriber is the delta from the warm baseline divided by N.
* Replay: two servers, each on its own SQLite database, after the same 1,050 notifications were
  inserted with raw SQL (so the same change ids). One keeps 1,050 events in memory, the other none
  (``AIRDATE_REPLAY_EVENTS=0``), so it serves a resume from its database's change log. Time from
  connecting to the last replayed event parsed, for streams resuming with ``Last-Event-ID`` after the
  newest 1,000 notifications (from memory, with and without ``?events=notification``; from the
  database), next to a fresh stream's time to its first event; plus the in-process cost of
  ``live.resume.opening`` for 1,000 missed notifications, from memory and from the change log.
"""

import asyncio
import time
from functools import partial
from pathlib import Path

import httpx
from sqlalchemy import text

from data import Database, schema
from data.changes import changes_between, last_change_id
from data.feed_read import read_live
from live import KINDS, Hub, LiveFeed, opening
from live.hub import NOTIFICATION
from tests.utils.server import Server, run_cli
from tests.utils.sse import Message, messages

from .report import Section, median, ms, percentile, progress

SUBSCRIBERS = (100, 1_000)  # opened cumulatively: the 1,000 include the first 100
WARM_UP = 20
SETTLE = 1.0  # seconds between the gauge reaching N and reading memory
AT_ONCE = 100  # streams being opened concurrently
MISSED = 1_000  # notifications a resuming reader missed (the default AIRDATE_REPLAY_EVENTS is as many events)
SPARE = 50  # kept besides, so that stats and log events cannot push a missed notification out of the window
KEPT = MISSED + SPARE  # AIRDATE_REPLAY_EVENTS of the server that serves resumes from memory
NOT_KEPT = 0  # ... of the one that serves them from its database's change log
ROUNDS = 20
OPENING_RUNS = 2_000
OPENING_DATABASE_RUNS = 200
GAUGE = "airdate_sse_subscribers"
RSS = "process_resident_memory_bytes"
TASKS = "airdate_event_loop_tasks"
MEMORY_COLUMNS = ["state", "subscribers", "RSS MiB", "Δ RSS MiB", "KiB / subscriber", "loop tasks"]
MEMORY_COLUMNS += ["tasks / subscriber"]
PENDING = 'airdate_notifications{status="pending"}'
USER = "INSERT INTO users (id, username, email, created_at) VALUES (1, 'ada', 'ada@x', '2026-01-01')"
NOTIFICATIONS = (
    "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < {count}) "
    "INSERT INTO notifications (user_id, subject, body, status, attempts, created_at) "
    "SELECT 1, 'episode ' || x, 'body', 'pending', 0, '2026-11-28 10:00:00' FROM n"
)
CHANGE_IDS = "SELECT id FROM notification_changes ORDER BY id"
STATS = "message"  # a stats event has no event line: SSE calls it a message

Stream = tuple[asyncio.StreamReader, asyncio.StreamWriter]


async def _scrape(client: httpx.AsyncClient, *names: str) -> list[float]:
    """Several metrics from ONE scrape of ``/metrics``, so that they are taken together."""
    values = {}
    for line in (await client.get("/metrics")).text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            values[name] = float(value)
    return [values[name] for name in names]


async def _wait_for(client: httpx.AsyncClient, name: str, value: float, within: float = 60) -> float:
    """Poll a metric until it equals ``value``; the seconds it took."""
    started = time.monotonic()
    while (await _scrape(client, name))[0] != value:
        if time.monotonic() - started > within:
            raise TimeoutError(f"{name} did not reach {value} within {within} s")
        await asyncio.sleep(0.05)
    return time.monotonic() - started


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
            await _wait_for(client, GAUGE, 0)
            await asyncio.sleep(SETTLE)
            observed.append(("warm baseline", await _scrape(client, GAUGE, RSS, TASKS)))
            for count in SUBSCRIBERS:
                progress(f"subscribers: opening {count:,} idle SSE streams")
                started = time.perf_counter()
                await _open_many(server.port, count - len(streams), streams, token)
                opened.append(time.perf_counter() - started)
                await _wait_for(client, GAUGE, count)
                await asyncio.sleep(SETTLE)
                observed.append((f"{count:,} idle streams", await _scrape(client, GAUGE, RSS, TASKS)))
        finally:
            await _close(streams)
        closing = await _wait_for(client, GAUGE, 0)
        await asyncio.sleep(SETTLE)
        observed.append(("all closed", await _scrape(client, GAUGE, RSS, TASKS)))
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


async def _read(
    client: httpx.AsyncClient, count: int, *, after: int | None = None, kinds: str | None = None
) -> tuple[float, list[Message]]:
    """Seconds from connecting until ``count`` data events (or a ``reset``) were parsed, and those events."""
    headers = {} if after is None else {"Last-Event-ID": str(after)}
    params = {} if kinds is None else {"events": kinds}
    got: list[Message] = []
    started = time.perf_counter()
    stream = client.stream("GET", "/sse/stats", headers=headers, params=params)
    async with asyncio.timeout(60), stream as response:  # a missing event fails the run, not hangs it
        response.raise_for_status()
        async for message in messages(response.aiter_lines()):
            if message.data:
                got.append(message)
                if len(got) == count or message.event == "reset":
                    break
        elapsed = time.perf_counter() - started
    return elapsed, got


async def _settled(server: Server, client: httpx.AsyncClient, within: float = 30) -> list[int]:
    """The ids in the server's change log, once its feed has published them all (then the snapshot's id,
    ``X-Event-Id``, is the newest change id)."""
    changes = [change for (change,) in await asyncio.to_thread(server.query, CHANGE_IDS)]
    started = time.monotonic()
    while int((await client.get("/api/stats")).headers["X-Event-Id"]) != changes[-1]:
        if time.monotonic() - started > within:
            raise TimeoutError(f"the feed did not reach change {changes[-1]} within {within} s")
        await asyncio.sleep(0.05)
    return changes


def _same(got: list[Message], expected: list[Message], what: str) -> None:
    """Raise unless ``got`` are the expected events: the same ids, in order, and the same data."""
    if [(m.id, m.event, m.data) for m in got] != [(m.id, m.event, m.data) for m in expected]:
        ids = [m.id for m in got]
        raise AssertionError(
            f"{what}: {len(got)} events (ids {ids[:1]}..{ids[-1:]}), not the {len(expected)} expected "
            f"(ids {expected[0].id}..{expected[-1].id}); the last {got[-1:]}"
        )


async def _replay(near: Server, far: Server) -> dict:
    """Resumes served from memory by ``near`` and from the change log by ``far``, interleaved."""
    async with (
        httpx.AsyncClient(base_url=near.url, timeout=30) as memory,
        httpx.AsyncClient(base_url=far.url, timeout=30) as database,
    ):
        both = ((near, memory), (far, database))
        for server, client in both:
            await asyncio.to_thread(server.sql, USER)
            await _wait_for(client, "airdate_users", 1)
        _, (snapshot,) = await _read(memory, 1)
        for server, _client in both:
            await asyncio.to_thread(server.sql, NOTIFICATIONS.format(count=MISSED + SPARE))
        changes = await _settled(near, memory)
        if await _settled(far, database) != changes:
            raise AssertionError("the two servers' change logs differ")

        # From before the insert: more than the memory server's window holds, so both read the change log
        # (the memory server only for the oldest few, which its window had to let go).
        since = [change for change in changes if change > snapshot.id]
        _, early = await _read(memory, len(since), after=snapshot.id, kinds=NOTIFICATION)
        if [m.id for m in early] != since:
            raise AssertionError(f"resuming {len(since)} changes back: ids {[m.id for m in early][:3]}..")
        _, early_far = await _read(database, len(since), after=snapshot.id, kinds=NOTIFICATION)
        _same(early_far, early, f"resuming {len(since)} changes back from the database")

        # From now on the memory server can serve a resume from its window only: a resume it could not
        # serve so gets a reset instead of a quiet read of the change log.
        await asyncio.to_thread(near.sql, "DELETE FROM notification_changes")
        _, (reset,) = await _read(memory, 1, after=snapshot.id, kinds=NOTIFICATION)
        if reset.event != "reset":
            raise AssertionError(f"the memory server still served a resume it has no window for: {reset}")

        resume, last = changes[-MISSED - 1], changes[-1]
        _, window = await _read(memory, MISSED + 1, after=resume)
        notifications = window[:-1]
        if [(m.id, m.event) for m in notifications] != [
            (change, NOTIFICATION) for change in changes[-MISSED:]
        ]:
            raise AssertionError(f"the replay is not the {MISSED:,} newest changes, in order")
        if (window[-1].event, window[-1].id) != (STATS, last):
            raise AssertionError(f"the replay does not end with the stats snapshot of change {last}")
        reads = {
            "fresh": lambda: _read(memory, 1),
            "memory": lambda: _read(memory, MISSED, after=resume, kinds=NOTIFICATION),
            "database": lambda: _read(database, MISSED, after=resume, kinds=NOTIFICATION),
            "all": lambda: _read(memory, MISSED + 1, after=resume),
        }
        times: dict[str, list[float]] = {name: [] for name in reads}
        for round_ in range(ROUNDS + 1):  # round 0 warms up
            order = ["fresh", "memory", "database", "all"]
            if round_ % 2:
                order[1:3] = order[2:0:-1]  # the two resumes that are compared take turns going first
            for name in order:
                seconds, got = await reads[name]()
                if name == "fresh" and (len(got), got[0].event) != (1, STATS):
                    raise AssertionError(f"a fresh stream did not start with the stats snapshot: {got}")
                if name in ("memory", "database"):
                    _same(got, notifications, f"the resume from {name}")
                if name == "all":
                    _same(got[:-1], notifications, "the resume of all kinds")
                    if (len(got), got[-1].event, got[-1].id) != (MISSED + 1, STATS, last):
                        raise AssertionError(f"the resume of all kinds ended with {got[-1:]}")
                if round_:
                    times[name].append(seconds)
        for client in (memory, database):
            await _wait_for(client, GAUGE, 0, within=5)
    return {
        "times": times,
        "resume": resume,
        "last": last,
        "since": len(since),
        "notifications": notifications,
    }


async def _opening_costs(folder: Path) -> dict[str, list[float]]:
    """Seconds per ``await opening()`` for a reader that missed 1,000 notifications, in process: a real
    LiveFeed and Hub on a SQLite database, one Hub keeping them in its window, one keeping none."""
    database = Database(f"sqlite:///{folder / 'opening.sqlite3'}")
    schema.upgrade(database)
    with database.engine.begin() as connection:
        connection.execute(text(USER))
    start = database.read(last_change_id)
    feeds = {
        "memory": LiveFeed(partial(database.read, read_live), Hub(replay_events=KEPT), changes_after=start),
        "database": LiveFeed(
            partial(database.read, read_live), Hub(replay_events=NOT_KEPT), changes_after=start
        ),
    }
    for feed in feeds.values():
        feed.start()
        await feed.tick()
    with database.engine.begin() as connection:
        connection.execute(text(NOTIFICATIONS.format(count=MISSED)))
    for feed in feeds.values():
        await feed.tick()
    last, after = database.read(last_change_id), str(start)
    if feeds["memory"].hub.complete_after > start or feeds["database"].hub.complete_after < last:
        raise AssertionError("the memory hub's window should hold every missed change, the other's none")
    first = {
        name: await opening(feed, partial(database.read, changes_between), after, KINDS)
        for name, feed in feeds.items()
    }
    for name, chunks in first.items():
        if len(chunks) != MISSED + 1 or chunks[-1] != feeds[name].current.wire:
            raise AssertionError(
                f"opening() from {name} is not the {MISSED:,} missed changes and the snapshot"
            )
    if first["memory"][:-1] != first["database"][:-1]:
        raise AssertionError("opening() from memory and from the change log differ")
    durations: dict[str, list[float]] = {}
    for name, runs in (("memory", OPENING_RUNS), ("database", OPENING_DATABASE_RUNS)):
        feed = feeds[name]
        durations[name] = []
        for run_ in range(runs + runs // 20):  # the first twentieth warms up
            started = time.perf_counter()
            await opening(feed, partial(database.read, changes_between), after, KINDS)
            if run_ >= runs // 20:
                durations[name].append(time.perf_counter() - started)
    database.dispose()
    return durations


def _timing_row(label: str, events: int, values: list[float], unit: str = "ms") -> list[str]:
    def show(seconds: float) -> str:
        return f"{seconds * 1e6:.0f} µs" if unit == "µs" else f"{ms(seconds)} ms"

    return [label, f"{events:,}", show(median(values)), show(percentile(values, 0.95)), f"{len(values):,}"]


def replay(folder: Path) -> list[Section]:
    """Resuming with Last-Event-ID after 1,000 missed notifications, against a fresh stream, from memory
    and from the database, over HTTP and in process."""
    progress(f"subscribers: replay of {MISSED:,} missed notifications (two servers starting)")
    near = Server(
        f"sqlite:///{folder / 'memory.sqlite3'}", {"stats_interval": "0.2", "replay_events": str(KEPT)}
    )
    far = Server(
        f"sqlite:///{folder / 'database.sqlite3'}", {"stats_interval": "0.2", "replay_events": str(NOT_KEPT)}
    )
    try:
        near.start()
        far.start()
        r = asyncio.run(_replay(near, far))
    finally:
        near.stop()
        far.stop()
    progress(f"subscribers: opening() for {MISSED:,} missed notifications, in process")
    opened = asyncio.run(_opening_costs(folder))
    times, notifications = r["times"], r["notifications"]
    subjects = f"`{notifications[0].json()['subject']}` .. `{notifications[-1].json()['subject']}`"
    section = Section(
        "Replay cost of a resumed stream",
        f"A server keeping {KEPT:,} events for resumes (`AIRDATE_REPLAY_EVENTS`); {MISSED + SPARE:,} "
        f"notifications inserted with raw SQL and published; each resume missed the newest {MISSED:,}. Time "
        "from connecting until the last event a stream should get was parsed (httpx + the tests' SSE "
        f"parser), for a fresh stream and for streams resuming with `Last-Event-ID`; {ROUNDS} rounds, "
        "interleaved, after one warm-up round. Last row: `live.resume.opening()` in process for "
        f"{MISSED:,} missed notifications (all kinds: then the current snapshot), with a `LiveFeed` and a "
        f"`Hub` on a SQLite database, {OPENING_RUNS:,} calls.",
        ["stream", "events read", "median", "p95", "runs"],
    )
    section.rows += [
        _timing_row("fresh `/sse/stats`, until its first event (stats snapshot)", 1, times["fresh"]),
        _timing_row("resume, `Last-Event-ID` + `?events=notification`", MISSED, times["memory"]),
        _timing_row("resume, `Last-Event-ID`, all kinds (+ the current snapshot)", MISSED + 1, times["all"]),
        _timing_row(
            "in process: `await opening(feed, history, id, KINDS)`", MISSED + 1, opened["memory"], "µs"
        ),
    ]
    per_event = (median(times["all"]) - median(times["fresh"])) / MISSED
    section.notes += [
        f"A resume's id is a change-log id: the resumes start after change {r['resume']:,} and get the "
        f"{MISSED:,} notification events after it ({subjects}), with all kinds then the current stats "
        f"snapshot, whose id is the change it is current to ({r['last']:,}); log lines are not replayed. "
        "The ids are the change log's, in order, and the events the same every time (checked).",
        "These come from memory only: once the feed had published the inserts, this server's change log "
        "was emptied, so a resume its window could not serve would get `event: reset` (a resume from the "
        f"snapshot before the insert, {r['since']:,} changes back, now does: checked). Before that, that "
        f"resume got all {r['since']:,} notifications, the oldest few (which the window had let go) read "
        "from the change log, the same ids and bytes as a server keeping none in memory (checked).",
        f"Replaying the {MISSED:,} notifications and the snapshot costs about {per_event * 1e6:.0f} µs per "
        "event over a fresh connection (difference of medians, client-side parsing included).",
    ]
    return [section, _sources(times, opened)]


def _sources(times: dict[str, list[float]], opened: dict[str, list[float]]) -> Section:
    section = Section(
        "Resume from memory vs from the database",
        f"The same {MISSED:,} missed notifications (`Last-Event-ID` + `?events=notification`), served by the "
        f"server above from its window, and by a second server on its own SQLite database with the same "
        f"{MISSED + SPARE:,} notifications (so the same change ids) that keeps no events in memory "
        "(`AIRDATE_REPLAY_EVENTS=0`): it reads them from its change log (`changes_between`, off the "
        f"event loop) and encodes them as they were when new. Time from connecting until the {MISSED:,}th "
        f"was parsed, in the same {ROUNDS} rounds as above (which of the two goes first alternates). In "
        "process (all kinds, so the current snapshot follows): `await opening()` on a `LiveFeed` whose "
        f"`Hub` keeps them, and on one on the same database whose `Hub(replay_events=0)` does not, "
        f"{OPENING_RUNS:,} and {OPENING_DATABASE_RUNS:,} calls.",
        ["served from", "`AIRDATE_REPLAY_EVENTS`", "events read", "median", "p95", "runs", "÷ memory"],
    )
    pairs = (  # (how, events read, from memory, from the change log, units)
        ("over HTTP", MISSED, times["memory"], times["database"], ("ms", "ms")),
        (
            "in process, `opening()` (+ the snapshot)",
            MISSED + 1,
            opened["memory"],
            opened["database"],
            ("µs", "ms"),
        ),
    )
    for how, events, from_memory, from_database, units in pairs:
        sources = (("memory", KEPT, from_memory), ("the change log", NOT_KEPT, from_database))
        for (source, window, values), unit in zip(sources, units, strict=True):
            _, _, mid, p95, runs = _timing_row("", events, values, unit)
            ratio = f"{median(values) / median(from_memory):.2f}x"
            section.rows.append([f"{source}, {how}", f"{window:,}", f"{events:,}", mid, p95, runs, ratio])
    extra = (median(times["database"]) - median(times["memory"])) / MISSED
    section.notes.append(
        f"Both deliver exactly the same {MISSED:,} notification ids, in order, with the same data (checked "
        "every run; in process the chunks are compared byte for byte). Over HTTP the change log costs "
        f"about {extra * 1e6:.1f} µs more per missed notification than memory (difference of medians)."
    )
    return section


def run(folder: Path) -> list[Section]:
    """Both measurements, in a fresh sub-folder of ``folder`` each."""
    for name in ("memory", "replay"):
        (folder / name).mkdir()
    return [memory(folder / "memory"), *replay(folder / "replay")]
