"""What a message says, whatever carries it: the shows of a batch, each with its poster, a "Watch now"
link (Jellyseerr's ``mediaUrl``) and the link to its request in Jellyseerr, and each episode with its
title, air time (in the person's time zone; UTC, said so, when Airdate knows none), runtime and a short
overview. :func:`shows` lays a batch out; :func:`text` writes it as plain text (the e-mail's text part)
and :func:`markdown` for Apprise channels; :mod:`services.email_html` writes the e-mail's HTML.

Each is in the person's language (:func:`speaks`: their Jellyseerr locale, else the admin's default;
:mod:`services.i18n`): words from the catalogs, dates, plurals and numbers by Babel.

Every name, title and overview comes from elsewhere (Sonarr, Jellyseerr, TMDB), so each writer escapes
it for what it writes: a show called ``<b>*Hi*</b>`` reads exactly so in every message.
"""

import re
import textwrap
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, tzinfo
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from data.batches import Batch, Item

from .i18n import ENGLISH, N_, Language, language
from .links import Links

OVERVIEW_CHARS = 280  # an overview longer than this is cut at a word, with "…"
PLAIN_WIDTH = 78  # the plain text's prose is wrapped at this column (RFC 5322's advice); links are not
INTRO = "New episodes of shows you requested are ready:"  # in English, for several episodes (see intro)
REQUESTED, FOLLOWED = N_("Your request in Jellyseerr"), N_("The show in Jellyseerr")
WATCH, ENJOY = N_("Watch now"), N_("Enjoy watching!")
MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>&])")


@dataclass(frozen=True)
class Look:
    """Where a message's pictures and links point."""

    poster_base: str = "https://image.tmdb.org/t/p/w342"  # AIRDATE_POSTER_BASE_URL ("": no posters)
    jellyseerr_url: str = ""  # where people open Jellyseerr (AIRDATE_JELLYSEERR_PUBLIC_URL); "": no link
    locale: str = "en"  # the admin's default (AIRDATE_DEFAULT_LOCALE), for people Jellyseerr has none of


@dataclass(frozen=True)
class EpisodeLine:
    code: str  # S02E01, or the item's own words for one that is no episode (a test message)
    title: str = ""
    aired: str = ""  # "aired Thu, Jan 16, 2025, 9:00 PM EST", in the person's language
    runtime: str = ""  # "53 min"
    overview: str = ""  # at most OVERVIEW_CHARS

    @property
    def details(self) -> str:
        return " · ".join(part for part in (self.aired, self.runtime) if part)


@dataclass(frozen=True)
class ShowBlock:
    title: str
    episodes: list[EpisodeLine] = field(default_factory=list)
    poster_url: str = ""
    watch_url: str = ""
    request_url: str = ""
    overview: str = ""  # the show's, told only when none of its episodes has one
    request_label: str = REQUESTED  # FOLLOWED for a show the person follows and did not request
    watch_label: str = WATCH  # both in the person's language


def speaks(batch: Batch, look: Look) -> Language:
    """The language of the batch's person: theirs from Jellyseerr, else the admin's default."""
    return language(batch.locale, look.locale)


def shows(batch: Batch, look: Look) -> list[ShowBlock]:
    """The batch by show, in the order the items came, in the person's language."""
    zone, lang = _zone(batch.time_zone), speaks(batch, look)
    grouped: dict[str, list[Item]] = defaultdict(list)
    for item in batch.items:
        grouped[item.show or item.subject].append(item)
    blocks = []
    for title, items in grouped.items():
        lines = [_line(item, zone, lang) for item in items]
        tmdb_id = items[0].tmdb_id
        facts = batch.shows.get(tmdb_id) if tmdb_id is not None else None
        poster = facts.poster_path if facts and facts.poster_path and look.poster_base else ""
        blocks.append(
            ShowBlock(
                title,
                lines,
                poster_url=f"{look.poster_base.rstrip('/')}/{quote(poster.lstrip('/'))}" if poster else "",
                watch_url=(facts.media_url or "") if facts else "",
                request_url=f"{look.jellyseerr_url.rstrip('/')}/tv/{tmdb_id}"
                if look.jellyseerr_url and tmdb_id
                else "",
                overview=trim(facts.overview) if facts and not any(line.overview for line in lines) else "",
                request_label=lang.gettext(REQUESTED if facts is None or facts.requested else FOLLOWED),
                watch_label=lang.gettext(WATCH),
            )
        )
    return blocks


def text(batch: Batch, look: Look, links: Links | None = None) -> str:
    """The message as plain text: no markup, links written out."""
    lang = speaks(batch, look)
    lines = [hello(batch, lang), "", intro(batch, lang), ""]
    for show in shows(batch, look):
        lines.append(show.title)
        lines += _wrap(show.overview, "  ")
        for episode in show.episodes:
            title = f" \u201c{episode.title}\u201d" if episode.title else ""
            lines.append(f"  - {episode.code}{title}")
            lines += _wrap(episode.details, "    ") + _wrap(episode.overview, "    ")
        lines += [f"  {name}: {url}" for name, url in _show_links(show)]
        lines.append("")
    lines.append(lang.gettext(ENJOY))
    if links is not None:
        lines += ["", *(f"{name}: {url}" for name, url in footer(batch, links, lang))]
    return "\n".join(lines)


