"""Every word a person reads in their language is translated: the messages extracted from the code (as
``make messages`` extracts them, by babel.cfg) are each in every catalog, translated (not empty, not
fuzzy), with the same ``{placeholders}`` and every plural form; and the template is up to date."""

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from services import i18n

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("de", "fr", "es")
PLACEHOLDER = re.compile(r"\{(\w*)\}")
SKIPPED = {".venv", "tests", "node_modules", ".git", "build"}


def extracted() -> dict[str | tuple[str, str], str]:
    """msgid (or (singular, plural)) → where it is, from the code as babel.cfg says."""
    with (ROOT / "babel.cfg").open() as config:
        method_map, options_map = parse_mapping_cfg(config)
    found = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        ROOT,
        method_map,
        options_map,
        keywords={"gettext": None, "ngettext": (1, 2), "N_": None, "_": None},
        directory_filter=lambda path: Path(path).name not in SKIPPED,
    ):
        found[message] = f"{filename}:{lineno}"
    return found


def catalog(language: str) -> Catalog:
    with (i18n.LOCALES / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=language)


def placeholders(words: str) -> set[str]:
    return set(PLACEHOLDER.findall(words))


def test_the_code_has_words_to_translate_and_the_template_has_them_all() -> None:
    code = extracted()
    assert len(code) > 40, "the extraction found the code's words"
    with (i18n.LOCALES / "messages.pot").open("rb") as pot:
        template = {message.id for message in read_po(pot) if message.id}
    assert set(code) - template == set(), "run `make messages`: the template misses words of the code"


def problems(translated: Catalog) -> list[str]:
    """What is wrong with a catalog against the code's messages."""
    found = []
    for message_id, where in extracted().items():
        entry = translated.get(message_id)
        if entry is None:
            found.append(f"missing: {message_id!r} ({where})")
            continue
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        ids = message_id if isinstance(message_id, tuple) else (message_id,)
        if entry.fuzzy or not all(strings):
            found.append(f"untranslated or fuzzy: {message_id!r} ({where})")
        if isinstance(message_id, tuple) and len(strings) != translated.num_plurals:
            found.append(f"{len(strings)} plural forms, {translated.num_plurals} needed: {message_id!r}")
        if any(placeholders(s) != placeholders(ids[0]) for s in strings):
            found.append(f"placeholders differ: {message_id!r} → {strings!r}")
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_of_the_code_is_translated_in(language: str) -> None:
    assert problems(catalog(language)) == []


def test_a_missing_fuzzy_or_broken_translation_is_caught() -> None:
    """The check above can fail: one message left out, one fuzzy, one that lost its placeholder."""
    translated = catalog("de")
    translated.delete("Watch now")
    translated["Enjoy watching!"].flags.add("fuzzy")
    translated["Hi {name},"].string = "Hallo,"
    assert sorted(problem.split(":")[0] for problem in problems(translated)) == [
        "missing",
        "placeholders differ",
        "untranslated or fuzzy",
    ]


def test_airdate_speaks_english_and_each_catalog() -> None:
    assert set(i18n.catalogs()) >= {"en", *LANGUAGES}
