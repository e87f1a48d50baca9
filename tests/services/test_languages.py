"""Each person's messages in their language: the subject, greeting and intro with their plurals, air
times as the locale writes them, runtimes as its numbers, link labels; a hostile title stays its own
characters in every language; a person's locale (Jellyseerr's ``settings.locale``) maps to the best
catalog, else the admin's default."""

from dataclasses import replace
from datetime import UTC, datetime

import pytest
from apprise import NotifyFormat
from apprise.conversion import convert_between

from data.batches import Batch
from data.upcoming import UpcomingEpisode
from services import i18n, mailer
from services.calendar import build
from services.i18n import language
from services.message import markdown, text
from services.notifier import TEST_ITEM
from settings import ConfigurationError
from settings.model import Settings

from ..utils.messages import HOSTILE, hostile_batch, look_at, showcase_batch
from .test_message_escaping import Elements

# language → (subject of one, of three, the intro of one, of several, a label, the first air time, runtime)
SAYS = {
    "en": (
        "New episode: Severance S02E01",
        "3 new episodes: Severance, The Lighthouse Keepers",
        "A new episode of a show you requested is ready:",
        "New episodes of shows you requested are ready:",
        "Watch now",
        "aired Fri, Jan 24, 2025, 3:00\u202fAM CET",
        "52 min",
    ),
    "de": (
        "Neue Folge: Severance S02E01",
        "3 neue Folgen: Severance, The Lighthouse Keepers",
        "Eine neue Folge einer Serie, die du angefragt hast, ist da:",
        "Neue Folgen von Serien, die du angefragt hast, sind da:",
        "Jetzt ansehen",
        "ausgestrahlt: Fr., 24. Jan. 2025, 03:00 MEZ",
        "52 Min.",
    ),
    "fr": (
        "Nouvel épisode : Severance S02E01",
        "3 nouveaux épisodes : Severance, The Lighthouse Keepers",
        "Un nouvel épisode d\u2019une série que vous avez demandée est disponible :",
        "De nouveaux épisodes de séries que vous avez demandées sont disponibles :",
        "Regarder maintenant",
        "diffusé : ven. 24 janv. 2025, 03:00 CET",
        "52\u00a0min",
    ),
    "es": (
        "Nuevo episodio: Severance S02E01",
        "3 episodios nuevos: Severance, The Lighthouse Keepers",
        "Ya está disponible un episodio nuevo de una serie que pediste:",
        "Ya están disponibles episodios nuevos de series que pediste:",
        "Ver ahora",
        "emitido: vie, 24 ene 2025, 3:00 CET",
        "52 min",
    ),
}
JINJA = "{{ 7*7 }} {name} {0} {% if 1 %}x{% endif %}"


@pytest.mark.parametrize("locale", sorted(SAYS))
def test_a_batch_of_one_and_of_several_in_each_language(locale: str) -> None:
    one_subject, subject, one_intro, intro, watch, aired, runtime = SAYS[locale]
    several = replace(showcase_batch(), locale=locale)
    one = replace(several, items=several.items[:1])
    assert mailer.subject(one, look_at()) == one_subject
    assert mailer.subject(several, look_at()) == subject
    for batch, words in ((one, one_intro), (several, intro)):
        message = mailer.compose(batch, "Airdate <airdate@example.org>", look=look_at())
        plain = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert words in plain and words in Elements(html).text
        assert words in markdown(batch, look_at())
    plain = text(several, look_at())
    assert f"{aired} · {runtime}" in plain
    assert f"{watch}: https://jellyfin.example.org/" in plain
    html = mailer.compose(several, "a@example.org", look=look_at()).get_body(("html",)).get_content()
    assert f'<html lang="{locale}">' in html and f">{watch}</a>" in html


@pytest.mark.parametrize("locale", sorted(SAYS))
def test_a_hostile_title_stays_text_in_every_language(locale: str) -> None:
    hostile = hostile_batch()
    items = [replace(item, show=f"{HOSTILE} {JINJA}", episode_title=JINJA) for item in hostile.items]
    batch = replace(hostile, items=items, locale=locale, username=JINJA)
    name = f"{HOSTILE} {JINJA}"
    message = mailer.compose(batch, "Airdate <airdate@example.org>", look=look_at())
    assert name in str(message["Subject"])
    plain = message.get_body(("plain",)).get_content()
    page = Elements(message.get_body(("html",)).get_content())
    rendered = Elements(convert_between(NotifyFormat.MARKDOWN, NotifyFormat.HTML, markdown(batch, look_at())))
    for words in (plain, page.text, rendered.text):
        assert name in words and JINJA in words
        assert "49" not in words, "no template was evaluated"
    assert {tag for tag, _ in page.tags} <= {
        "html", "head", "meta", "title", "style", "body", "table", "tr", "td", "p", "h2", "div", "strong",
        "img", "a",
    }  # fmt: skip


def test_a_locale_maps_to_the_best_catalog_else_the_default() -> None:
    austrian = language("de-AT")
    assert (austrian.catalog, str(austrian.locale)) == ("de", "de_AT"), "German words, Austrian dates"
    assert language("fr").gettext("Watch now") == "Regarder maintenant"
    assert language("pt-BR", "es").catalog == "es", "no Portuguese catalog: the admin's default"
    assert language("zh-Hant", "fr").catalog == "fr"
    assert language("", "de").catalog == "de", "none set in Jellyseerr: the admin's default"
    assert language("not a locale!", "en").catalog == "en"
    assert language("es_MX").catalog == "es"
    assert language(None).gettext("Watch now") == "Watch now"


def test_plurals_follow_each_languages_rules() -> None:
    french = language("fr")
    words = ("{count} new episode: {shows}", "{count} new episodes: {shows}")
    assert french.ngettext(*words, 0).startswith("{count} nouvel"), "French: 0 is singular"
    assert language("de").ngettext(*words, 0).startswith("{count} neue Folgen"), "German: 0 is plural"
    assert language("de").number(1234) == "1.234" and language("fr").number(1234) == "1\u202f234"


def test_the_calendar_speaks_the_persons_language() -> None:
    finale = UpcomingEpisode(
        95396, "Severance", 2, 10, "Cold Harbor", datetime(2025, 3, 21, 1, tzinfo=UTC), 52, "season"
    )
    feed = build("mark", 1, [finale], datetime(2025, 3, 1, tzinfo=UTC), language("de")).to_ical().decode()
    assert "DESCRIPTION:Staffelfinale" in feed
    assert "X-WR-CALDESC:Neue Folgen deiner Serien" in feed


def test_the_admins_default_must_be_a_language_airdate_speaks() -> None:
    assert Settings().messages.default_locale == "en"
    assert Settings.from_flat(default_locale="de-CH").messages.default_locale == "de-CH"
    for wrong, says in (("klingon!", "is not a locale"), ("it", "has no catalog for 'it'")):
        with pytest.raises((ConfigurationError, ValueError), match=says):
            Settings.from_flat(default_locale=wrong)
    assert i18n.check_default("es") == "es"


def test_the_test_message_speaks_the_persons_language() -> None:
    batch = Batch(1, "mark", "mark@example.org", [TEST_ITEM], owner="", locale="de")
    assert mailer.subject(batch) == "Airdate-Testbenachrichtigung"
    assert "Dies ist ein Test von Airdate." in text(batch, look_at())
    assert mailer.subject(replace(batch, locale="")) == "Airdate test notification"
