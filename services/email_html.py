"""The e-mail's HTML: written for mail clients, not browsers.

- **Tables and inline styles.** Gmail, Outlook and most webmail drop or rewrite ``<style>`` and know
  little CSS layout, so the layout is nested ``role="presentation"`` tables, 600 px wide at most, and
  every element carries its own ``style``. The one ``<style>`` block only adds what a client may ignore:
  the dark colours and a narrower poster on a phone.
- **Dark mode.** Every text and background has an explicit colour (a client that darkens a message
  then has to invert all of them together, never black on its own dark grey), the ``color-scheme`` and
  ``supported-color-schemes`` meta tags say the message has a dark form, and clients that read
  ``prefers-color-scheme`` (Apple Mail, iOS, Outlook for Mac, Thunderbird) get it.
- **Posters are remote images** (``<img src="https://image.tmdb.org/…">``) with alt text, width and
  height. An attachment would weigh on every message: a w342 poster is tens of kilobytes, so twenty
  shows would pass the 100 KiB a message is allowed, and inline (CID) images multiply that by each show
  and each recipient. A remote poster costs the message only its address, is cached by the client (and
  by Gmail's image proxy) from one message to the next, and TMDB serves it anyway. A client that blocks
  remote images shows the alt text in a box of the poster's size, so the layout holds.

Every name, title, overview and address is escaped (:func:`html.escape`, ``quote=True`` in attributes):
a show called ``<img src=x onerror=…>`` is shown as those characters.
"""

from html import escape

from data.batches import Batch

from .links import Links
from .message import ENJOY, EpisodeLine, Look, ShowBlock, footer, hello, intro, shows, speaks

POSTER_WIDTH, POSTER_HEIGHT = 120, 180  # TMDB posters are 2:3
FONT = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif"
PAGE, CARD, TEXT, MUTED, LINK, BUTTON = "#eef0f4", "#ffffff", "#1d1f24", "#5a6070", "#2a54c9", "#2a54c9"
DARK = """
@media (prefers-color-scheme: dark) {
  .ad-page { background: #121317 !important; }
  .ad-card { background: #1f2128 !important; }
  .ad-text { color: #eceef3 !important; }
  .ad-muted { color: #aab0bf !important; }
  .ad-link { color: #9db8ff !important; }
  .ad-button { background: #9db8ff !important; color: #121317 !important; }
}
@media (max-width: 480px) {
  .ad-poster { width: 80px !important; height: 120px !important; }
  .ad-poster-cell { width: 80px !important; padding-right: 12px !important; }
}
"""


def html(batch: Batch, look: Look, subject: str, links: Links | None = None) -> str:
    """The whole HTML document of the e-mail."""
    lang = speaks(batch, look)
    cards = "".join(_card(show, lang.gettext("Poster of {show}")) for show in shows(batch, look))
    bottom = ""
    if links is not None:
        bottom = " · ".join(
            f'<a href="{escape(url, quote=True)}" class="ad-link" style="color:{LINK}">{escape(name)}</a>'
            for name, url in footer(batch, links, lang)
        )
        bottom = _row(f'<p class="ad-muted" style="margin:0;font-size:13px;color:{MUTED}">{bottom}</p>')
    greeting = (
        f'<p class="ad-text" style="margin:0 0 4px;font-size:16px;color:{TEXT}">'
        f"{hello(batch, lang, escape)}</p>"
        f'<p class="ad-text" style="margin:0;font-size:16px;color:{TEXT}">{escape(intro(batch, lang))}</p>'
    )
    enjoy = (
        f'<p class="ad-text" style="margin:0;font-size:16px;color:{TEXT}">{escape(lang.gettext(ENJOY))}</p>'
    )
    return (
        f'<!DOCTYPE html><html lang="{lang.catalog}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="color-scheme" content="light dark">'
        '<meta name="supported-color-schemes" content="light dark">'
        f"<title>{escape(subject)}</title><style>{DARK}</style></head>"
        f'<body class="ad-page" style="margin:0;padding:0;background:{PAGE};{FONT}">'
        f'<table role="presentation" class="ad-page" width="100%" cellpadding="0" cellspacing="0" border="0" '
        f'style="background:{PAGE}"><tr><td align="center" style="padding:16px 8px">'
        '<table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" '
        'style="width:100%;max-width:600px">'
        f"{_row(greeting)}{cards}{_row(enjoy)}{bottom}"
        "</table></td></tr></table></body></html>"
    )


