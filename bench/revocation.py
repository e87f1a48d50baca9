"""How soon revoking a token ends the streams it opened, when another process revokes it.

A real server (``main.py`` as a subprocess) with an account; per round, a new read token is made
with the command line, an ``/sse/stats`` stream is opened with it and has its first event, then the
token is revoked by deleting its row (what ``python main.py tokens revoke`` does, minus the time a
Python process takes to start). Timed from that commit to the stream's end, as the client sees it.
"""

import asyncio
import sqlite3
import time
from pathlib import Path

import httpx

from tests.utils.server import Server, run_cli

from .report import Section, median, ms, progress

ROUNDS = 10


async def _round(server: Server, database: Path, name: str) -> float:
    token = run_cli("tokens", "add", name, "--scope", "read", database_url=server.database_url).stdout.strip()
    async with (
        httpx.AsyncClient(timeout=30) as client,
        client.stream(
            "GET", f"{server.url}/sse/stats", headers={"Authorization": f"Bearer {token}"}
        ) as response,
    ):
        lines = response.aiter_lines()
        async for line in lines:
            if line.startswith("data:"):
                break
        connection = sqlite3.connect(database, isolation_level=None)
        connection.execute("DELETE FROM api_tokens WHERE name = ?", (name,))
        connection.close()
        revoked = time.perf_counter()
        async for _ in lines:
            pass
        return time.perf_counter() - revoked


def run(folder: Path) -> list[Section]:
    database = folder / "revocation.sqlite3"
    url = f"sqlite:///{database}"
    run_cli("accounts", "add", "bench", "--role", "admin", input="bench-password", database_url=url)
    server = Server(url, {"stats_interval": "5", "sse_keepalive": "15"}).start()
    try:
        latencies = []
        for number in range(ROUNDS):
            progress(f"revocation: round {number + 1} of {ROUNDS}")
            latencies.append(asyncio.run(_round(server, database, f"bench-{number}")))
    finally:
        server.stop()
    section = Section(
        "Revoking a token ends its streams",
        __doc__.split("\n\n", 1)[1].replace("\n", " ").replace("``", "`").strip(),
        ["rounds", "median ms", "max ms", "target"],
        [[str(ROUNDS), ms(median(latencies)), ms(max(latencies)), "within 1 s"]],
    )
    section.notes.append(
        "One check a second covers every open stream (one indexed read, and none while no stream has "
        "credentials), so the wait is up to a second plus the check itself."
    )
    return [section]
