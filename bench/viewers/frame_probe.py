"""Which browser frames an open tab draws, and what each changed.

Run as ``python -m bench.viewers.frame_probe [PATH]``: a fresh demo and one headless 1280 x 900 tab on
PATH (``/``), observed for 20 s from 20 s after the demo's start (as ``tab_probe`` measures). A
``MutationObserver`` groups the page's changes by the animation frame that drew them; prints the frames
per second that changed anything, how many frames each part of the page changed in, and the first
frames one by one. Every such frame costs style, layout, paint, raster and compositing (~8-10 ms of
Chromium's CPU here): one update drawn in three frames costs about three times one.
"""

import asyncio
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from playwright.async_api import async_playwright

from tests.browser.conftest import ARGS, CHROMIUM
from tests.utils.server import Server

LOAD_AT, WATCH_AT, SECONDS, SHOWN = 12.0, 20.0, 20.0, 40

# A part is named by its nearest ancestors: tag, NiceGUI id (c12) and the Quasar classes that say what
# it is (q-card, q-linear-progress…), two levels up.
OBSERVE = """() => {
  window.probeFrames = [];
  const name = (node) => {
    const parts = [];
    let el = node.nodeType === 1 ? node : node.parentElement;
    for (; el && parts.length < 2; el = el.parentElement) {
      const kinds = [...el.classList].filter((c) => c.startsWith('q-') && !c.includes('--')).slice(0, 1);
      parts.unshift([el.tagName.toLowerCase() + (el.id ? '#' + el.id : ''), ...kinds].join('.'));
    }
    return parts.join('>');
  };
  let parts = null;
  new MutationObserver((records) => {
    if (!parts) {
      parts = new Set();
      requestAnimationFrame((now) => {
        window.probeFrames.push([Math.round(now), [...parts]]);
        parts = null;
      });
    }
    for (const record of records) parts.add(name(record.target));
  }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
}"""


async def _frames(url: str, started: float) -> list[tuple[int, list[str]]]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = await browser.new_page(viewport={"width": 1280, "height": 900})
        await asyncio.sleep(max(0.0, started + LOAD_AT - time.monotonic()))
        await page.goto(url)
        await asyncio.sleep(max(0.0, started + WATCH_AT - time.monotonic()))
        await page.evaluate(OBSERVE)
        await asyncio.sleep(SECONDS)
        frames = await page.evaluate("window.probeFrames")
        await browser.close()
    return frames


def main(path: str = "/") -> None:
    folder = Path(tempfile.mkdtemp(prefix="airdate-frame-probe-"))
    url = f"sqlite:///{folder / 'demo.sqlite3'}"
    server = Server(url, {"demo": "true", "demo_database_url": url}).start()
    started = time.monotonic()
    try:
        frames = asyncio.run(_frames(f"{server.url}{path}", started))
    finally:
        server.stop()
    rate = len(frames) / SECONDS
    print(f"{path}: {rate:.2f} frames a second changed the page ({len(frames)} in {SECONDS:g} s)")
    counts = Counter(part for _, parts in frames for part in parts)
    for part, count in counts.most_common(25):
        print(f"  {count:4d} frames  {part}")
    print("  frame by frame (ms since the page's start: parts):")
    for at, parts in frames[:SHOWN]:
        print(f"    {at:7d}  {', '.join(sorted(parts))}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/")
