"""Named events on /sse/stats (notification, log), kind filters, resuming, and slow readers."""

import asyncio
import random
import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from ..utils.server import Server
from ..utils.sse import messages, next_data, open_stream
from ..utils.waiting import eventually

USER = "INSERT INTO users (id, username, email, created_at) VALUES (1, 'ada', 'ada@x', '2026-01-01')"


def notifications(count: int, status: str = "pending", padding: int = 0) -> str:
    """One statement inserting ``count`` notifications for user 1, as another process would."""
    subject = "'episode ' || x" + (f" || hex(zeroblob({padding // 2}))" if padding else "")
    return (
        "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < "
        f"{count}) INSERT INTO notifications (user_id, subject, body, status, attempts, created_at) "
        f"SELECT 1, {subject}, 'body', '{status}', 0, '2026-11-28 10:00:00' FROM n"
    )


@pytest.fixture
def demo(airdate_env: str, tmp_path: Path) -> Iterator[Server]:
    """A demo server: its simulator keeps logging what it does."""
    settings = {"demo": "true", "demo_interval": "0.1", "stats_interval": "0.2"}
    running = Server(airdate_env, {**settings, "demo_database_url": f"sqlite:///{tmp_path}/demo.sqlite3"})
    yield running.start()
    running.stop()


async def test_notification_events_follow_creation_and_status_changes(server: Server) -> None:
    server.sql(USER)
    async with open_stream(server.url, params={"events": "notification"}) as (_, events):
        server.sql(notifications(1))
        created = await next_data(events)
        server.sql("UPDATE notifications SET status = 'sending'")
        server.sql("UPDATE notifications SET subject = 'not a status change'")
        server.sql("UPDATE notifications SET status = 'sent', sent_at = '2026-11-28 10:05:00'")
        sending, sent = await next_data(events), await next_data(events)
    assert created.event == "notification"
    body = created.json()
    assert set(body) == {"id", "user", "subject", "status", "created_at", "sent_at", "channel"}
    assert (body["user"], body["subject"], body["status"], body["sent_at"], body["channel"]) == (
        "ada",
        "episode 1",
        "pending",
        None,
        "e-mail",
    )
    assert [sending.json()["status"], sent.json()["status"]] == ["sending", "sent"]
    assert sent.json()["sent_at"].startswith("2026-11-28T10:05:00")
    assert created.id < sending.id < sent.id


async def test_log_events_carry_airdates_own_records(demo: Server) -> None:
    async with open_stream(demo.url, params={"events": "log"}) as (_, events):
        line = await next_data(events)
    assert line.event == "log"
    entry = line.json()
    assert set(entry) == {"ts", "level", "logger", "message", "replica"}
    assert entry["level"] == "INFO" and entry["logger"].startswith("airdate")
    assert entry["replica"], "which replica wrote it (the host name unless AIRDATE_REPLICA_NAME says)"


@pytest.mark.parametrize(("level", "first_message"), [("INFO", "started"), ("WARNING", "failed")])
async def test_the_log_level_is_configurable(airdate_env: str, level: str, first_message: str) -> None:
    """Starting an action logs "… started" (INFO); without Jellyseerr it then fails (WARNING)."""
    server = Server(airdate_env, {"log_events_level": level}).start()
    try:
        async with (
            open_stream(server.url, params={"events": "log"}) as (_, events),
            httpx.AsyncClient() as client,
        ):
            await client.post(f"{server.url}/api/actions/sync-users")
            first = (await next_data(events)).json()
    finally:
        server.stop()
    assert first["level"] == level
    assert first["message"].startswith(f"sync-users {first_message}")


async def test_events_parameter_chooses_kinds(demo: Server) -> None:
    async with open_stream(demo.url, params={"events": "stats"}) as (_, events):
        kinds = {(await next_data(events)).event for _ in range(5)}
    assert kinds == {"message"}


@pytest.mark.parametrize("events", ["stats,bogus", "", "log,,LOG"])
async def test_an_unknown_event_kind_is_a_400_with_a_reason(server: Server, events: str) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.get(f"{server.url}/sse/stats", params={"events": events})
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert "choose from log, notification, stats" in detail


