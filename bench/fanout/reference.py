"""The reference: the plain way to serve SSE with Starlette — an ``asyncio.Queue`` per client and a
``StreamingResponse`` — publishing whatever is POSTed to ``/publish`` to every client.

Run as ``python -m bench.fanout.reference PORT``. Not Airdate's code: the yardstick it is measured by.
"""

import asyncio
import sys

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

clients: set[asyncio.Queue] = set()
last_id = 0


async def stream(request: Request) -> StreamingResponse:
    queue: asyncio.Queue = asyncio.Queue()
    clients.add(queue)

    async def events():
        try:
            yield b"retry: 5000\n\n"
            while True:
                yield await queue.get()
        finally:
            clients.discard(queue)

    return StreamingResponse(events(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})


async def publish(request: Request) -> Response:
    global last_id
    body = await request.body()
    last_id += 1
    chunk = b"id: %d\ndata: %s\n\n" % (last_id, body)
    for queue in clients:
        queue.put_nowait(chunk)
    return Response(str(last_id))


async def subscribers(request: Request) -> Response:
    return Response(str(len(clients)))


app = Starlette(routes=[Route("/sse/stats", stream), Route("/publish", publish, methods=["POST"]),
                        Route("/subscribers", subscribers)])  # fmt: skip

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", backlog=4096)