def _row(inner: str) -> str:
    return f'<tr><td style="padding:8px 4px">{inner}</td></tr>'


def _card(show: ShowBlock, poster_alt: str) -> str:
    name = escape(show.title)
    poster = ""
    if show.poster_url:
        poster = (
            f'<td class="ad-poster-cell" width="{POSTER_WIDTH}" valign="top" '
            f'style="padding:0 16px 0 0;width:{POSTER_WIDTH}px">'
            f'<img class="ad-poster" src="{escape(show.poster_url, quote=True)}" '
            f'alt="{escape(poster_alt.format(show=show.title), quote=True)}" '
            f'width="{POSTER_WIDTH}" height="{POSTER_HEIGHT}" style="display:block;border:0;'
            f"border-radius:4px;width:{POSTER_WIDTH}px;height:{POSTER_HEIGHT}px;background:{PAGE};"
            f'color:{MUTED};font-size:12px"></td>'
        )
    about = (
        f'<p class="ad-muted" style="margin:0 0 8px;font-size:14px;color:{MUTED}">{escape(show.overview)}</p>'
        if show.overview
        else ""
    )
    body = (
        f'<h2 class="ad-text" style="margin:0 0 8px;font-size:20px;line-height:1.3;color:{TEXT}">{name}</h2>'
        f"{about}{''.join(_episode(line) for line in show.episodes)}{_buttons(show)}"
    )
    return (
        '<tr><td style="padding:8px 0">'
        f'<table role="presentation" class="ad-card" width="100%" cellpadding="0" cellspacing="0" '
        f'border="0" style="background:{CARD};border-radius:8px"><tr><td style="padding:16px">'
        '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tr>'
        f'{poster}<td valign="top">{body}</td></tr></table></td></tr></table></td></tr>'
    )


def _episode(line: EpisodeLine) -> str:
    title = f" {escape(line.title)}" if line.title else ""
    details = (
        f'<p class="ad-muted" style="margin:2px 0 0;font-size:13px;color:{MUTED}">{escape(line.details)}</p>'
        if line.details
        else ""
    )
    overview = (
        f'<p class="ad-text" style="margin:4px 0 0;font-size:14px;line-height:1.45;color:{TEXT}">'
        f"{escape(line.overview)}</p>"
        if line.overview
        else ""
    )
    return (
        f'<div style="margin:0 0 12px"><p class="ad-text" style="margin:0;font-size:15px;color:{TEXT}">'
        f"<strong>{escape(line.code)}</strong>{title}</p>{details}{overview}</div>"
    )


def _buttons(show: ShowBlock) -> str:
    parts = []
    if show.watch_url:
        parts.append(
            f'<a href="{escape(show.watch_url, quote=True)}" class="ad-button" style="display:inline-block;'
            f"background:{BUTTON};color:#ffffff;padding:8px 16px;border-radius:4px;font-size:14px;"
            f'font-weight:bold;text-decoration:none;margin:0 12px 4px 0">{escape(show.watch_label)}</a>'
        )
    if show.request_url:
        parts.append(
            f'<a href="{escape(show.request_url, quote=True)}" class="ad-link" style="color:{LINK};'
            f'font-size:14px;display:inline-block;margin:0 0 4px">{escape(show.request_label)}</a>'
        )
    return f'<p style="margin:4px 0 0">{"".join(parts)}</p>' if parts else ""
