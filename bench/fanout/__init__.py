"""SSE fan-out under load: many idle subscribers held by one client process, against Airdate and a
minimal reference server, on the same machine with the same client."""

from pathlib import Path

from bench.report import Section, median, progress

from .run import Result, measure

SIZES = (1_000, 5_000, 10_000)
RUNS = 3
SECONDS = 10


def _row(label: str, results: list[Result], reference: list[Result] | None) -> list[str]:
    p50, p99 = median([r.spread_p50 for r in results]), median([r.spread_p99 for r in results])
    ratio = ""
    if reference:
        ratio = f"{p99 / median([r.spread_p99 for r in reference]):.2f}"
    return [
        label,
        f"{results[0].subscribers:,}",
        results[0].mix,
        f"{p50 * 1000:.0f}",
        f"{p99 * 1000:.0f}",
        ratio,
        f"{median([r.rss_per_subscriber for r in results]) / 1024:.1f}",
        f"{median([r.cpu_per_event for r in results]) * 1000:.0f}",
        f"{sum(r.complete for r in results)}/{sum(r.events for r in results)}",
    ]


def run(folder: Path) -> list[Section]:
    section = Section(
        "SSE fan-out to idle subscribers",
        "N idle `/sse/stats` streams held by one load client process (raw sockets, uvloop); one change a "
        "second (a user inserted with raw SQL; for the reference, a POST that publishes a stats-sized "
        "event), or the demo's mix (~3 events a second: a notification created, one sent, the stats). "
        "*Spread* = time between the first and the last subscriber receiving the same event. "
        f"Medians over {RUNS} runs of {SECONDS} changes each; runs of Airdate and of the reference "
        "alternate. The reference is a plain Starlette app (`bench/fanout/reference.py`: an "
        "`asyncio.Queue` per client and a `StreamingResponse`) under uvicorn on the same machine.",
        [
            "server",
            "subscribers",
            "events",
            "spread p50 ms",
            "spread p99 ms",
            "p99 ÷ reference",
            "RSS KiB / subscriber",
            "server CPU ms / event",
            "events seen by all",
        ],
    )
    for mix, sizes in (("stats", SIZES), ("demo", SIZES[-1:])):
        for size in sizes:
            results: dict[str, list[Result]] = {"airdate": [], "reference": []}
            for round_ in range(RUNS):
                for kind in results:
                    progress(
                        f"fanout: {kind}, {size:,} subscribers, {mix} events, run {round_ + 1} of {RUNS}"
                    )
                    results[kind].append(measure(kind, folder, size, mix=mix, seconds=SECONDS))
            section.rows.append(_row("Airdate", results["airdate"], results["reference"]))
            section.rows.append(_row("reference", results["reference"], None))
    section.notes += [
        "Targets at 10,000 subscribers: spread p99 ≤ 300 ms and below the reference's in the same run; "
        "≤ 30 KiB of RSS each.",
        "Where the time went (py-spy on the server during a 10,000-reader run): first, two timers per "
        "reader per event (a keepalive timeout around every wait, a send timeout around every write: "
        "18 % of samples in `Timeout.reschedule` alone, plus the timer heap); then the depth of the "
        "coroutine chain each event resumed (a dozen middleware and routing frames per reader, per "
        "event); then garbage collection (a third of the CPU). Now one app-wide timer tends all readers, "
        "events are written from a task of their own, and start-up objects are frozen out of the GC.",
    ]
    return [section]
