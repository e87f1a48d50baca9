"""Where a reader's memory and an event's work go, measured inside a real Airdate server.

Run as ``python -m bench.fanout.probe [N]``: starts Airdate (``main.py``, the system allocator, as a
user runs it) with tracemalloc on and a SIGUSR1 hook, opens N then 2N idle ``/sse/stats`` streams with
the load client, and prints per reader: traced bytes by allocation site (the difference between the
two snapshots, divided by N), live objects by type, tasks, and RSS; then per published event: calls of
the transport's ``write``, task steps, and ``send`` calls, counted over a few changes.
"""

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from standins.net import free_port
from tests.utils.server import ROOT, airdate_env
from tests.utils.sql import run_sql

from ..probing import dump, start_hooked
from .run import USER, raise_open_file_limit, rss

HOOK = r"""
import asyncio, collections, gc, json, os, signal, sys, tracemalloc
tracemalloc.start(int(os.environ.get("PROBE_FRAMES", "1")))
counts = collections.Counter()
def counting(owner, name):
    original = getattr(owner, name)
    def wrapper(*args, **kwargs):
        counts[f"{owner.__name__}.{name}"] += 1
        return original(*args, **kwargs)
    setattr(owner, name, wrapper)
def patch():
    import uvicorn.protocols.http.httptools_impl as h
    from live import readers, sse
    counting(h.RequestResponseCycle, "send")  # an ASGI send that reached uvicorn
    counting(readers.ReaderQueue, "put")  # an event (or keepalive) offered to a reader
    counting(readers.ReaderQueue, "_wake")  # a waiting writer task woken
    counting(sse.EventStream, "_send")  # a write from a reader's own task
def dump(signum, frame):
    out = os.environ["PROBE_OUT"]
    gc.collect()
    tracemalloc.take_snapshot().dump(out + ".snap")
    types = collections.Counter(type(o).__qualname__ for o in gc.get_objects())
    tasks = len(asyncio.all_tasks()) if asyncio._get_running_loop() else -1
    with open(out + ".json", "w") as f:
        json.dump({"types": types, "counts": counts, "tasks": tasks}, f)
signal.signal(signal.SIGUSR1, dump)
patch()
sys.argv = ["main.py"]
import runpy
runpy.run_path("main.py", run_name="__main__")
"""


def main(n: int) -> None:
    raise_open_file_limit()
    folder = Path(tempfile.mkdtemp(prefix="airdate-probe-"))
    url = f"sqlite:///{folder / 'probe.sqlite3'}"
    port = free_port()
    env = airdate_env(database_url=url, port=str(port), stats_interval="0.2", sse_keepalive="15")
    server = start_hooked(HOOK, env, folder, port, within=60)
    clients = []
    try:
        run_sql(
            url, "INSERT INTO users (id, username, email, created_at) VALUES (1, 'ada', 'a@x', '2026-01-01')"
        )
        time.sleep(1)

        def snapshot(name: str) -> dict:
            data = dump(server, folder, name)
            data["rss"] = rss(server.pid)
            return data

        def connect() -> None:
            client = subprocess.Popen(
                [sys.executable, "-m", "bench.fanout.client", "127.0.0.1", str(port), str(n)],
                cwd=ROOT,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            assert client.stdout.readline().strip() == "READY"
            clients.append(client)
            time.sleep(1)

        connect()
        first = snapshot("first")
        connect()
        second = snapshot("second")
        for second_ in range(5):
            run_sql(url, USER % (second_ + 10))
            time.sleep(1)
        after = snapshot("after")
        report(folder, n, first, second, after)
    finally:
        for client in clients:
            client.kill()
        server.terminate()
        server.wait(10)


def report(folder: Path, n: int, first: dict, second: dict, after: dict) -> None:
    import tracemalloc

    a = tracemalloc.Snapshot.load(str(folder / "first.snap"))
    b = tracemalloc.Snapshot.load(str(folder / "second.snap"))
    stats = b.compare_to(a, "lineno")
    total = sum(s.size_diff for s in stats)
    print(
        f"RSS per reader: {(second['rss'] - first['rss']) / n / 1024:.1f} KiB; "
        f"traced: {total / n / 1024:.1f} KiB; "
        f"tasks per reader: {(second['tasks'] - first['tasks']) / n:.2f}"
    )
    print("traced bytes per reader, by allocation site:")
    for s in stats[:25]:
        if abs(s.size_diff) / n < 16:
            break
        frame = s.traceback[0]
        where = f"{frame.filename.split('site-packages/')[-1]}:{frame.lineno}"
        print(f"  {s.size_diff / n:7.0f} B {s.count_diff / n:5.2f} blocks  {where}")
    print("objects per reader, by type:")
    diff = {t: second["types"].get(t, 0) - first["types"].get(t, 0) for t in second["types"]}
    for t, c in sorted(diff.items(), key=lambda kv: -kv[1])[:25]:
        if c / n < 0.5:
            break
        print(f"  {c / n:5.2f} {t}")
    print("per event per reader (5 changes, 2N readers; each change ~1-2 events):")
    for key in after["counts"]:
        delta = after["counts"][key] - second["counts"].get(key, 0)
        print(f"  {key}: {delta / 5 / (2 * n):.2f} per change per reader")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
