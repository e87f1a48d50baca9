"""Dashboards under load: many viewers on one process (socket.io clients doing NiceGUI's handshake),
the cost of building the page, and what an open dashboard costs a real browser."""

from pathlib import Path

from bench.report import Section, median, progress

from . import browser
from .run import WARM_UP, dashboard_viewers, idle_growth, page_loads

COUNTS = (1, 50, 200)
RUNS = 3
MiB = 2**20


def _viewers_section(folder: Path) -> Section:
    section = Section(
        "Dashboard viewers on one process",
        "N viewers, each a socket.io client that loads `/` with its own cookies and connects the way "
        "NiceGUI's page script does (`bench/viewers/client.py`, its own process); the stats change every "
        "5 s (a user inserted with raw SQL; the feed reads every 0.2 s), 6 times a run. CPU is the "
        "server's over those 30 s; latency is from the insert to a viewer receiving the new numbers; "
        f"spread, from the first to the last viewer; messages are what each viewer received per change. "
        f"Medians of {RUNS} runs.",
        [
            "viewers",
            "server CPU (of one core)",
            "CPU ms / change",
            "MiB / viewer",
            "latency p50 ms",
            "latency p99 ms",
            "spread p99 ms",
            "messages / viewer / change",
            "arrived",
        ],
    )
    for count in COUNTS:
        runs = []
        for run in range(RUNS):
            progress(f"viewers: {count} dashboard viewers, run {run + 1} of {RUNS}")
            runs.append(dashboard_viewers(folder, count, changes=6))

        def mid(field: str, runs: list = runs) -> float:
            return median([getattr(r, field) for r in runs])

        kinds = sorted({kind for r in runs for kind in r.messages})
        messages = ", ".join(f"{k} {median([r.messages.get(k, 0) for r in runs]):.2f}" for k in kinds)
        section.rows.append(
            [
                str(count),
                f"{mid('cpu_share') * 100:.1f} %",
                f"{mid('cpu_per_change') * 1000:.0f}",
                f"{mid('rss_per_viewer') / MiB:.2f}",
                f"{mid('latency_p50') * 1000:.0f}",
                f"{mid('latency_p99') * 1000:.0f}",
                f"{mid('spread_p99') * 1000:.0f}",
                messages or "-",
                f"{sum(r.complete for r in runs)}/{count * sum(r.changes for r in runs)}",
            ]
        )
    section.notes.append(
        "Targets at 200 viewers: ≤ 20 % of one core on average, every change at every viewer within "
        "500 ms (p99). Per viewer and change the server sends the stat cards' payload (`run_method`, "
        "computed once per snapshot for all), the chart's two series (`run_method`) and the header's "
        "time (`update`)."
    )
    return section


def _pages_section(folder: Path) -> Section:
    runs, idle = [], []
    for run in range(RUNS):
        progress(f"viewers: 300 plain page loads, 8 at a time (demo running), run {run + 1} of {RUNS}")
        runs.append(page_loads(folder))
        progress(f"viewers: the same demo left alone as long, run {run + 1} of {RUNS}")
        start, after = idle_growth(folder, runs[-1].pages / runs[-1].per_second + runs[-1].wait)
        idle.append(after - start)
    r = runs[0]

    def mid(field: str) -> float:
        return median([getattr(one, field) for one in runs])

    statuses: dict[int, int] = {}
    for one in runs:
        for status, n in one.statuses.items():
            statuses[status] = statuses.get(status, 0) + n
    section = Section(
        "The cost of a page",
        f"The demo running (~4 events a second) and warmed up ({WARM_UP:.0f} s: a fresh demo grows by about "
        "19 MiB in its first 90 s, then levels off); 300 plain `GET /` (no websocket, as a crawler or a "
        "health check would), 8 at a time, from the benchmark process. CPU is the server's per page; "
        f"RSS at the start, right after, and {r.wait:.0f} s later (NiceGUI lets a page that never "
        "connected go after a minute); next to it, how much the same demo grows by itself over the same "
        "time with no page loads (its own server, started the same way: the demo keeps adding requests, "
        f"episodes and notifications). Medians of {RUNS} runs (answers: all runs together).",
        [
            "pages",
            "pages / s",
            "p50 ms",
            "p99 ms",
            "answers",
            "server CPU ms / page",
            "RSS start MiB",
            "RSS peak MiB",
            f"RSS {r.wait:.0f} s later MiB",
            "growth MiB",
            "growth without page loads MiB",
        ],
        [
            [
                f"{r.pages}",
                f"{mid('per_second'):.1f}",
                f"{mid('latency_p50') * 1000:.0f}",
                f"{mid('latency_p99') * 1000:.0f}",
                ", ".join(f"{status}: {n}" for status, n in sorted(statuses.items())),
                f"{mid('cpu_per_page') * 1000:.1f}",
                f"{mid('rss_start') / MiB:.0f}",
                f"{mid('rss_peak') / MiB:.0f}",
                f"{mid('rss_after') / MiB:.0f}",
                f"{median([one.rss_after - one.rss_start for one in runs]) / MiB:+.0f}",
                f"{median(idle) / MiB:+.0f}",
            ]
        ],
    )
    section.notes.append(
        "Targets: ≤ 30 ms of server CPU per page, zero errors (503 with Retry-After under overload, never "
        "500), back within 50 MiB of the start a minute later."
    )
    return section


def _browser_section(folder: Path) -> Section:
    progress("viewers: headless Chromium on the demo's dashboard (and 8 tabs for 5 minutes)")
    r = browser.measure(folder, runs=RUNS)
    return Section(
        "What an open dashboard costs the browser",
        "Headless Chromium (Debian's, through Playwright), 1280 by 800. Each run starts a fresh demo (fixed "
        "seed) and measures one tab over the same 30 s of its life, because the demo's event rate grows as "
        f"it runs (here {r['events_per_second']:.1f} events a second, median). CPU of all of Chromium's "
        f"processes, as a share of one core, median of {RUNS} runs; then {r['tabs']} dashboard tabs for "
        f"{r['reload_seconds'] / 60:.0f} minutes, counting pages that reloaded themselves (a lost "
        "handshake makes NiceGUI's page reload).",
        ["measure", "value", "target"],
        [
            ["one dashboard tab", f"{r['dashboard'] * 100:.1f} % of a core", "≤ 5 %"],
            ["one dashboard tab, CPU per event", f"{r['cpu_per_event'] * 1000:.1f} ms", ""],
            ["one Users tab (static, for comparison)", f"{r['users'] * 100:.1f} % of a core", ""],
            [f"{r['tabs']} tabs, self-reloads", str(r["reloads"]), "0"],
            [f"{r['tabs']} tabs, lost connections logged", str(r["lost"]), "0"],
        ],
    )


def run(folder: Path) -> list[Section]:
    return [_viewers_section(folder), _pages_section(folder), _browser_section(folder)]
