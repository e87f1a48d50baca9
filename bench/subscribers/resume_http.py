"""Resumes over HTTP: two real servers with the same missed notifications, one serving resumes from its
window in memory, the other from its database's change log; every resume checked (the same ids, in
order, the same data) and timed against a fresh stream, in interleaved rounds."""

import asyncio
import time

import httpx

from live.hub import NOTIFICATION
from tests.utils.server import Server
from tests.utils.sse import Message, messages

from .metrics import GAUGE, wait_for
from .missed import MISSED, NOTIFICATIONS, SPARE, USER

ROUNDS = 20
CHANGE_IDS = "SELECT id FROM notification_changes ORDER BY id"
STATS = "message"  # a stats event has no event line: SSE calls it a message


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


async def replay_over_http(near: Server, far: Server) -> dict:
    """Resumes served from memory by ``near`` and from the change log by ``far``, interleaved."""
    async with (
        httpx.AsyncClient(base_url=near.url, timeout=30) as memory,
        httpx.AsyncClient(base_url=far.url, timeout=30) as database,
    ):
        both = ((near, memory), (far, database))
        for server, client in both:
            await asyncio.to_thread(server.sql, USER)
            await wait_for(client, "airdate_users", 1)
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
            await wait_for(client, GAUGE, 0, within=5)
    return {
        "times": times,
        "resume": resume,
        "last": last,
        "since": len(since),
        "notifications": notifications,
    }
