"""Drive one fan-out measurement: a server, a load client holding N streams, a change a second.

*Spread* is, for one event, the time between the first and the last subscriber receiving it (as the
load client sees it); p50/p99 are over the events of one run. RSS per subscriber is the server's
resident memory with N streams open minus before, divided by N. CPU is the server's user+system time
during the changes, per published event.
"""

import json
import os
import resource
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.report import median, percentile
from standins.net import free_port
from tests.utils.server import ROOT, Server

STATS_JSON = (
    '{"users":%d,"requests":{"total":1204,"tracking":980,"movies":224,"tv":980},"episodes_tracked":5210,'
    '"notifications":{"total":99120,"sent":98800,"pending":310,"failed":10},"timestamp":"2026-11-29T10:00:00.000Z"}'
)
USER = "INSERT INTO users (username, email, created_at) VALUES ('u%d', 'u@x', '2026-01-01')"
NOTE = (
    "INSERT INTO notifications (user_id, subject, body, status, attempts, created_at) "
    "VALUES (1, 'episode %d', 'b', 'pending', 0, '2026-11-28 10:00:00')"
)
SENT = "UPDATE notifications SET status = 'sent', sent_at = '2026-11-28 10:05:00' WHERE id = %d"


@dataclass
class Result:
    server: str
    subscribers: int
    mix: str
    spread_p50: float
    spread_p99: float
    rss_per_subscriber: float  # bytes
    events: int
    complete: int  # events every subscriber received
    cpu_per_event: float  # seconds
    load: float  # the machine's 1-minute load average as the run started


REFERENCES = {  # the yardsticks: each serves /sse/stats and publishes what is POSTed to /publish
    "starlette": [sys.executable, "-m", "bench.fanout.reference"],
    "node": ["node", str(ROOT / "bench" / "fanout" / "reference.js")],
}
KINDS = ("airdate", *REFERENCES)


def raise_open_file_limit() -> int:
    """Let this process and its children (server, load client) hold as many sockets as allowed."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


class Reference:
    """A reference server in a process of its own."""

    def __init__(self, kind: str) -> None:
        self.port = free_port()
        env = {k: v for k, v in os.environ.items() if k != "PYTEST_CURRENT_TEST"}
        self.process = subprocess.Popen([*REFERENCES[kind], str(self.port)], cwd=ROOT, env=env)
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{self.port}/subscribers", timeout=1)
                return
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def change(self, second: int, mix: str) -> None:
        for _ in range(3 if mix == "demo" else 1):
            httpx.post(f"http://127.0.0.1:{self.port}/publish", content=STATS_JSON % second)

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


class Airdate:
    def __init__(self, folder: Path) -> None:
        url = f"sqlite:///{folder / f'fanout-{time.monotonic_ns()}.sqlite3'}"
        settings = {"stats_interval": "0.2", "sse_keepalive": "15", "replay_events": "1000"}
        self.server = Server(url, settings).start()
        self.server.sql(
            "INSERT INTO users (id, username, email, created_at) VALUES (1, 'ada', 'a@x', '2026-01-01')"
        )
        self.port = self.server.port
        self.process = self.server.process

    def change(self, second: int, mix: str) -> None:
        if mix == "demo":  # a new notification, one sent, and the stats that follow: ~3 events
            self.server.sql(NOTE % second, NOTE % (second + 100_000), SENT % (second * 2 + 1))
        else:
            self.server.sql(USER % second)

    def stop(self) -> None:
        self.server.stop()


def rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError("no VmRSS")


def cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(kind: str, folder: Path, subscribers: int, *, mix: str = "stats", seconds: int = 15) -> Result:
    if subscribers + 100 > raise_open_file_limit():
        raise RuntimeError(f"the open-file limit is too low for {subscribers:,} streams")
    load = os.getloadavg()[0]
    server = Airdate(folder) if kind == "airdate" else Reference(kind)
    client = None
    try:
        time.sleep(1)
        before = rss(server.process.pid)
        client = subprocess.Popen(
            [sys.executable, "-m", "bench.fanout.client", "127.0.0.1", str(server.port), str(subscribers)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        if client.stdout.readline().strip() != "READY":
            raise RuntimeError("the load client did not get its streams")
        time.sleep(1)
        memory = (rss(server.process.pid) - before) / subscribers
        cpu_before = cpu(server.process.pid)
        started = time.monotonic()
        for second in range(seconds):
            server.change(second + 2, mix)
            time.sleep(max(0.0, started + second + 1 - time.monotonic()))
        time.sleep(1)  # the last change's events arrive
        cpu_used = cpu(server.process.pid) - cpu_before
        out, _ = client.communicate(timeout=120)
    finally:
        if client is not None and client.poll() is None:
            client.kill()
        server.stop()
    events = json.loads(out.strip().splitlines()[-1])["events"]
    spreads = [last - first for first, last, count in events.values() if count == subscribers]
    if not spreads:
        raise RuntimeError(f"{kind}: no event reached all {subscribers} subscribers")
    return Result(
        kind,
        subscribers,
        mix,
        median(spreads),
        percentile(spreads, 0.99),
        memory,
        len(events),
        len(spreads),
        cpu_used / max(1, len(events)),
        load,
    )