def markdown(batch: Batch, look: Look, links: Links | None = None) -> str:
    """The message as Markdown (Apprise's ``body_format``; a service without Markdown gets it as text)."""
    lang = speaks(batch, look)
    lines = [hello(batch, lang, escape_markdown), "", intro(batch, lang), ""]
    for show in shows(batch, look):
        lines += [f"**{escape_markdown(show.title)}**", ""]
        if show.overview:
            lines += [f"_{escape_markdown(show.overview)}_", ""]
        for episode in show.episodes:
            title = f" {escape_markdown(episode.title)}" if episode.title else ""
            details = f" \\({escape_markdown(episode.details)}\\)" if episode.details else ""
            lines.append(f"- **{escape_markdown(episode.code)}**{title}{details}")
            if episode.overview:
                lines.append(f"  {escape_markdown(episode.overview)}")
        links_line = " · ".join(f"[{name}]({_markdown_url(url)})" for name, url in _show_links(show))
        lines += ["", links_line] if links_line else []
        lines.append("")
    lines.append(lang.gettext(ENJOY))
    if links is not None:
        found = footer(batch, links, lang)
        lines += ["", " · ".join(f"[{name}]({_markdown_url(url)})" for name, url in found)]
    return "\n".join(lines)


def footer(batch: Batch, links: Links, lang: Language = ENGLISH) -> list[tuple[str, str]]:
    return [
        (lang.gettext("Manage your notifications"), links.manage(batch.user_id, batch.link_key)),
        (lang.gettext("Your calendar of upcoming episodes"), links.calendar(batch.user_id, batch.link_key)),
    ]


def hello(batch: Batch, lang: Language, escape: Callable[[str], str] = str) -> str:
    """``Hi Dana,`` in the person's language, the name escaped by ``escape``."""
    return lang.gettext("Hi {name},").format(name=escape(batch.username))


def intro(batch: Batch, lang: Language) -> str:
    return lang.ngettext(
        "A new episode of a show you requested is ready:",
        "New episodes of shows you requested are ready:",
        len(batch.items),
    )


def escape_markdown(words: str) -> str:
    """``words`` as Markdown that reads as the very words: every character Markdown (CommonMark, and
    Python-Markdown, which Apprise converts with) could take for markup is backslash-escaped, and line
    breaks become spaces (a line starting with ``#`` or ``-`` would be markup too)."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(words.split()))


def trim(words: str, limit: int = OVERVIEW_CHARS) -> str:
    """At most ``limit`` characters, cut at a word, ``…`` when cut; one line."""
    words = " ".join(words.split())
    if len(words) <= limit:
        return words
    cut = words[: limit - 1]
    if words[limit - 1] != " ":  # the cut is inside a word: leave that word out
        cut = cut.rsplit(" ", 1)[0]
    cut = cut.rstrip(",;:.-\u2013\u2014 ")
    return f"{cut}…"


def _line(item: Item, zone: tzinfo, lang: Language) -> EpisodeLine:
    if item.season is None or item.number is None:
        return EpisodeLine(lang.gettext(item.body))  # words of ours (the test message), or as stored
    facts = item.facts
    aired = ""
    if facts.air_at:
        aired = lang.gettext("aired {when}").format(when=lang.when(facts.air_at, zone))
    elif item.air_date:
        aired = lang.gettext("aired {when}").format(when=lang.day(item.air_date))
    return EpisodeLine(
        f"S{item.season:02d}E{item.number:02d}",
        " ".join((item.episode_title or "").split()),
        aired,
        lang.minutes(facts.runtime) if facts.runtime else "",
        trim(facts.overview or ""),
    )


def _wrap(words: str, indent: str) -> list[str]:
    """``words`` as lines of at most PLAIN_WIDTH columns, each indented; none for no words."""
    return textwrap.wrap(
        words,
        PLAIN_WIDTH,
        initial_indent=indent,
        subsequent_indent=indent,
        break_long_words=False,  # an address in an overview stays whole
        break_on_hyphens=False,
    )


def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name) if name and name != "UTC" else UTC
    except (ZoneInfoNotFoundError, ValueError):
        return UTC  # a zone this machine does not know: UTC, and the times say so


def _show_links(show: ShowBlock) -> list[tuple[str, str]]:
    found = [(show.watch_label, show.watch_url), (show.request_label, show.request_url)]
    return [(name, url) for name, url in found if url]


def _markdown_url(url: str) -> str:
    """A link target Markdown cannot end early: spaces and parentheses percent-encoded."""
    return quote(url, safe=":/?#[]@!$&'*+,;=%~-._")
