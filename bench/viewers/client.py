"""A crowd of dashboard viewers: each loads ``/`` like a browser (its own cookies), then connects to
the page's socket.io channel the way NiceGUI's page script does, and records what it is sent.

Run as ``python -m bench.viewers.client URL N``. Prints ``READY`` once all are connected, records until
standard input closes, then prints one JSON line: per viewer, the messages it got by type, and for
every users value the stat cards were sent, when each viewer got it (``time.time()``).
"""

import ast
import asyncio
import json
import re
import sys
import time
from collections import Counter

import httpx
import socketio
import uvloop

QUERY = re.compile(r"query: (\{.*?\}),\n")
USERS = re.compile(r'"values":\{"users":(\d+)')


class Viewer:
    def __init__(self, url: str) -> None:
        self.url = url
        self.messages: Counter[str] = Counter()
        self.users_seen: dict[int, float] = {}
        self.sio = socketio.AsyncClient(reconnection=False)
        self.sio.on("*", self._any)

    async def open(self, http: httpx.AsyncClient) -> None:
        page = await http.get("/", headers={"Accept": "text/html"})
        page.raise_for_status()
        query = ast.literal_eval(QUERY.search(page.text).group(1))
        query |= {"document_id": f"bench-{id(self)}", "tab_id": f"tab-{id(self)}", "old_tab_id": ""}
        cookies = "; ".join(f"{k}={v}" for k, v in http.cookies.items())
        params = "&".join(f"{k}={str(v).lower() if isinstance(v, bool) else v}" for k, v in query.items())
        await self.sio.connect(
            f"{self.url}?{params}",
            socketio_path="/_nicegui_ws/socket.io",
            transports=["websocket"],
            headers={"Cookie": cookies},
            wait_timeout=30,
        )

    async def _any(self, event: str, data: object = None) -> None:
        now = time.time()
        self.messages[event] += 1
        code = data.get("code", "") if isinstance(data, dict) else ""
        if event == "run_javascript" and '"show"' in code and (found := USERS.search(code)):
            self.users_seen.setdefault(int(found.group(1)), now)  # the stat cards got new numbers


async def main(url: str, count: int) -> None:
    viewers = [Viewer(url) for _ in range(count)]
    gate = asyncio.Semaphore(8)

    async def open_one(viewer: Viewer) -> None:
        async with gate, httpx.AsyncClient(base_url=url, timeout=60) as http:
            await viewer.open(http)

    await asyncio.gather(*(open_one(viewer) for viewer in viewers))
    await asyncio.sleep(2)  # what connecting brought has arrived
    for viewer in viewers:
        viewer.messages.clear()
    print("READY", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    print(json.dumps([{"messages": v.messages, "users": v.users_seen} for v in viewers]), flush=True)
    await asyncio.gather(*(v.sio.disconnect() for v in viewers), return_exceptions=True)


if __name__ == "__main__":
    uvloop.run(main(sys.argv[1], int(sys.argv[2])))
