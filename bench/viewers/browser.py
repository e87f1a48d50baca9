"""What an open dashboard costs a real browser: headless Chromium's CPU with one tab on the demo's
dashboard against one on the (static) Users page, and whether 8 tabs on this machine keep their
connection (a tab that loses its handshake reloads itself)."""

import asyncio
import os
import time
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


async def _tab_cpu(url: str, path: str, seconds: float) -> float:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = await browser.new_page(viewport={"width": 1280, "height": 800})
        await page.goto(f"{url}{path}")
        await page.wait_for_timeout(5000)  # loaded and settled
        before, started = browser_cpu(), time.monotonic()
        await page.wait_for_timeout(seconds * 1000)
        share = (browser_cpu() - before) / (time.monotonic() - started)
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


def measure(
    folder: Path, *, runs: int = 3, seconds: float = 30, reload_seconds: float = 300, tabs: int = 8
) -> dict:
    url = f"sqlite:///{folder / f'browser-{time.monotonic_ns()}.sqlite3'}"
    server = Server(url, {"demo": "true", "demo_database_url": url}).start()
    try:
        time.sleep(5)
        events_before = server.metric("airdate_events_published_total")
        began = time.monotonic()
        dashboard, users_page = [], []
        for _ in range(runs):  # alternating, so that both see the same machine
            dashboard.append(asyncio.run(_tab_cpu(server.url, "/", seconds)))
            users_page.append(asyncio.run(_tab_cpu(server.url, "/users", seconds)))
        rate = (server.metric("airdate_events_published_total") - events_before) / (time.monotonic() - began)
        reloads, lost = asyncio.run(_reloads(server.url, tabs, reload_seconds))
    finally:
        server.stop()
    return {
        "dashboard": median(dashboard),
        "users": median(users_page),
        "events_per_second": rate,
        "tabs": tabs,
        "reload_seconds": reload_seconds,
        "reloads": reloads,
        "lost": lost,
    }
