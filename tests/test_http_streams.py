"""SSE streams handed over to the hub (http_streams.py) beside streams written through ASGI, on a real
uvicorn protocol in this process, spoken to over raw sockets."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import Route
from uvicorn.server import ServerState

from http_limits import BoundedHttpProtocol
from http_streams import streaming_protocol
from live import EventStream, Hub
from live.hub import STATS

from .utils.waiting import eventually

PROTOCOLS = {"handed over": streaming_protocol(10), "through ASGI": BoundedHttpProtocol}
REQUEST = b"GET /sse HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


@asynccontextmanager
async def serving(protocol: type, hub: Hub) -> AsyncIterator[int]:
    async def stream(request: Request) -> EventStream:
        queue = hub.open_reader()
        return EventStream(queue, first=[b"data: hello\n\n"], on_close=lambda: hub.close_reader(queue))

    config = uvicorn.Config(Starlette(routes=[Route("/sse", stream)]), log_level="warning", lifespan="off")
    config.load()
    state = ServerState()
    server = await asyncio.get_running_loop().create_server(
        lambda: protocol(config=config, server_state=state, app_state={}), "127.0.0.1", 0
    )
    try:
        yield server.sockets[0].getsockname()[1]
    finally:
        hub.close_all("server stopping")
        for connection in list(state.connections):
            connection.shutdown()
        server.close()
        await server.wait_closed()


async def until(reader: asyncio.StreamReader, marker: bytes) -> bytes:
    said = b""
    while marker not in said:
        part = await asyncio.wait_for(reader.read(65536), 10)
        assert part, f"the connection closed before {marker!r}; it said {said!r}"
        said += part
    return said


@pytest.mark.parametrize("protocol", PROTOCOLS.values(), ids=PROTOCOLS.keys())
async def test_a_stream_gets_its_start_every_event_and_a_clean_end(protocol: type) -> None:
    hub = Hub()
    async with serving(protocol, hub) as port:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(REQUEST)
        head = await until(reader, b"data: hello")
        assert b"transfer-encoding: chunked" in head.lower()
        for number in range(1, 4):
            hub.publish(STATS, f'{{"n":{number}}}', event_id=number)
            await until(reader, b'data: {"n":%d}\n\n\r\n' % number)
        hub.close_all("revoked")  # as when the reader's token is revoked
        assert (await until(reader, b"0\r\n\r\n")).endswith(b"0\r\n\r\n")  # the response ends cleanly
        await eventually(lambda: hub.reader_count == 0)
        writer.close()


@pytest.mark.parametrize("protocol", PROTOCOLS.values(), ids=PROTOCOLS.keys())
async def test_a_reader_that_leaves_is_forgotten(protocol: type) -> None:
    hub = Hub()
    async with serving(protocol, hub) as port:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(REQUEST)
        await until(reader, b"data: hello")
        assert hub.reader_count == 1
        writer.close()
        await eventually(lambda: hub.reader_count == 0)


@pytest.mark.parametrize(
    ("protocol", "tasks_each"), [(PROTOCOLS["handed over"], 0), (BoundedHttpProtocol, 2)]
)
async def test_a_handed_over_stream_holds_no_task(protocol: type, tasks_each: int) -> None:
    hub = Hub()
    async with serving(protocol, hub) as port:
        before = len(asyncio.all_tasks())
        connections = [await asyncio.open_connection("127.0.0.1", port) for _ in range(20)]
        for reader, writer in connections:
            writer.write(REQUEST)
            await until(reader, b"data: hello")
        assert len(asyncio.all_tasks()) - before == 20 * tasks_each
        hub.publish(STATS, '{"n":1}', event_id=1)
        for reader, _ in connections:
            await until(reader, b'data: {"n":1}')
        for _, writer in connections:
            writer.close()
        await eventually(lambda: hub.reader_count == 0)


async def test_bytes_sent_after_the_request_of_a_handed_over_stream_are_not_answered() -> None:
    """An SSE client sends nothing more; a request pipelined behind the stream must not be answered
    in the middle of it."""
    hub = Hub()
    async with serving(PROTOCOLS["handed over"], hub) as port:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(REQUEST)
        await until(reader, b"data: hello")
        writer.write(REQUEST)
        hub.publish(STATS, '{"n":1}', event_id=1)
        said = await until(reader, b'data: {"n":1}')
        assert b"HTTP/1.1" not in said  # only the stream's own chunk
        writer.close()
