"""SSE fan-out under load: many idle subscribers held by one client process, against Airdate and a
minimal reference server, on the same machine with the same client."""

from pathlib import Path

from bench.report import Section, median, progress

from .run import KINDS, Result, measure

SIZES = (1_000, 10_000)
RUNS = 3
SECONDS = 10
YARDSTICK = "node"  # the ratios are to the Node.js reference measured in the same run
LABELS = {"airdate": "Airdate", "starlette": "Starlette reference", "node": "Node.js reference"}


def _row(kind: str, results: list[Result], yardstick: list[Result]) -> list[str]:
    p50, p99 = median([r.spread_p50 for r in results]), median([r.spread_p99 for r in results])
    p50_node = median([r.spread_p50 for r in yardstick])
    p99_node = median([r.spread_p99 for r in yardstick])
    return [
        LABELS[kind],
        f"{results[0].subscribers:,}",
        results[0].mix,
        f"{p50 * 1000:.0f}",
        f"{p99 * 1000:.0f}",
        f"{p50 / p50_node:.2f} / {p99 / p99_node:.2f}",
        f"{median([r.rss_per_subscriber for r in results]) / 1024:.1f}",
        f"{median([r.cpu_per_event for r in results]) * 1000:.0f}",
        f"{sum(r.complete for r in results)}/{sum(r.events for r in results)}",
        " ".join(f"{r.load:.1f}" for r in results),
    ]


def run(folder: Path) -> list[Section]:
    section = Section(
        "SSE fan-out to idle subscribers",
        "N idle `/sse/stats` streams held by one load client process (raw sockets, uvloop); one change a "
        "second (a user inserted with raw SQL; for the references, a POST that publishes a stats-sized "
        "event), or the demo's mix (~3 events a second: a notification created, one sent, the stats). "
        "*Spread* = time between the first and the last subscriber receiving the same event. "
        f"Medians over {RUNS} runs of {SECONDS} changes each; runs of Airdate and the references "
        "alternate. The references, on the same machine: plain Node.js (`bench/fanout/reference.js`: the "
        "`http` module, one `res.write` per client), and a plain Starlette app under uvicorn "
        "(`bench/fanout/reference.py`: an `asyncio.Queue` per client and a `StreamingResponse`). "
        "The machine's 1-minute load average as each run started is in the last column (2 cores).",
        [
            "server",
            "subscribers",
            "events",
            "spread p50 ms",
            "spread p99 ms",
            "p50 / p99 ÷ Node",
            "RSS KiB / subscriber",
            "server CPU ms / event",
            "events seen by all",
            "load average per run",
        ],
    )
    for mix, sizes in (("stats", SIZES), ("demo", SIZES[-1:])):
        for size in sizes:
            results: dict[str, list[Result]] = {kind: [] for kind in KINDS}
            for round_ in range(RUNS):
                for kind in results:
                    progress(
                        f"fanout: {kind}, {size:,} subscribers, {mix} events, run {round_ + 1} of {RUNS}"
                    )
                    results[kind].append(measure(kind, folder, size, mix=mix, seconds=SECONDS))
            for kind, rows in results.items():
                section.rows.append(_row(kind, rows, results[YARDSTICK]))
    section.notes += [
        "Targets at 10,000 subscribers: spread p50 and p99 within 1.25 times Node's in the same run; "
        "≤ 16 KiB of RSS each.",
        "Where the time and memory went (`python -m bench.fanout.probe 1000`: tracemalloc and object counts "
        "between 1,000 and 2,000 open streams, calls counted per event): every stream held the request's "
        "whole ASGI call — 32 coroutines, 2 tasks, 3 exit stacks, 2 requests, 7 deques, ~29 KiB of heap — "
        "and every event woke one task per reader, which sent it through uvicorn's `send` (framing the "
        "chunk per reader). Now, once a stream's headers are out, uvicorn's protocol hands the "
        "connection to the hub (`http_streams.py`): the ASGI call returns, and each event's one HTTP "
        "chunk, framed once, is written straight to every transport; the transport's flow control "
        "(pause/resume writing) bounds a slow reader, the one timer drops a stalled one.",
        "Earlier: two timers per reader per event (one app-wide timer now), the depth of the coroutine "
        "chain each event resumed, and garbage collection (start-up objects are frozen out of the GC).",
    ]
    return [section]
