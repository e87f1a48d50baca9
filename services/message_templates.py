"""The Messages page's use cases: the admin's templates, saved (checked first, audited, versioned: the
last ten kept), restored, previewed on the next real batch of a person; and, for sending, the templates
in force (:class:`MessageTemplates` is the :class:`services.templating.Wording` the mailer and the
notifier ask).

Sending reads the templates from memory: they are read again after a save here, and every
:data:`FRESH` seconds (another replica's save). A template that fails at send time gives way to the
built-in words, and one log line says why: a message is never lost to a template.
"""

import asyncio
import logging
import re
import time
from dataclasses import dataclass, field, replace
from typing import Any

from data import Database, DatabaseError, outbox, templates
from data.batches import Batch
from data.templates import Version

from . import templating, units
from .links import Links
from .mailer import compose
from .message import Look, markdown, speaks
from .templating import KINDS, TemplateError, render, variables

log = logging.getLogger("airdate.messages")
audit = logging.getLogger("airdate.audit")
FRESH = 30.0  # seconds sending trusts its copy of the templates before reading them again
LOCALE_CHARS = 35  # "de", "pt-BR", "zh-Hant-TW": a BCP 47 tag or "" (every language)


class NotFound(LookupError):
    pass


@dataclass(frozen=True)
class Rendered:
    """A preview: each part as it would go, and why a draft gave way to the built-in words."""

    person: str  # whose batch ("sample data" when none is pending)
    subject: str
    text: str
    html: str
    markdown: str
    errors: dict[str, str] = field(default_factory=dict)  # by kind


class MessageTemplates:
    def __init__(self, database: Database, *, fresh: float = FRESH) -> None:
        self.database = database
        self.fresh = fresh
        self._sources: dict[tuple[str, str], str] = {}
        self._read_at = float("-inf")  # monotonic

    # -- sending ---------------------------------------------------------------------------------------

    async def ready(self) -> None:
        """Read the templates in force again if the copy is older than ``fresh`` (before sending)."""
        if time.monotonic() - self._read_at > self.fresh:
            try:
                await self._reload()
            except DatabaseError as error:  # the copy in hand goes on (sending says what else failed)
                log.warning("could not read the message templates again, the last ones read stay: %s", error)

    def render(self, kind: str, batch: Batch, look: Look, links: Links | None) -> str | None:
        source = next(
            (self._sources[key] for key in _keys(kind, batch, look) if self._sources.get(key)), None
        )
        if not source:
            return None
        try:
            return render(kind, source, variables(batch, look, links)) or None
        except TemplateError as error:
            log.warning(
                "the %s template failed for %s, the built-in one went instead: %s",
                KINDS[kind],
                batch.username,
                error,
            )
            return None

    # -- the Messages page -----------------------------------------------------------------------------

    async def people(self) -> list[tuple[int, str]]:
        """(id, name) of the people whose next batch a preview may use."""
        return await asyncio.to_thread(self.database.read, templates.people)

    async def versions(self, kind: str, locale: str = "") -> list[Version]:
        """The kept versions of a template, newest (the one in force) first."""
        _check(kind, locale)
        return await asyncio.to_thread(self.database.read, templates.versions, kind, locale)

    async def save(self, kind: str, source: str, *, by: str, locale: str = "") -> Version:
        """A new version in force ("": back to the built-in words); TemplateError (nothing saved) if it
        would not render."""
        _check(kind, locale)
        templating.check(kind, source)
        version = await asyncio.to_thread(self.database.write, templates.save, kind, locale, source, by)
        done = "changed" if source.strip() else "emptied (the built-in words again)"
        audit.info("%s %s", by, _what(kind, locale, done))
        await self._reload()
        return version

    async def restore(self, version_id: int, *, by: str) -> Version:
        """An old version in force again, as a new version; NotFound if it is no longer kept."""
        old = await asyncio.to_thread(self.database.read, templates.find, version_id)
        if old is None:
            raise NotFound(f"no kept template version {version_id}")
        templating.check(old.kind, old.source)
        version = await asyncio.to_thread(
            self.database.write, templates.save, old.kind, old.locale, old.source, by
        )
        restored = _what(old.kind, old.locale, "restored")
        audit.info("%s %s (version %d, by %s)", by, restored, old.id, old.author)
        await self._reload()
        return version

    async def preview(
        self, drafts: dict[str, str], user_id: int | None, look: Look, links: Links | None
    ) -> Rendered:
        """Every part of the message ``drafts`` (by kind; a missing or empty one: the built-in words)
        would make of the person's next e-mail batch, or of sample data when nothing is pending."""
        for kind in drafts:
            _check(kind, "")
        batch = None
        if user_id is not None:
            batch = await asyncio.to_thread(self.database.read, outbox.next_batch, user_id)
        person = f"{batch.username}'s next e-mail" if batch and batch.items else "sample data"
        words = _Drafts(drafts)
        if batch is None or not batch.items:
            batch, links = templating.SAMPLE_BATCH, None
            # No posters for sample data: the console's Content-Security-Policy (img-src 'self' data:)
            # holds in the preview's frame too, and would refuse TMDB's each time the page opens. (A real
            # batch's posters are refused there as well, as in the Users page's preview: alt text shows.)
            look = replace(look, poster_base="")
            words.values = templating.sample(look)
        message = compose(batch, "Airdate <airdate@example.org>", links, look, words)
        text_part, html_part = message.get_body(("plain",)), message.get_body(("html",))
        assert text_part is not None and html_part is not None
        short = words.render("markdown", batch, look, links) or markdown(batch, look, links)
        return Rendered(
            person,
            str(message["Subject"]),
            text_part.get_content(),
            html_part.get_content(),
            short,
            words.errors,
        )

    async def _reload(self) -> None:
        started = time.monotonic()
        self._sources = await asyncio.to_thread(units.read, self.database, templates.in_force)
        self._read_at = started


class _Drafts:
    """Unsaved templates: each renders, or records why not and leaves the built-in words."""

    def __init__(self, drafts: dict[str, str]) -> None:
        self.drafts = drafts
        self.errors: dict[str, str] = {}
        self.values: dict[str, Any] | None = None  # sample data instead of the batch's own

    async def ready(self) -> None:
        pass  # drafts are all in memory

    def render(self, kind: str, batch: Batch, look: Look, links: Links | None) -> str | None:
        source = self.drafts.get(kind, "")
        if not source.strip():
            return None
        try:
            return render(kind, source, self.values or variables(batch, look, links)) or None
        except TemplateError as error:
            self.errors[kind] = str(error)
            return None


def _keys(kind: str, batch: Batch, look: Look) -> list[tuple[str, str]]:
    """Where a person's template is, best first: their very locale (``de-AT``), its language (``de``),
    the language they are written to in (the admin's default when they have none), every language."""
    tags = [batch.locale, batch.locale.replace("_", "-").split("-")[0], speaks(batch, look).catalog]
    return [(kind, tag) for tag in dict.fromkeys([*filter(None, tags), ""])]


def _check(kind: str, locale: str) -> None:
    if kind not in KINDS:
        raise TemplateError(f"no such template: {kind!r} (one of {', '.join(KINDS)})")
    if len(locale) > LOCALE_CHARS or not re.fullmatch(r"[A-Za-z0-9_-]*", locale):
        raise TemplateError(f"{locale!r} is no language tag (e.g. de, pt-BR; empty: every language)")


def _what(kind: str, locale: str, done: str) -> str:
    """As the audit line says it: "changed the e-mail text template for de"."""
    name = KINDS[kind].removesuffix(" (channels)")
    return f"{done} the {name} template" + (f" for {locale}" if locale else "")
