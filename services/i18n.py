"""A person's language: the words of their messages, pages and calendar (gettext catalogs, Babel), and
their dates, times and numbers (Babel's CLDR data).

The catalogs are ``services/locales/<language>/LC_MESSAGES/messages.po``; English is the source language
(the words in the code), so it needs none. The ``.po`` files are read (and compiled in memory, fuzzy
entries left out) the first time a language is asked for: no compiled ``.mo`` is kept in the repository
or built by ``make`` or the Dockerfile, so a fresh clone, ``pip install .`` and the image all work as
they are, and a compiled file can never be older than its ``.po``.

A person's language is Jellyseerr's ``settings.locale`` for them (``pt-BR``, ``zh-Hant``, ``de``…) when
set, else the admin's ``AIRDATE_DEFAULT_LOCALE``. :func:`language` maps either to the best catalog there
is (``de-AT`` → German, with Austrian dates), falling back to the default's.
"""

from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from functools import cache, lru_cache
from gettext import NullTranslations
from io import BytesIO
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.core import negotiate_locale
from babel.dates import format_date, format_datetime, format_skeleton, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations
from babel.units import format_unit

SOURCE = "en"  # the language of the words in the code
LOCALES = Path(__file__).with_name("locales")
DOMAIN = "messages"
ZONE_NAMES_KEPT = 1024
_ZONE_NAMES: dict[tuple, str] = {}  # (locale, zone, abbreviation, offset): the zone's short name


def N_(message: str) -> str:
    """Marks words for extraction (pybabel) that are translated later, where the person is known."""
    return message


@cache
def catalogs() -> tuple[str, ...]:
    """The languages Airdate speaks: English and each catalog under ``services/locales``."""
    found = {path.parent.parent.name for path in LOCALES.glob(f"*/LC_MESSAGES/{DOMAIN}.po")}
    return tuple(sorted(found | {SOURCE}))


def parse(code: str) -> Locale | None:
    """``pt-BR``, ``pt_BR``, ``zh-Hant`` → Babel's Locale; None for an empty or unknown code."""
    code = code.strip().replace("-", "_")
    if not code:
        return None
    try:
        return Locale.parse(code)
    except (UnknownLocaleError, ValueError, TypeError):
        return None


def best_catalog(code: str) -> str | None:
    """The catalog that speaks ``code`` (``de_AT`` → ``de``); None when none does."""
    locale = parse(code)
    if locale is None:
        return None
    wanted = [
        str(locale),
        f"{locale.language}_{locale.territory}" if locale.territory else "",
        locale.language,
    ]
    return negotiate_locale([w for w in wanted if w], catalogs())


def check_default(code: str) -> str:
    """An admin's default locale, or ValueError with the one line that says what is wrong."""
    if parse(code) is None:
        raise ValueError(f"{code!r} is not a locale (e.g. en, de, fr, es, pt-BR); Airdate speaks {_spoken()}")
    if best_catalog(code) is None:
        raise ValueError(f"Airdate has no catalog for {code!r}; it speaks {_spoken()}")
    return code


@dataclass(frozen=True)
class Language:
    """The words, dates and numbers of one person's language."""

    catalog: str  # the catalog's language: en, de, fr, es…
    locale: Locale  # for dates and numbers (de_AT when the person's locale is Austrian German)
    translations: NullTranslations

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, count: int) -> str:
        return self.translations.ngettext(singular, plural, count)

    def when(self, moment: datetime, zone: tzinfo) -> str:
        """A date and time in ``zone``, as the locale writes them, with the zone's short name:
        ``Thu, Jan 16, 2025, 9:00 PM EST`` (en), ``Do., 16. Jan. 2025, 21:00 EST`` (de)."""
        local = moment.astimezone(zone)
        day = format_skeleton("yMMMEd", local, locale=self.locale)
        hour = f"{format_time(local, 'short', locale=self.locale)} {self._zone_name(local)}"
        pattern = self.locale.datetime_formats.get("medium", "{1} {0}")
        return str(pattern).replace("{1}", day).replace("{0}", hour)

    def day(self, day: date) -> str:
        """``Jan 16, 2025`` (en), ``16.01.2025`` (de): a day without a time."""
        return format_date(day, "medium", locale=self.locale)

    def _zone_name(self, local: datetime) -> str:
        """The locale's short name of the zone when it has one (MEZ in German), else the zone's own
        abbreviation (CET, EST, UTC) rather than CLDR's fallback, an offset like ``+0100``. Kept per
        locale, zone and its state then (Babel's lookup was a third of writing an e-mail)."""
        key = (str(self.locale), str(local.tzinfo), local.tzname(), local.utcoffset())
        named = _ZONE_NAMES.get(key)
        if named is None:
            named = format_datetime(local, "z", locale=self.locale)
            named = named if named.isalpha() else local.tzname() or "UTC"
            if len(_ZONE_NAMES) >= ZONE_NAMES_KEPT:  # zones come from users: not trusted to be few
                _ZONE_NAMES.clear()
            _ZONE_NAMES[key] = named
        return named

    def minutes(self, count: int) -> str:
        """``53 min`` (en), ``53 Min.`` (de)."""
        return format_unit(count, "duration-minute", length="short", locale=self.locale)

    def number(self, count: int) -> str:
        return format_decimal(count, locale=self.locale)


def language(code: str | None, default: str = SOURCE) -> Language:
    """The language of a person whose locale is ``code`` ("" or None: none set) on an Airdate whose
    admin chose ``default``."""
    return _language(code or "", default or SOURCE)


@lru_cache(maxsize=256)  # keyed by what Jellyseerr says: a few codes, but not trusted to be few
def _language(code: str, default: str) -> Language:
    for wanted in (code, default):
        catalog = best_catalog(wanted)
        locale = parse(wanted)
        if catalog and locale:
            if locale.language != Locale.parse(catalog).language:  # negotiated through an alias
                locale = Locale.parse(catalog)
            return Language(catalog, locale, _translations(catalog))
    return Language(SOURCE, Locale.parse(SOURCE), NullTranslations())


@cache
def _translations(catalog: str) -> NullTranslations:
    po = LOCALES / catalog / "LC_MESSAGES" / f"{DOMAIN}.po"
    if catalog == SOURCE or not po.exists():
        return NullTranslations()
    with po.open("rb") as source:
        parsed = read_po(source, locale=catalog, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, parsed, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def _spoken() -> str:
    return ", ".join(catalogs())


ENGLISH = language(SOURCE)
