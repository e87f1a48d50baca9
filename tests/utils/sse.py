"""A small Server-Sent-Events reader for tests, on top of an httpx byte stream."""

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

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


class StreamRefused(AssertionError):
    """The server answered a (re)connection with something other than a 200 event stream: a browser's
    EventSource fails for good then (no retry), so a user's live view would stop."""


@dataclass
class Connection:
    """One HTTP request of an :class:`EventSource`."""

    replica: str | None  # who served it (X-Airdate-Replica)
    resumed_from: int | None  # the Last-Event-ID it sent; None: a fresh start
    opened: float  # time.monotonic()
    ended: str = ""  # "" while open; "closed" when the server ended it, else the error that broke it


@dataclass
class EventSource:
    """Follows ``/sse/stats`` the way a browser's ``EventSource`` does.

    When the stream ends or breaks (the replica stopped, was killed, a proxy cut it) it waits the
    reconnection delay (``retry:`` from the server, else 3 s like Chromium) and connects again, sending
    ``Last-Event-ID``: the id of the last event that carried one (an event without an ``id:`` line
    keeps the previous one, as in the spec). An answer that is not a 200 event stream raises
    :class:`StreamRefused` instead, as a browser gives up then. ``connections`` says who served each.
    """

    url: str
    headers: dict[str, str] = field(default_factory=dict)
    params: dict[str, str] | None = None
    last_event_id: int | None = None
    retry: float = 3.0  # seconds
    connections: list[Connection] = field(default_factory=list)

    @property
    def replica(self) -> str | None:
        """The replica of the current (or last) connection."""
        return self.connections[-1].replica if self.connections else None

    async def messages(self) -> AsyncIterator[Message]:
        """Every message of every connection, in order, for as long as the caller reads."""
        async with httpx.AsyncClient(timeout=10) as client:
            while True:
                headers = dict(self.headers)
                if self.last_event_id is not None:
                    headers["Last-Event-ID"] = str(self.last_event_id)
                connection = Connection(None, self.last_event_id, time.monotonic())
                self.connections.append(connection)
                try:
                    async with client.stream(
                        "GET", self.url, headers=headers, params=self.params
                    ) as response:
                        connection.replica = response.headers.get("x-airdate-replica")
                        kind = response.headers.get("content-type", "")
                        if response.status_code != 200 or not kind.startswith("text/event-stream"):
                            body = (await response.aread())[:300]
                            raise StreamRefused(f"{response.status_code} from {connection.replica}: {body!r}")
                        async for message in messages(response.aiter_lines()):
                            if message.retry is not None:
                                self.retry = message.retry / 1000
                            if message.id is not None:
                                self.last_event_id = message.id
                            yield message
                    connection.ended = "closed"
                except httpx.TransportError as error:
                    connection.ended = f"{type(error).__name__}: {error}"
                await asyncio.sleep(self.retry)  # the protocol's reconnection delay, not a wait for a result
