"""Memory per idle SSE subscriber, and the cost of resuming a stream that missed 1,000 events.

* Memory: a real server (``main.py`` as a subprocess, stats interval 1 s, keepalive 15 s), warmed up
  with 20 connect/disconnect cycles, then holding 100 and then 1,000 idle ``/sse/stats`` streams
  opened from this process on raw asyncio sockets (request sent, headers and first event read, then
  nothing). Resident memory (``process_resident_memory_bytes``) and ``airdate_event_loop_tasks``
  come from its ``/metrics``; per subscriber is the delta from the warm baseline divided by N.
* Replay: a server with the default replay window (1,000 events) after 1,000 notifications were
  inserted with raw SQL. Time from connecting to the last replayed event parsed, for a stream that
  resumes with ``Last-Event-ID`` (with and without ``?events=notification``), next to a fresh
  stream's time to its first event; plus the in-process cost of ``live.sse.opening`` for 1,000
  missed events. The feed follows the notifications with a stats event, so 1,001 were missed: the
  resumes start from the oldest id the window covers (999 notifications plus that stats event).
"""

import asyncio
import json
import time
from pathlib import Path

import httpx

from live import KINDS, Hub, opening
from live.hub import NOTIFICATION
from tests.utils.server import Server, run_cli
from tests.utils.sse import Message, messages

from .report import Section, median, ms, percentile, progress

SUBSCRIBERS = (100, 1_000)  # opened cumulatively: the 1,000 include the first 100
WARM_UP = 20
SETTLE = 1.0  # seconds between the gauge reaching N and reading memory
AT_ONCE = 100  # streams being opened concurrently
MISSED = 1_000  # notifications inserted while the resuming reader was away
WINDOW = 1_000  # the default AIRDATE_REPLAY_EVENTS: events a resume replays
SPARE = 50  # the server keeps this many more, so an unrelated event mid-run cannot push the resume point out
ROUNDS = 20
OPENING_RUNS = 2_000
GAUGE = "airdate_sse_subscribers"
RSS = "process_resident_memory_bytes"
TASKS = "airdate_event_loop_tasks"
MEMORY_COLUMNS = ["state", "subscribers", "RSS MiB", "Δ RSS MiB", "KiB / subscriber", "loop tasks"]
MEMORY_COLUMNS += ["tasks / subscriber"]
PENDING = 'airdate_notifications{status="pending"}'
USER = "INSERT INTO users (id, username, email, created_at) VALUES (1, 'ada', 'ada@x', '2026-01-01')"
NOTIFICATIONS = (
    f"WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < {MISSED + SPARE}) "
    "INSERT INTO notifications (user_id, subject, body, status, attempts, created_at) "
    "SELECT 1, 'episode ' || x, 'body', 'pending', 0, '2026-11-28 10:00:00' FROM n"
)

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


async def _newest_id(client: httpx.AsyncClient, after: int) -> int:
    """The id of the hub's newest event: the stats snapshot's id is not it when notifications were
    published after the snapshot (the feed reads 1,000 changes at a time)."""
    newest = after
    try:
        async with asyncio.timeout(1):
            async with client.stream("GET", "/sse/stats", headers={"Last-Event-ID": str(after)}) as response:
                async for message in messages(response.aiter_lines()):
                    newest = int(message.id or newest)
    except TimeoutError:  # nothing more within a second: the feed has settled
        pass
    return newest


async def _replay(server: Server) -> dict:
    async with httpx.AsyncClient(base_url=server.url, timeout=30) as client:
        await asyncio.to_thread(server.sql, USER)
        await _wait_for(client, "airdate_users", 1)
        _, (snapshot,) = await _read(client, 1)
        await asyncio.to_thread(server.sql, NOTIFICATIONS)
        await _wait_for(client, PENDING, MISSED + SPARE)
        await asyncio.sleep(0.5)
        last = await _newest_id(client, int((await client.get("/api/stats")).headers["X-Event-Id"]))
        _, early = await _read(client, 1, after=snapshot.id, kinds=NOTIFICATION)
        if early[0].event != "reset":
            raise AssertionError(f"resuming {last - snapshot.id} events back was not reset: {early[0]}")
        resume = last - WINDOW  # the newest WINDOW events are read from here on, every time
        _, window = await _read(client, WINDOW, after=resume)
        if [m.id for m in window] != list(range(resume + 1, last + 1)):
            raise AssertionError("the replay is not the window's consecutive events")
        notifications = [m for m in window if m.event == NOTIFICATION]
        times: dict[str, list[float]] = {"fresh": [], "filtered": [], "all": []}
        for round_ in range(ROUNDS + 1):  # round 0 warms up
            runs = {
                "fresh": await _read(client, 1),
                "filtered": await _read(client, len(notifications), after=resume, kinds=NOTIFICATION),
                "all": await _read(client, WINDOW, after=resume),
            }
            if [m.data for m in runs["filtered"][1]] != [m.data for m in notifications]:
                got = runs["filtered"][1]
                raise AssertionError(
                    f"the filtered replay differs from the window's notifications: {len(got)} events, "
                    f"ids {got[0].id if got else None}..{got[-1].id if got else None}, the last {got[-1:]}"
                )
            if len(runs["all"][1]) != WINDOW or len(runs["fresh"][1]) != 1:
                got = runs["all"][1]
                raise AssertionError(
                    f"a stream ended early: {len(got)} of {WINDOW} events, the last {got[-1:]}"
                )
            for name, (seconds, _) in runs.items():
                if round_:
                    times[name].append(seconds)
        await _wait_for(client, GAUGE, 0, within=5)
    others = ", ".join(f"`{m.event}`" for m in window if m.event != NOTIFICATION)
    return {"times": times, "missed": last - snapshot.id, "notifications": notifications, "others": others}


