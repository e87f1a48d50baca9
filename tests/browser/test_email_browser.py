"""The e-mail's HTML in a real Chromium, as a mail client's web view shows it: its posters (served by the
image host stand-in) load, the layout holds on a desktop and a phone, in light and in dark (``prefers-
color-scheme``, which Apple Mail and others follow) with readable contrast; and the README's picture."""

import os
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, expect

from services import mailer
from services.links import Links
from standins.image_host import ImageHost

from ..utils.messages import HOSTILE, hostile_batch, look_at, showcase_batch

pytestmark = pytest.mark.asyncio(loop_scope="session")  # the worker's Chromium lives there (conftest)

DOCS = Path(__file__).resolve().parents[2] / "docs"
SIZES = {"desktop": (1280, 720), "tablet": (800, 1000), "phone": (390, 844), "small-phone": (360, 740)}
PHONE = 480  # the HTML's max-width for the narrower poster
LINKS = Links("a storage secret of the tests, 32 bytes or more", "https://airdate.example.org")

LAYOUT = """() => {
  const box = e => e.getBoundingClientRect();
  const cards = [...document.querySelectorAll('.ad-card')];
  const colour = (e, p) => getComputedStyle(e)[p];
  const luminance = rgb => {
    const [r, g, b] = rgb.match(/\\d+/g).slice(0, 3).map(v => {
      v = v / 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const contrast = (a, b) => {
    const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  const title = document.querySelector('.ad-card h2');
  return {
    broken: [...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src),
    images: document.images.length,
    posters: [...document.images].map(i => [box(i).width, box(i).height]),
    overflow: document.documentElement.scrollWidth - window.innerWidth,
    cardWidths: cards.map(c => box(c).width),
    cardBackground: colour(cards[0], 'backgroundColor'),
    titleContrast: contrast(colour(title, 'color'), colour(cards[0], 'backgroundColor')),
    mutedContrast: contrast(colour(document.querySelector('.ad-card .ad-muted'), 'color'),
                            colour(cards[0], 'backgroundColor')),
    buttonContrast: contrast(colour(document.querySelector('.ad-button'), 'color'),
                             colour(document.querySelector('.ad-button'), 'backgroundColor')),
    gapToTitle: box(title).left - box(document.images[0]).right,
    posterBesideTitle: Math.abs(box(title).top - box(document.images[0]).top),
    posterLefts: [...document.images].map(i => Math.round(box(i).left)),
    titleLefts: [...document.querySelectorAll('.ad-card h2')].map(t => Math.round(box(t).left)),
    postersInCards: [...document.images].every((i, n) => {
      const [p, c] = [box(i), box(cards[n])];
      return p.left >= c.left && p.right <= c.right && p.top >= c.top && p.bottom <= c.bottom;
    }),
  };
}"""


async def test_the_email_renders_with_its_posters_in_light_and_dark(browser: Browser, tmp_path: Path) -> None:
    with ImageHost() as images:
        batch = showcase_batch()
        message = mailer.compose(batch, "Airdate <airdate@example.org>", LINKS, look_at(images.base_url))
        document = message.get_body(("html",)).get_content()
        for device, (width, height) in SIZES.items():
            for scheme in ("light", "dark"):
                context = await browser.new_context(
                    viewport={"width": width, "height": height}, color_scheme=scheme
                )
                page = await context.new_page()
                await page.set_content(document, wait_until="load")
                seen = await page.evaluate(LAYOUT)
                where = f"{device}, {scheme}"
                assert seen["images"] == 2 and seen["broken"] == [], where
                assert seen["overflow"] <= 0, f"{where}: wider than the screen"
                assert all(w <= 600 for w in seen["cardWidths"]), where
                poster = (120, 180) if width > PHONE else (80, 120)
                assert all(tuple(size) == poster for size in seen["posters"]), f"{where}: {seen['posters']}"
                assert 8 <= seen["gapToTitle"] <= 24, f"{where}: the poster left of the title"
                assert seen["posterBesideTitle"] <= 2, f"{where}: the poster's top is the title's"
                assert len(set(seen["posterLefts"])) == len(set(seen["titleLefts"])) == 1, f"{where}: columns"
                assert seen["postersInCards"], f"{where}: a poster outside its card"
                dark = seen["cardBackground"] != "rgb(255, 255, 255)"
                assert dark == (scheme == "dark"), f"{where}: card {seen['cardBackground']}"
                assert seen["titleContrast"] >= 7 and seen["mutedContrast"] >= 4.5, f"{where}: {seen}"
                assert seen["buttonContrast"] >= 4.5, f"{where}: {seen}"
                await save(page, tmp_path / f"email-{device}-{scheme}.png", publish=where == "desktop, light")
                await context.close()
        assert sorted(set(images.hits)) == ["/t/p/w342/lighthouse.png", "/t/p/w342/severance.png"]


