"""A small Server-Sent-Events reader for tests, on top of an httpx byte stream."""

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass


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
