"""A small Server-Sent-Events reader for tests, on top of an httpx byte stream."""

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx


@dataclass
class Message:
    id: int | None = None
    event: str = "message"
    data: str = ""
    retry: int | None = None
    comment: str | None = None

    def json(self) -> dict:
        return json.loads(self.data)


async def messages(lines: AsyncIterator[str]) -> AsyncIterator[Message]:
    """Parse an SSE stream into messages; comments and retry fields come as their own messages."""
    current = Message()
    async for line in lines:
        if line == "":
            if current.data or current.id is not None:
                yield current
            current = Message()
        elif line.startswith(":"):
            yield Message(comment=line[1:].strip())
        else:
            name, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if name == "retry":
                yield Message(retry=int(value))
            elif name == "id":
                current.id = int(value)
            elif name == "event":
                current.event = value
            elif name == "data":
                current.data = f"{current.data}\n{value}" if current.data else value


@asynccontextmanager
async def open_stream(
    url: str, *, headers: dict[str, str] | None = None, params: dict[str, str] | None = None
) -> AsyncIterator[tuple[httpx.Response, AsyncIterator[Message]]]:
    async with (
        httpx.AsyncClient(timeout=10) as client,
        client.stream("GET", f"{url}/sse/stats", headers=headers, params=params) as response,
    ):
        yield response, messages(response.aiter_lines())


async def next_data(events: AsyncIterator[Message], within: float = 5) -> Message:
    """The next message that carries data (skipping retry and keepalive lines)."""
    async with asyncio.timeout(within):
        async for message in events:
            if message.data:
                return message
    raise AssertionError("stream ended")


async def connect_and_leave(url: str, times: int) -> None:
    """Open ``/sse/stats``, read up to its first event and hang up, ``times`` times in a row."""
    async with httpx.AsyncClient(timeout=10) as client:
        for _ in range(times):
            async with client.stream("GET", f"{url}/sse/stats") as response:
                async for line in response.aiter_lines():
                    if line.startswith("data:"):
                        break