async def test_resuming_after_random_disconnects_gets_every_event_once_in_order(server: Server) -> None:
    server.sql(USER)
    rng = random.Random(20261128)
    total = 1000

    async def produce() -> None:
        made = 0
        while made < total:
            batch = min(rng.randint(1, 40), total - made)
            server.sql(notifications(batch))
            made += batch
            await asyncio.sleep(rng.uniform(0, 0.03))

    received: list[int] = []
    last_id: str | None = None
    reconnects = 0
    producer: asyncio.Task | None = None
    async with asyncio.timeout(60):
        while len(received) < total:
            headers = {"Last-Event-ID": last_id} if last_id else {}
            async with (
                httpx.AsyncClient(timeout=10) as client,
                client.stream(
                    "GET", f"{server.url}/sse/stats", params={"events": "notification"}, headers=headers
                ) as response,
            ):
                if producer is None:  # the first connection is open: from now on nothing may be missed
                    producer = asyncio.create_task(produce())
                lines_left = rng.randint(1, 200)  # disconnect after this many lines, even mid-event

                async def cut_short() -> AsyncIterator[str]:
                    nonlocal lines_left
                    async for line in response.aiter_lines():
                        if line.startswith(":"):
                            return  # idle (a keepalive): reconnect rather than wait
                        yield line
                        lines_left -= 1
                        if lines_left == 0:
                            return

                async for message in messages(cut_short()):
                    assert message.event in {"notification", "message"} or message.retry or message.comment
                    if message.event == "notification" and message.data:
                        received.append(message.json()["id"])
                        last_id = str(message.id)
            reconnects += 1
    await producer
    assert reconnects > 10
    assert received == list(range(1, total + 1))


async def test_a_client_older_than_the_window_is_served_from_the_database_until_it_is_pruned(
    airdate_env: str,
) -> None:
    small = Server(airdate_env, {"stats_interval": "0.1", "replay_events": "20"}).start()
    try:
        small.sql(USER)
        async with open_stream(small.url) as (_, events):
            last = await next_data(events)
        small.sql(notifications(100))
        await eventually(lambda: small.stats()["notifications"]["pending"] == 100)
        async with open_stream(small.url, headers={"Last-Event-ID": str(last.id)}) as (response, events):
            missed = [await next_data(events) for _ in range(101)]
        assert response.status_code == 200
        assert [m.event for m in missed] == ["notification"] * 100 + ["message"]
        assert [m.id for m in missed[:100]] == list(range(last.id + 1, last.id + 101)), "each once, in order"
        assert missed[-1].json()["notifications"]["pending"] == 100 and missed[-1].id == last.id + 100
        small.sql(f"DELETE FROM notification_changes WHERE id <= {last.id + 50}")  # what pruning does
        async with open_stream(small.url, headers={"Last-Event-ID": str(last.id)}) as (response, events):
            reset, snapshot = await next_data(events), await next_data(events)
        assert reset.event == "reset" and reset.id == last.id + 100, "the id to continue from"
        assert snapshot.event == "message" and snapshot.json()["notifications"]["pending"] == 100
    finally:
        small.stop()


@pytest.mark.parametrize("bad", ["not-a-number", "99999999999999999999", "-3"])
async def test_a_bad_last_event_id_is_a_clean_fresh_start(server: Server, bad: str) -> None:
    for how in ({"headers": {"Last-Event-ID": bad}}, {"params": {"last_event_id": bad}}):
        async with open_stream(server.url, **how) as (response, events):
            assert response.status_code == 200
            reset, snapshot = await next_data(events), await next_data(events)
        assert reset.event == "reset"
        assert "users" in snapshot.json()


async def test_a_query_parameter_resumes_for_clients_that_cannot_set_headers(server: Server) -> None:
    server.sql(USER)
    async with open_stream(server.url) as (_, events):
        last = await next_data(events)
    server.sql(notifications(3))
    await eventually(lambda: server.stats()["notifications"]["pending"] == 3)  # the feed published them
    async with open_stream(server.url, params={"last_event_id": str(last.id), "events": "notification"}) as (
        _,
        events,
    ):
        missed = [await next_data(events) for _ in range(3)]
    assert [m.json()["subject"] for m in missed] == ["episode 1", "episode 2", "episode 3"]


async def test_a_stalled_reader_is_dropped_and_the_others_carry_on(airdate_env: str) -> None:
    settings = {"stats_interval": "0.1", "sse_queue_size": "32", "sse_send_timeout": "1"}
    busy = Server(airdate_env, settings).start()
    try:
        busy.sql(USER)
        stalled = socket.socket()
        stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        stalled.connect(("127.0.0.1", busy.port))
        stalled.sendall(b"GET /sse/stats HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")  # ...and never reads
        await eventually(lambda: busy.metric("airdate_sse_subscribers") == 1, within=15)
        for batch in range(1, 11):  # 20,000 events of ~1 kB: far more than socket buffers hold
            busy.sql(notifications(2000, padding=1000))
            await eventually(lambda batch=batch: busy.stats()["notifications"]["pending"] == 2000 * batch)
        await eventually(lambda: busy.metric("airdate_sse_subscribers") == 0, within=15)
        async with open_stream(busy.url) as (_, events):  # everyone else is fine
            assert (await next_data(events)).json()["notifications"]["pending"] == 20_000
        # the write it never took times out (AIRDATE_SSE_SEND_TIMEOUT) and the connection is dropped
        await eventually(lambda: "dropped an SSE reader" in busy.printed(), within=15)
        stalled.close()
    finally:
        output = busy.stop()
    assert "dropped an SSE reader" in output
    assert "Traceback" not in output