async def test_a_german_email_reads_german_in_chromium(browser: Browser, tmp_path: Path) -> None:
    with ImageHost() as images:
        batch = replace(showcase_batch(), locale="de")
        message = mailer.compose(batch, "Airdate <airdate@example.org>", LINKS, look_at(images.base_url))
        page = await browser.new_page(viewport={"width": 1280, "height": 720})
        await page.set_content(message.get_body(("html",)).get_content(), wait_until="load")
        assert (await page.evaluate(LAYOUT))["broken"] == []
        await expect(page.get_by_role("link", name="Jetzt ansehen")).to_be_visible()
        await expect(page.get_by_text(re.compile(r"^ausgestrahlt: Fr\., 17\. Jan\. 2025"))).to_be_visible()
        await expect(page.get_by_role("link", name="Deine Anfrage in Jellyseerr").first).to_be_visible()
        shot = tmp_path / "email-german.png"
        await page.screenshot(path=shot, full_page=True)
        if os.environ.get("UPDATE_SCREENSHOTS") == "1":
            shutil.copy(shot, DOCS / "email-german.png")
        await page.close()


async def save(page: Page, shot: Path, *, publish: bool) -> None:
    """Like the console's screenshots (tests/browser/test_screenshots.py): ``make screenshots`` copies
    the README's into docs/."""
    await page.screenshot(path=shot, full_page=True)
    if publish and os.environ.get("UPDATE_SCREENSHOTS") == "1":
        shutil.copy(shot, DOCS / "email-desktop.png")


ELEMENTS = "() => [...document.body.querySelectorAll('*')].map(e => e.tagName.toLowerCase())"
ATTRIBUTES = "() => [...document.querySelectorAll('*')].flatMap(e => e.getAttributeNames())"


async def test_a_hostile_show_is_shown_as_text_and_runs_nothing(browser: Browser) -> None:
    """A show, episode, overview and user name of HTML, Markdown and template syntax, and links that
    try to be scripts: the browser builds only the message's own elements and shows the words."""
    message = mailer.compose(hostile_batch(), "Airdate <airdate@example.org>", LINKS, look_at())
    page = await browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    await page.set_content(message.get_body(("html",)).get_content(), wait_until="load")
    elements = set(await page.evaluate(ELEMENTS))
    assert elements <= {"table", "tbody", "tr", "td", "p", "h2", "div", "strong", "img", "a"}, elements
    assert await page.locator("img").count() == 1, "the poster, no other picture"
    assert not {"onerror", "onload", "onclick"} & set(await page.evaluate(ATTRIBUTES))
    hrefs = await page.locator("a").evaluate_all("links => links.map(a => a.protocol)")
    assert set(hrefs) == {"https:"}, hrefs
    await expect(page.locator("h2")).to_have_text(HOSTILE)
    await expect(page.get_by_text(f"Hi {HOSTILE},")).to_be_visible()
    await expect(page.get_by_text(f"S01E01 {HOSTILE}")).to_be_visible()
    assert await page.get_by_text(HOSTILE, exact=True).count() >= 3, "the show's name, overviews"
    assert dialogs == [], "no script ran"
    await page.close()
