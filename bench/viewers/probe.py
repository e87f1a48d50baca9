"""Where a page that never connects leaves memory, measured inside a real demo.

Run as ``[FRAMES=1] [WARM_UP=120] python -m bench.viewers.probe [PAGES] [ROUNDS]``: starts the demo
(``main.py``, the system allocator, as a user runs it) with tracemalloc on (FRAMES frames per trace) and
a SIGUSR1 hook, lets it run WARM_UP seconds, then does ROUNDS rounds of PAGES plain ``GET /`` (8 at a
time). Right after the first round (what the pages hold while they wait for a websocket) and 15 s after
each round it prints RSS, the C allocator's bytes in use and free (``mallinfo2``: live objects vs. memory
held but unused), the pages NiceGUI still holds, and what grew since the start: traced bytes by
allocation site and live objects by type. tracemalloc slows the server several times over: its RSS and
timings are not a user's, only the differences are.
"""

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

from standins.net import free_port
from tests.utils.server import airdate_env

from ..fanout.run import rss
from ..probing import dump, start_hooked
from .run import _load

HOOK = r"""
import collections, ctypes, gc, json, os, signal, sys, tracemalloc
tracemalloc.start(int(os.environ.get("PROBE_FRAMES", "1")))
class Mallinfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in
                "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost".split()]
libc = ctypes.CDLL("libc.so.6")
libc.mallinfo2.restype = Mallinfo2
def dump(signum, frame):
    from nicegui.client import Client
    out = os.environ["PROBE_OUT"]
    gc.collect()
    libc.malloc_trim(0)
    info = libc.mallinfo2()
    tracemalloc.take_snapshot().dump(out + ".snap")
    types = collections.Counter(type(o).__qualname__ for o in gc.get_objects())
    with open(out + ".json", "w") as f:
        json.dump({"types": types, "pages": len(Client.instances), "in_use": info.uordblks + info.hblkhd,
                   "free": info.fordblks, "traced": tracemalloc.get_traced_memory()[0]}, f)
signal.signal(signal.SIGUSR1, dump)
sys.argv = ["main.py"]
import runpy
runpy.run_path("main.py", run_name="__main__")
"""


def main(pages: int, rounds: int, wait: float = 15) -> None:
    warm_up = float(os.environ.get("WARM_UP", "120"))  # seconds the demo runs before the first round
    folder = Path(tempfile.mkdtemp(prefix="airdate-page-probe-"))
    url = f"sqlite:///{folder / 'probe.sqlite3'}"
    port = free_port()
    env = airdate_env(database_url=url, port=str(port), demo="true", demo_database_url=url)
    env["PROBE_FRAMES"] = os.environ.get("FRAMES", "1")
    server = start_hooked(HOOK, env, folder, port, within=300)
    base = f"http://127.0.0.1:{port}"
    try:
        time.sleep(warm_up)

        def snapshot(name: str) -> dict:
            data = dump(server, folder, name)
            data["rss"] = rss(server.pid)
            data["name"] = name
            return data

        taken = [snapshot("start")]
        show(taken[0])
        for number in range(1, rounds + 1):
            _, statuses = asyncio.run(_load(base, pages, 8))
            if number == 1:  # what the pages hold while they wait for their websocket
                show(held := snapshot("held"), statuses)
                report(folder, pages, taken[0], held)
            time.sleep(wait)
            taken.append(snapshot(f"round{number}"))
            show(taken[-1], statuses)
            report(folder, pages, taken[0], taken[-1])
    finally:
        server.terminate()
        server.wait(10)


MIB = 1024 * 1024


def show(data: dict, statuses: list[int] | None = None) -> None:
    print(
        f"{data['name']}: RSS {data['rss'] / MIB:.0f} MiB, malloc in use {data['in_use'] / MIB:.0f} MiB, "
        f"free held {data['free'] / MIB:.1f} MiB, traced {data['traced'] / MIB:.1f} MiB, "
        f"pages held {data['pages']}" + (f", statuses {sorted(set(statuses))}" if statuses else "")
    )


def report(folder: Path, pages: int, first: dict, last: dict) -> None:
    import tracemalloc

    a = tracemalloc.Snapshot.load(str(folder / f"{first['name']}.snap"))
    b = tracemalloc.Snapshot.load(str(folder / f"{last['name']}.snap"))
    stats = b.compare_to(a, "traceback")
    total = sum(s.size_diff for s in stats)
    print(f"  traced growth since {first['name']}: {total / 1024:.0f} KiB ({total / pages:.0f} B per page)")
    for s in stats[:15]:
        if abs(s.size_diff) < 64 * 1024:
            break
        print(f"  {s.size_diff / 1024:7.0f} KiB {s.count_diff:7d} blocks")
        for frame in list(s.traceback)[-4:]:
            print(f"      {frame.filename.split('site-packages/')[-1]}:{frame.lineno}")
    diff = {t: last["types"].get(t, 0) - first["types"].get(t, 0) for t in last["types"]}
    grown = [(t, c) for t, c in sorted(diff.items(), key=lambda kv: -kv[1])[:15] if c >= 50]
    print("  objects grown: " + ", ".join(f"{t} {c}" for t, c in grown))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300, int(sys.argv[2]) if len(sys.argv) > 2 else 3)
