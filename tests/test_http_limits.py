"""Request header size and time limits (http_limits.py) on a real server, spoken to over raw sockets."""

import asyncio
import contextlib
import time
from collections.abc import Iterator

import httpx
import pytest

from .utils.server import Server
from .utils.sse import next_data, open_stream
from .utils.waiting import eventually

HEADER_SECONDS = 1.0


@pytest.fixture
def server(airdate_env: str) -> Iterator[Server]:
    started = Server(airdate_env, {"header_timeout": str(HEADER_SECONDS), "stats_interval": "0.3"}).start()
    yield started
    started.stop()


async def answer(reader: asyncio.StreamReader) -> bytes:
    """Everything the server says until it closes the connection (the test's timeout bounds it)."""
    return await reader.read()


async def test_headers_over_16_kib_get_431_and_16_kib_passes(server: Server) -> None:
    async with httpx.AsyncClient(base_url=server.url) as client:
        big = await client.get("/healthz", headers={"X-Padding": "a" * 20_000})
        assert big.status_code == 431
        assert "larger than 16 KiB" in big.text
    async with httpx.AsyncClient(base_url=server.url) as client:  # the old connection was closed
        fits = await client.get("/healthz", headers={"X-Padding": "a" * 15_000})
        assert fits.status_code == 200


async def test_a_16_mb_header_is_cut_off_long_before_its_end(server: Server) -> None:
    """The server answers 431 and closes; a client still sending its header sees the connection
    reset (its 431 may be lost with it, as with any server): what counts is that it ends early."""
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Huge: ")
    sent, said = 0, b""
    with contextlib.suppress(ConnectionError):
        while sent < 16 * 1024 * 1024:
            writer.write(b"a" * 65536)
            await writer.drain()
            sent += 65536
        said = await answer(reader)  # the whole header went through: what did it say?
    assert sent < 16 * 1024 * 1024, f"sent {sent} bytes, answered {said[:40]!r}"  # (socket buffers hold MBs)
    writer.close()
    assert (await asyncio.to_thread(httpx.get, f"{server.url}/healthz")).status_code == 200


async def test_slow_or_silent_connections_are_closed_after_the_header_time(server: Server) -> None:
    started = time.monotonic()
    connections = [await asyncio.open_connection("127.0.0.1", server.port) for _ in range(50)]
    for number, (_, writer) in enumerate(connections):
        if number % 2:  # half send part of a request and stop (slowloris); half never send a byte
            writer.write(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            await writer.drain()
    answers = await asyncio.gather(*(answer(reader) for reader, _ in connections))
    assert all(said.startswith(b"HTTP/1.1 408 ") for said in answers), {said[:20] for said in answers}
    assert time.monotonic() - started >= HEADER_SECONDS  # not sooner than the limit says
    for _, writer in connections:
        writer.close()
    assert (await asyncio.to_thread(httpx.get, f"{server.url}/healthz")).status_code == 200


async def test_a_stream_lives_on_past_the_header_time(server: Server) -> None:
    async with open_stream(server.url) as (response, events):
        assert response.status_code == 200
        opened = time.monotonic()
        first = await next_data(events)
        await eventually(lambda: time.monotonic() - opened > 2 * HEADER_SECONDS, what="past the limit")
        server.sql("INSERT INTO users (username, email, created_at) VALUES ('late', 'x@y', '2026-01-01')")
        later = await next_data(events)  # the same stream, well after its headers' deadline
        assert later.json()["users"] == first.json()["users"] + 1
