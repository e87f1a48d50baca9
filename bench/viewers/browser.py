"""What an open dashboard costs a real browser: headless Chromium's CPU with one tab on the demo's
dashboard against one on the (static) Users page, and whether 8 tabs on this machine keep their
connection (a tab that loses its handshake reloads itself).

The demo's event rate grows as it runs (each new request adds a requester who is told about later
episodes), so a tab measured in the demo's fifth minute meets about twice the events of one in its first.
Every run therefore starts a fresh demo (its simulator has a fixed seed) and measures the same stretch of
its life (from 20 s after it answers to 50 s, the page loaded 8 s before, in a 1280 x 900 tab): each run
meets the same sequence of events, and the report gives the rate with the share and the CPU per event,
which does not depend on the rate."""

import asyncio
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from playwright.async_api import async_playwright

from tests.browser.conftest import ARGS, CHROMIUM
from tests.utils.server import Server

from ..fanout.run import cpu
from ..report import median


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, pending = [], [root]
    while pending:
        pid = pending.pop()
        for child in children.get(pid, []):
            found.append(child)
            pending.append(child)
    return found


def browser_cpu() -> float:
    """CPU seconds used so far by every browser process this benchmark started."""
    total = 0.0
    for pid in _descendants(os.getpid()):
        try:
            if "chrom" in Path(f"/proc/{pid}/cmdline").read_text():
                total += cpu(pid)
        except OSError:
            continue
    return total


async def _tab_cpu(
    url: str, path: str, started: float, load_at: float, measure_at: float, seconds: float
) -> float:
    """Chromium's share of a core with one tab on ``path``: the browser is up before the page loads at
    ``load_at`` (seconds after ``started``, the demo's start); measured from ``measure_at`` on."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = await browser.new_page(viewport={"width": 1280, "height": 900})
        await asyncio.sleep(max(0.0, started + load_at - time.monotonic()))
        await page.goto(f"{url}{path}")
        await asyncio.sleep(max(0.0, started + measure_at - time.monotonic()))
        before, began = browser_cpu(), time.monotonic()
        await asyncio.sleep(seconds)
        share = (browser_cpu() - before) / (time.monotonic() - began)
        await browser.close()
    return share


async def _reloads(url: str, tabs: int, seconds: float) -> tuple[int, int]:
    """(self-reloads, connection-lost notices) over ``seconds`` with ``tabs`` dashboards open."""
    reloads, lost = 0, 0

    def note(message: str) -> None:
        nonlocal lost
        if "reloading because" in message or "connection timed out" in message:
            lost += 1

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        pages = []
        for _ in range(tabs):
            page = await browser.new_page(viewport={"width": 1280, "height": 800})
            await page.goto(url)
            page.on("console", lambda message: note(message.text))
            pages.append(page)
        await asyncio.sleep(3)
        loads = [0] * tabs
        for index, page in enumerate(pages):
            page.on("load", lambda _, index=index: loads.__setitem__(index, loads[index] + 1))
        await asyncio.sleep(seconds)
        reloads = sum(loads)
        await browser.close()
    return reloads, lost


def _fresh_demo_tab(
    folder: Path, path: str, seconds: float, measure_at: float, loaded_for: float
) -> tuple[float, float]:
    """(Chromium's share of a core, events a second) for one tab on a demo started for it."""
    url = f"sqlite:///{folder / f'browser-{time.monotonic_ns()}.sqlite3'}"
    server = Server(url, {"demo": "true", "demo_database_url": url}).start()
    started = time.monotonic()
    rate = count_events(server, started + measure_at, seconds)
    try:
        share = asyncio.run(_tab_cpu(server.url, path, started, measure_at - loaded_for, measure_at, seconds))
        return share, rate()
    finally:
        server.stop()


def count_events(server: Server, start: float, seconds: float) -> Callable[[], float]:
    """Count the demo's published events from ``start`` (a monotonic time) for ``seconds``, in a thread;
    the returned call waits for the count and gives events a second."""
    counts: list[float] = []

    def count() -> None:
        for at in (start, start + seconds):
            time.sleep(max(0.0, at - time.monotonic()))
            counts.append(server.metric("airdate_events_published_total"))

    counter = threading.Thread(target=count)
    counter.start()

    def rate() -> float:
        counter.join()
        return (counts[1] - counts[0]) / seconds

    return rate


def measure(
    folder: Path,
    *,
    runs: int = 3,
    seconds: float = 30,
    measure_at: float = 20,
    loaded_for: float = 8,
    reload_seconds: float = 300,
    tabs: int = 8,
) -> dict:
    dashboard, users_page, rates = [], [], []
    for _ in range(runs):  # alternating, so that both see the same machine
        share, rate = _fresh_demo_tab(folder, "/", seconds, measure_at, loaded_for)
        dashboard.append(share)
        rates.append(rate)
        users_page.append(_fresh_demo_tab(folder, "/users", seconds, measure_at, loaded_for)[0])
    url = f"sqlite:///{folder / f'browser-{time.monotonic_ns()}.sqlite3'}"
    server = Server(url, {"demo": "true", "demo_database_url": url}).start()
    try:
        reloads, lost = asyncio.run(_reloads(server.url, tabs, reload_seconds))
    finally:
        server.stop()
    return {
        "dashboard": median(dashboard),
        "dashboard_runs": dashboard,
        "users_runs": users_page,
        "measure_at": measure_at,
        "loaded_for": loaded_for,
        "seconds": seconds,
        "users": median(users_page),
        "events_per_second": median(rates),
        "cpu_per_event": median([share / rate for share, rate in zip(dashboard, rates, strict=True) if rate]),
        "tabs": tabs,
        "reload_seconds": reload_seconds,
        "reloads": reloads,
        "lost": lost,
    }
