"""Dashboards under load: many viewers on one process (socket.io clients doing NiceGUI's handshake),
the cost of building the page, and what an open dashboard costs a real browser."""

import os
from pathlib import Path

from bench.report import Section, median, progress

from . import browser
from .run import WARM_UP, dashboard_viewers, page_loads

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
    runs = []
    for run in range(RUNS):
        progress(
            f"viewers: 3 rounds of 300 plain page loads, 8 at a time (demo running), run {run + 1} of {RUNS}"
        )
        runs.append((page_loads(folder), os.getloadavg()[0]))
    r = runs[0][0][0]
    section = Section(
        "The cost of a page",
        f"The demo running (~4 events a second) and warmed up ({WARM_UP:.0f} s: a fresh demo grows by about "
        "19 MiB in its first 90 s, then levels off); three rounds of 300 plain `GET /` (no websocket, as a "
        "crawler or a health check would), 8 at a time, from the benchmark process, each measured "
        f"{r.wait:.0f} s after it ended, the next round starting then. CPU is the server's per page; the "
        "reference is the RSS before the first round; pages held are the server's "
        "(`airdate_pages_held`). A fresh demo per run, three runs: the median of each round, and the "
        "load average (1 min) at the end of each run.",
        [
            "round",
            "pages / s",
            "p50 ms",
            "p99 ms",
            "answers",
            "server CPU ms / page",
            "RSS start MiB",
            "RSS peak MiB",
            f"RSS {r.wait:.0f} s later MiB",
            "above start MiB",
            "pages held then",
            "load average",
        ],
    )
    for index in range(len(runs[0][0])):
        rounds = [loads[index] for loads, _ in runs]

        def mid(field: str, rounds: list = rounds) -> float:
            return median([getattr(one, field) for one in rounds])

        statuses: dict[int, int] = {}
        for one in rounds:
            for status, n in one.statuses.items():
                statuses[status] = statuses.get(status, 0) + n
        section.rows.append(
            [
                str(index + 1),
                f"{mid('per_second'):.1f}",
                f"{mid('latency_p50') * 1000:.0f}",
                f"{mid('latency_p99') * 1000:.0f}",
                ", ".join(f"{status}: {n}" for status, n in sorted(statuses.items())),
                f"{mid('cpu_per_page') * 1000:.1f}",
                f"{mid('rss_start') / MiB:.0f}",
                f"{mid('rss_peak') / MiB:.0f}",
                f"{mid('rss_after') / MiB:.0f}",
                f"{median([one.rss_after - one.rss_start for one in rounds]) / MiB:+.0f}",
                f"{mid('held_after'):.0f}",
                ", ".join(f"{load:.1f}" for _, load in runs),
            ]
        )
    section.notes.append(
        "Targets: ≤ 30 ms of server CPU per page, zero errors (503 with Retry-After under overload, never "
        "500), within 50 MiB of the start 15 s after each of three rounds in a row: a page whose websocket "
        "has not connected 8 s after it was built is forgotten by 10 s (`nicegui_workarounds."
        "forget_unconnected_pages`; NiceGUI alone waits a minute)."
    )
    return section


def _browser_section(folder: Path) -> Section:
    progress("viewers: headless Chromium on the demo's dashboard (and 8 tabs for 5 minutes)")
    load = os.getloadavg()[0]
    r = browser.measure(folder, runs=RUNS)
    runs = ", ".join(f"{share * 100:.1f}" for share in r["dashboard_runs"])
    users = ", ".join(f"{share * 100:.1f}" for share in r["users_runs"])
    section = Section(
        "What an open dashboard costs the browser",
        "Headless Chromium (Debian's, through Playwright, `--disable-gpu`), a 1280 by 900 tab. Each run "
        "starts a fresh demo (fixed seed) and measures one tab over the same 30 s of its life, "
        f"from {r['measure_at']:.0f} s after its start, the page loaded {r['loaded_for']:.0f} s before, "
        "because the demo's event rate grows as it runs (here "
        f"{r['events_per_second']:.1f} events a second, median). CPU of all of Chromium's processes, as a "
        f"share of one core, median of {RUNS} runs (dashboard and Users alternating); load average (1 min) "
        f"{load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end; then {r['tabs']} dashboard tabs for "
        f"{r['reload_seconds'] / 60:.0f} minutes, counting pages that reloaded themselves (a lost "
        "handshake makes NiceGUI's page reload).",
        ["measure", "value", "target"],
        [
            ["one dashboard tab", f"{r['dashboard'] * 100:.1f} % of a core (runs: {runs})", "≤ 5 %"],
            ["one dashboard tab, CPU per event", f"{r['cpu_per_event'] * 1000:.1f} ms", ""],
            [
                "one Users tab (static, the reference)",
                f"{r['users'] * 100:.1f} % of a core (runs: {users})",
                "",
            ],
            [f"{r['tabs']} tabs, self-reloads", str(r["reloads"]), "0"],
            [f"{r['tabs']} tabs, lost connections logged", str(r["lost"]), "0"],
        ],
    )
    section.notes.append(
        "Where a tab's CPU goes: each frame that changes the page costs Chromium 8 to 10 ms here (style, "
        "layout, paint, software raster, compositing; `python -m bench.viewers.tab_probe`). At ~4 events a "
        "second the tab drew 2.75 such frames a second, 4.4 layouts (`python -m bench.viewers.frame_probe`): "
        "an event at a time, one update's websocket messages straddling two or three frames, a running "
        "job's progress bar at ~60 frames a second. Now *Live* delivers at most once a second (a burst "
        "together), an update's messages are drawn in one frame (`ui/draw_soon.js`) and a job's progress "
        "at most twice a second: 1.65 frames and 1.8 layouts a second (5.7 % of a core before, in this "
        "section's previous run)."
    )
    return section


def run(folder: Path) -> list[Section]:
    return [_viewers_section(folder), _pages_section(folder), _browser_section(folder)]
