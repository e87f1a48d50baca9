"""Where an open dashboard tab's CPU goes, as Chromium itself counts it.

Run as ``python -m bench.viewers.tab_probe [PATH]``: a fresh demo, one headless 1280 x 900 tab on PATH
(``/``), measured from 20 s after the demo's start for 30 s (the page loaded 8 s before), as
``bench/viewers/browser.py`` measures it. Prints all of Chromium's CPU as a share of a core, the
renderer's own time by kind (``Performance.getMetrics``: script, style recalculation, layout, and the
rest of its tasks: paint and compositing), per second and per event, and the JavaScript functions that
took the most time (the sampling profiler), by self time.
"""

import asyncio
import os
import re
import sys
import tempfile
import time
from pathlib import Path

from playwright.async_api import async_playwright

from tests.browser.conftest import ARGS, CHROMIUM
from tests.utils.server import Server

from ..fanout.run import cpu
from .browser import _descendants, browser_cpu, count_events

MEASURE_AT, LOADED_FOR, SECONDS = 20.0, 8.0, 30.0
PROFILE = os.environ.get("PROFILE", "1") == "1"  # the sampling profiler costs CPU of its own
KINDS = ("ScriptDuration", "RecalcStyleDuration", "LayoutDuration", "TaskDuration", "LayoutCount")


async def _probe(url: str, path: str, started: float) -> tuple[float, dict, list]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = await browser.new_page(viewport={"width": 1280, "height": 900})
        cdp = await page.context.new_cdp_session(page)
        await cdp.send("Performance.enable")
        await cdp.send("Profiler.enable")
        await cdp.send("Profiler.setSamplingInterval", {"interval": 200})
        await asyncio.sleep(max(0.0, started + MEASURE_AT - LOADED_FOR - time.monotonic()))
        await page.goto(f"{url}{path}")
        if os.environ.get("HIDE"):  # an experiment: what the tab costs without these elements
            await page.add_style_tag(content=os.environ["HIDE"] + " { display: none !important }")
        if os.environ.get("STYLE"):  # an experiment: what the tab costs with this CSS
            await page.add_style_tag(content=os.environ["STYLE"])
        await asyncio.sleep(max(0.0, started + MEASURE_AT - time.monotonic()))
        before = {m["name"]: m["value"] for m in (await cdp.send("Performance.getMetrics"))["metrics"]}
        if PROFILE:
            await cdp.send("Profiler.start")
        cpu_before, by_process, began = browser_cpu(), _by_process(), time.monotonic()
        await asyncio.sleep(SECONDS)
        share = (browser_cpu() - cpu_before) / (time.monotonic() - began)
        by_process = {kind: used - by_process.get(kind, 0.0) for kind, used in _by_process().items()}
        print(
            "  Chromium's processes, ms of CPU per second: "
            + ", ".join(f"{kind} {used / SECONDS * 1000:.1f}" for kind, used in sorted(by_process.items()))
        )
        profile = (await cdp.send("Profiler.stop"))["profile"] if PROFILE else None
        after = {m["name"]: m["value"] for m in (await cdp.send("Performance.getMetrics"))["metrics"]}
        await browser.close()
    metrics = {kind: after[kind] - before[kind] for kind in KINDS}
    return share, metrics, _self_times(profile) if profile else []


def _by_process() -> dict[str, float]:
    """CPU seconds so far by kind of Chromium process (browser, renderer, gpu-process, utility…)."""
    used: dict[str, float] = {}
    for pid in _descendants(os.getpid()):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_text()
            if "chrom" in command:
                found = re.search(r"--type=([\w-]+)", command)
                kind = found.group(1) if found else "browser"
                used[kind] = used.get(kind, 0.0) + cpu(pid)
        except OSError:
            continue
    return used


def _self_times(profile: dict) -> list[tuple[float, str]]:
    nodes = {node["id"]: node for node in profile["nodes"]}
    deltas = profile["timeDeltas"]
    totals: dict[str, float] = {}
    for sample, delta in zip(profile["samples"], deltas, strict=True):
        frame = nodes[sample]["callFrame"]
        name, source = frame["functionName"] or "(anonymous)", frame["url"].rsplit("/", 1)[-1]
        where = f"{name} {source}:{frame['lineNumber']}"
        totals[where] = totals.get(where, 0.0) + delta / 1000  # µs -> ms
    return sorted(((ms, where) for where, ms in totals.items()), reverse=True)[:25]


def main(path: str = "/") -> None:
    folder = Path(tempfile.mkdtemp(prefix="airdate-tab-probe-"))
    url = f"sqlite:///{folder / 'demo.sqlite3'}"
    server = Server(url, {"demo": "true", "demo_database_url": url}).start()
    started = time.monotonic()
    events_per_second = count_events(server, started + MEASURE_AT, SECONDS)
    try:
        share, metrics, functions = asyncio.run(_probe(server.url, path, started))
        rate = events_per_second()
    finally:
        server.stop()
    per_event = share / rate * 1000
    print(f"{path}: Chromium {share * 100:.1f} % of a core, {rate:.1f} events/s, {per_event:.1f} ms/event")
    for kind, amount in metrics.items():  # (seconds, or a count for LayoutCount: then "ms" reads "per 1000")
        per_second = amount / SECONDS
        print(f"  renderer {kind}: {per_second * 1000:.1f} ms/s, {per_second / rate * 1000:.2f} ms/event")
    print("  JavaScript by self time (ms over the 30 s):")
    for ms, where in functions:
        print(f"    {ms:7.1f}  {where}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/")
