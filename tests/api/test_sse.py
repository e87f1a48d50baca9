"""/sse/stats against a real server process on a free port, read with httpx."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager

import httpx

from ..utils.server import Server
from ..utils.sse import Message, connect_and_leave, next_data, open_stream
from ..utils.waiting import eventually


def stream(server: Server) -> AbstractAsyncContextManager[tuple[httpx.Response, AsyncIterator[Message]]]:
    return open_stream(server.url)


async def tasks_settle(server: Server, at_most: float) -> None:
    """Wait until the server's task count is at most ``at_most``: a tick or a connection still
    closing may hold a task for a moment."""
    await eventually(lambda: server.metric("airdate_event_loop_tasks") <= at_most, what="tasks settle")


def add_raw_user(server: Server, name: str) -> None:
    server.sql(f"INSERT INTO users (username, email, created_at) VALUES ('{name}', 'x@y', '2026-01-01')")


async def test_stream_starts_with_retry_and_the_current_snapshot(server: Server) -> None:
    add_raw_user(server, "before")
    await eventually(lambda: server.stats()["users"] == 1, what="the feed read the new user")
    async with stream(server) as (response, events):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["cache-control"] in {"no-cache", "no-store"}
        assert response.headers["x-accel-buffering"] == "no"
        first = await anext(events)
        assert first.retry == 5000
        snapshot = await next_data(events)
        assert snapshot.event == "message" and snapshot.id is not None
        data = snapshot.json()
        assert data["users"] == 1
        assert set(data) == {"users", "requests", "episodes_tracked", "notifications", "timestamp"}
        assert set(data["requests"]) == {"total", "tracking"}
        assert set(data["notifications"]) == {"total", "sent", "pending", "failed", "skipped"}
        assert data["timestamp"].endswith("Z")


async def test_each_change_is_one_event_whose_id_is_the_change_log_it_is_current_to(server: Server) -> None:
    # the stats and the notifications only: a warning the server logs under load is a `log` event
    async with open_stream(server.url, params={"events": "stats,notification"}) as (_, events):
        first = await next_data(events)
        add_raw_user(server, "a")
        second = await next_data(events)
        add_raw_user(server, "b")
        third = await next_data(events)
        server.sql(
            "INSERT INTO notifications (user_id, subject, body, status, attempts, created_at) "
            "SELECT id, 'hello', 'b', 'pending', 0, '2026-01-01' FROM users WHERE username = 'a'"
        )
        change = await next_data(events)
        fourth = await next_data(events)
    assert [m.json()["users"] for m in (first, second, third)] == [0, 1, 2]
    assert first.id == second.id == third.id, "no notification changed: the same place in the change log"
    assert change.event == "notification" and change.id > third.id
    assert fourth.event == "message" and fourth.id == change.id, "a snapshot current to that change"


async def test_nothing_but_keepalives_while_nothing_changes(server: Server) -> None:
    async with stream(server) as (_, events):
        await next_data(events)
        ticks = server.metric("airdate_feed_ticks_total")
        seen: list[Message] = []
        async with asyncio.timeout(30):
            async for message in events:  # until the feed read 8 times and 3 keepalives came
                seen.append(message)
                keepalives = sum(1 for m in seen if m.comment == "keepalive")
                if keepalives >= 3 and server.metric("airdate_feed_ticks_total") >= ticks + 8:
                    break
    assert [m for m in seen if m.data] == [], "8 reads of unchanged stats sent nothing"


async def test_all_streams_get_the_same_snapshot(server: Server) -> None:
    async with stream(server) as (_, a), stream(server) as (_, b):
        await next_data(a)
        await next_data(b)
        add_raw_user(server, "shared")
        from_a, from_b = await next_data(a), await next_data(b)
    assert (from_a.id, from_a.data) == (from_b.id, from_b.data)


async def test_a_disconnected_client_is_forgotten_at_once(server: Server) -> None:
    async with stream(server) as (_, events):
        await next_data(events)
        assert server.metric("airdate_sse_subscribers") == 1
    await eventually(lambda: server.metric("airdate_sse_subscribers") == 0)


async def test_a_thousand_connect_disconnect_cycles_leave_nothing_behind(server: Server) -> None:
    await connect_and_leave(server.url, 100)  # warm up allocator and caches
    await eventually(lambda: server.metric("airdate_sse_subscribers") == 0)
    tasks_before = server.metric("airdate_event_loop_tasks")
    await asyncio.gather(*(connect_and_leave(server.url, 250) for _ in range(4)))
    await eventually(lambda: server.metric("airdate_sse_subscribers") == 0)
    await tasks_settle(server, at_most=tasks_before)  # (memory: bench/subscribers/idle_memory.py measures it)


async def test_head_on_the_stream_answers_its_headers_and_lets_go(server: Server) -> None:
    async with httpx.AsyncClient(timeout=5) as client:
        response = await client.head(f"{server.url}/sse/stats")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.content == b""
    await eventually(lambda: server.metric("airdate_sse_subscribers") == 0, what="the HEAD reader is gone")
