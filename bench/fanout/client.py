"""The load client: holds N ``/sse/stats`` streams on raw sockets and records, for every event that
carries an id, when the first and the last of them received it.

An event is told apart by all its lines (id, kind, data), not by its id alone: ids are change-log ids,
so a stats snapshot shares its id with the change it is current to, and snapshots of changes that are
not notifications (a new user) share one id among themselves.

Run as ``python -m bench.fanout.client HOST PORT N [HEADER]``. It prints ``READY`` once every stream
has its first event, then records until its standard input closes, then prints one JSON line:
``{"events": {event: [first, last, count]}, "connected": N}`` (times from ``time.monotonic``).
"""

import asyncio
import json
import sys
import time

import uvloop

AT_ONCE = 200


class Subscriber(asyncio.Protocol):
    recording = False  # set for all once every stream is open: what came before is not measured

    def __init__(self, request: bytes, arrivals: dict[bytes, list[float]], ready: asyncio.Event) -> None:
        self.request = request
        self.arrivals = arrivals
        self.ready = ready
        self.pending = b""  # the start of an event cut by a chunk boundary

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        transport.write(self.request)  # type: ignore[attr-defined]

    def data_received(self, data: bytes) -> None:
        now = time.monotonic()
        if not Subscriber.recording:
            self.ready.set()  # the response has started
            return
        data = self.pending + data if self.pending else data
        start = data.find(b"id: ")
        while start >= 0:  # every complete event with an id in this chunk (one HTTP chunk holds it whole)
            end = data.find(b"\n\n", start)
            if end < 0:
                break
            event = data[start:end]
            seen = self.arrivals.get(event)
            if seen is None:
                self.arrivals[event] = [now, now, 1]
            else:
                seen[1] = now
                seen[2] += 1
            start = data.find(b"id: ", end)
        self.pending = data[start:] if start >= 0 else b""


async def main(host: str, port: int, count: int, header: str) -> None:
    extra = f"{header}\r\n" if header else ""
    request = f"GET /sse/stats HTTP/1.1\r\nHost: {host}:{port}\r\n{extra}\r\n".encode()
    arrivals: dict[bytes, list[float]] = {}
    loop = asyncio.get_running_loop()
    gate = asyncio.Semaphore(AT_ONCE)
    transports = []

    async def connect() -> None:
        async with gate:
            ready = asyncio.Event()
            transport, _ = await loop.create_connection(
                lambda: Subscriber(request, arrivals, ready), host, port
            )
            transports.append(transport)
            await asyncio.wait_for(ready.wait(), 60)

    await asyncio.gather(*(connect() for _ in range(count)))
    await asyncio.sleep(1)  # what the connections brought (snapshots, replays) has arrived
    Subscriber.recording = True
    print("READY", flush=True)
    await loop.run_in_executor(None, sys.stdin.read)  # until the driver closes our stdin
    events = {event.decode(): times for event, times in arrivals.items()}
    print(json.dumps({"events": events, "connected": len(transports)}), flush=True)
    for transport in transports:
        transport.close()


if __name__ == "__main__":
    host, port, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    uvloop.run(main(host, port, count, sys.argv[4] if len(sys.argv) > 4 else ""))