def _opening_cost() -> list[float]:
    """Seconds per ``opening()`` call that replays 1,000 missed notification events, in process."""
    hub = Hub()
    for i in range(MISSED):
        row = {"id": i, "user": "ada", "subject": f"episode {i}", "status": "pending"}
        row |= {"created_at": "2026-11-28T10:00:00.000Z", "sent_at": None}
        hub.publish(NOTIFICATION, json.dumps(row, separators=(",", ":")))
    after = str(hub.last_id - MISSED)
    if len(opening(hub, None, after, KINDS)) != MISSED:
        raise AssertionError("opening() did not replay every missed event")
    for _ in range(100):
        opening(hub, None, after, KINDS)
    durations = []
    for _ in range(OPENING_RUNS):
        started = time.perf_counter()
        opening(hub, None, after, KINDS)
        durations.append(time.perf_counter() - started)
    return durations


def _timing_row(label: str, events: int, values: list[float], unit: str = "ms") -> list[str]:
    def show(seconds: float) -> str:
        return f"{seconds * 1e6:.0f} µs" if unit == "µs" else f"{ms(seconds)} ms"

    return [label, f"{events:,}", show(median(values)), show(percentile(values, 0.95)), f"{len(values):,}"]


def replay(folder: Path) -> Section:
    """Resuming with Last-Event-ID after 1,000 missed events, against a fresh stream and in process."""
    progress("subscribers: replay of 1,000 missed events (server starting)")
    settings = {"stats_interval": "0.2", "replay_events": str(WINDOW + SPARE)}
    server = Server(f"sqlite:///{folder / 'replay.sqlite3'}", settings)
    try:
        r = asyncio.run(_replay(server.start()))
    finally:
        server.stop()
    opened = _opening_cost()
    times, count = r["times"], len(r["notifications"])
    section = Section(
        "Replay cost of a resumed stream",
        f"A server keeping {WINDOW + SPARE:,} events for resumes; {MISSED + SPARE:,} notifications inserted "
        f"with raw SQL and published; each resume replays the newest {WINDOW:,} (the default window). Time "
        "from connecting until the last event a stream should get was parsed (httpx + the tests' SSE "
        "parser), for a fresh stream and for streams resuming with "
        f"`Last-Event-ID`; {ROUNDS} rounds, interleaved, after one warm-up round. Last row: "
        f"`live.sse.opening()` in process for {MISSED:,} missed events in a `Hub()`, {OPENING_RUNS:,} calls.",
        ["stream", "events read", "median", "p95", "runs"],
    )
    section.rows += [
        _timing_row("fresh `/sse/stats`, until its first event (stats snapshot)", 1, times["fresh"]),
        _timing_row("resume, `Last-Event-ID` + `?events=notification`", count, times["filtered"]),
        _timing_row("resume, `Last-Event-ID`, all kinds (the full window)", WINDOW, times["all"]),
        _timing_row(f"in process: `opening(hub, None, id, KINDS)`, {MISSED:,} missed", MISSED, opened, "µs"),
    ]
    per_event = (median(times["all"]) - median(times["fresh"])) / WINDOW
    section.notes += [
        f"The feed published the {MISSED:,} notifications and then {r['others']} (the new stats), so the "
        f"reader missed {r['missed']:,} events and the server keeps the newest {WINDOW + SPARE:,}: a resume "
        "from the snapshot id taken before the insert gets `event: reset` (checked). The resumes above start "
        f"{WINDOW:,} events back (the default window; {SPARE} more are kept so that an unrelated event "
        f"published during the run cannot push that point out), so they replay {count:,} notifications "
        f"(`{r['notifications'][0].json()['subject']}` .. `{r['notifications'][-1].json()['subject']}`) plus "
        "that stats event; the replayed ids are consecutive and the same every time (checked).",
        f"Replaying the full window costs about {per_event * 1e6:.0f} µs per event over a fresh connection "
        "(difference of medians, client-side parsing included).",
    ]
    return section


def run(folder: Path) -> list[Section]:
    """Both measurements, in a fresh sub-folder of ``folder`` each."""
    for name in ("memory", "replay"):
        (folder / name).mkdir()
    return [memory(folder / "memory"), replay(folder / "replay")]
