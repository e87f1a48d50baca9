"""The admin's words (issue 25, point 4): templates checked on save (nothing saved when they would not
render), versioned (ten kept, restore is a new version), audited, used when sending by e-mail (a real
SMTP server) and on a json:// channel, and giving way to the built-in words when they fail at send time
— with one log line, never a lost message. Values stay text whatever they hold, and the sandbox holds."""

import logging
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from data import Database, preferences, templates
from services import mailer
from services.mailer import Smtp
from services.message import Look
from services.message_templates import MessageTemplates, NotFound
from services.notifier import Notifier
from services.sample_message import SAMPLE_BATCH
from services.templating import TemplateError, render, sample, variables
from standins.smtp import Sink
from standins.webhook_sink import WebhookSink

from ..utils.database import unplugged
from ..utils.factories import land_episode, make_tracked_show

HOSTILE = "<script>alert(1)</script> **md** {{ 7*7 }} {% raw %} [x](javascript:y)"
SENDER = "Airdate <airdate@example.org>"


@pytest.fixture
def words(database: Database) -> MessageTemplates:
    return MessageTemplates(database)


@pytest.fixture
def hooks() -> Iterator[WebhookSink]:
    with WebhookSink() as sink:
        yield sink


def notifier(database: Database, port: int, words: MessageTemplates) -> Notifier:
    smtp = Smtp("127.0.0.1", port, "none", "", "", SENDER)
    return Notifier(database, smtp, grouping_delay=0, attempts=2, backoff=0, words=words)


def kept(database: Database, kind: str = "subject") -> list[str]:
    return [version.source for version in database.read(templates.versions, kind, "")]


@pytest.mark.parametrize(
    ("source", "said"),
    [
        (
            "Hi {{ person.name }}\n{% for show in shows %}{{ show.title }}",
            "line 2: Unexpected end of template",
        ),
        ("Hi\n\n{{ persn.name }}", "line 3: unknown variable 'persn'"),
        (
            "{% for show in shows %}\n{{ show.titel }}{% endfor %}",
            "line 2: 'dict object' has no attribute 'titel'",
        ),
        ("{{ ''.__class__.__mro__ }}", "line 1: access to attribute '__class__' of 'str' object is unsafe"),
        ("{{ shows.append(1) }}", "unsafe"),
        ("{{ 'x' * 99999999 }}", "repeating more than 10000 times is refused"),
        ("{{ person.name.__init__.__globals__ }}", "unsafe"),
        ("{% for a in range(9999) %}{% for b in range(9999) %}{% endfor %}{% endfor %}", "more than 200000"),
        ("{% for a in range(999) %}{{ 'ab' * 9999 }}{% endfor %}", "more than 200000 items"),
        ("{{ lipsum(99999) }}", "unknown variable 'lipsum'"),
    ],
)
async def test_a_template_that_would_not_render_is_refused_with_its_line_and_nothing_is_saved(
    database: Database, words: MessageTemplates, source: str, said: str
) -> None:
    with pytest.raises(TemplateError) as refused:
        await words.save("subject", source, by="alice")
    assert said in str(refused.value)
    assert kept(database) == []


async def test_ten_versions_are_kept_and_restoring_one_is_a_new_version(
    database: Database, words: MessageTemplates, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, "airdate.audit")
    for number in range(12):
        await words.save("subject", f"Version {number} for {{{{ person.name }}}}", by="alice")
    versions = await words.versions("subject")
    assert [v.source.split()[1] for v in versions] == [str(n) for n in range(11, 1, -1)], "the last ten"
    assert caplog.messages[-1] == "alice changed the subject template"

    restored = await words.restore(versions[-1].id, by="bob")  # version 2
    after = await words.versions("subject")
    assert len(after) == 10 and after[0] == restored and restored.author == "bob"
    assert restored.source == "Version 2 for {{ person.name }}" and restored.id > versions[0].id
    assert caplog.messages[-1] == f"bob restored the subject template (version {versions[-1].id}, by alice)"
    with pytest.raises(NotFound):
        await words.restore(versions[-1].id + 10_000, by="bob")


async def test_the_templates_go_out_by_email_and_on_a_channel(
    database: Database, sink: tuple[Sink, int], hooks: WebhookSink, words: MessageTemplates
) -> None:
    (fan,) = make_tracked_show(database, tmdb_id=3, requesters=1)
    url = f"json://127.0.0.1:{hooks.port}/fan"
    database.write(preferences.add_channel, fan, url, url)
    land_episode(database, 3, 1, 4)
    await words.save(
        "subject", "{{ person.name }}: {{ episodes[0].show }} {{ episodes[0].code }}", by="alice"
    )
    await words.save("html", "<p>{% for e in episodes %}<b>{{ e.code }}</b>{% endfor %}</p>", by="alice")
    await words.save("text", "Plain {{ episodes|length }}", by="alice")
    await words.save("markdown", "**{{ shows[0].title }}** {{ episodes[0].title }}", by="alice")

    progress = await notifier(database, sink[1], words).send_due(now_please=True)
    assert progress.counts["sent"] == 2
    (mail,) = sink[0].received
    assert mail.subject == "fan3_0: Show 3 S01E04"
    assert mail.html.strip() == "<p><b>S01E04</b></p>" and mail.text.strip() == "Plain 1"
    (hit,) = hooks.hits
    assert hit.json()["title"] == "fan3_0: Show 3 S01E04"
    assert hit.json()["message"] == "**Show 3** Episode 4"


async def test_a_template_failing_at_send_time_gives_way_to_the_built_in_words_and_says_why(
    database: Database, sink: tuple[Sink, int], words: MessageTemplates, caplog: pytest.LogCaptureFixture
) -> None:
    make_tracked_show(database, tmdb_id=4, requesters=1)
    land_episode(database, 4, 2, 1)
    database.write(templates.save, "html", "", "{% broken", "someone with SQL")  # never checked
    await words.save("subject", "Second show: {{ shows[1].title }}", by="alice")  # the sample has two
    caplog.set_level(logging.WARNING, "airdate.messages")

    await notifier(database, sink[1], words).send_due(now_please=True)
    (mail,) = sink[0].received
    assert mail.subject == "New episode: Show 4 S02E01"  # the built-in one
    assert "Show 4" in mail.html and "<table" in mail.html, "the built-in HTML"
    failures = [r.getMessage() for r in caplog.records if r.name == "airdate.messages"]
    assert len(failures) == 2, failures
    assert "the subject template failed for fan4_0, the built-in one went instead: line 1:" in failures[0]
    assert "the e-mail HTML template failed for fan4_0" in failures[1] and "line 1" in failures[1]


@pytest.mark.parametrize("kind", ["html", "markdown", "text", "subject"])
def test_a_hostile_title_stays_literal_text(kind: str) -> None:
    first = SAMPLE_BATCH.items[0]
    batch = replace(
        SAMPLE_BATCH, items=[replace(first, show=HOSTILE, episode_title=HOSTILE)], username=HOSTILE
    )
    values = variables(batch, Look(), None)
    out = render(kind, "{{ person.name }}|{{ shows[0].title }}|{{ episodes[0].title }}", values)
    if kind == "html":
        assert "<script>" not in out and out.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 3
        assert out.count("{{ 7*7 }} {% raw %}") == 3
    elif kind == "markdown":
        escaped = (
            r"\<script\>alert\(1\)\</script\> \*\*md\*\* \{\{ 7\*7 \}\} \{% raw %\} \[x\]\(javascript:y\)"
        )
        assert out == "|".join([escaped] * 3)
    else:
        assert out == "|".join([HOSTILE] * 3), "plain text: exactly the words"


def test_links_stay_links_in_markdown_and_attributes_in_html() -> None:
    values = sample()
    assert render("markdown", "[Manage]({{ links.manage }})", values) == (
        "[Manage](https://airdate.example.org/manage/1)"
    )
    html = render("html", '<a href="{{ shows[0].poster_url }}">', values)
    assert html == '<a href="https://image.tmdb.org/t/p/w342/pqzjCxPVc9TkVgGRWeAoMmyqkZV.jpg">'


async def test_sending_reads_the_templates_from_memory_not_per_message(
    database: Database, words: MessageTemplates
) -> None:
    await words.save("subject", "Cached {{ episodes|length }}", by="alice")
    database.write(templates.save, "subject", "", "Sneaked in", "someone with SQL")
    message = mailer.compose(SAMPLE_BATCH, SENDER, words=words)
    assert message["Subject"] == "Cached 3", "the copy read at the save"
    words.fresh = 0
    await words.ready()
    assert mailer.compose(SAMPLE_BATCH, SENDER, words=words)["Subject"] == "Sneaked in"


async def test_the_preview_renders_drafts_on_the_next_batch_or_sample_data(
    database: Database, words: MessageTemplates
) -> None:
    (fan,) = make_tracked_show(database, tmdb_id=6, requesters=1)
    drafts = {"subject": "For {{ person.name }}", "markdown": "{{ person.nope }}"}
    sampled = await words.preview(drafts, fan, Look(), None)
    assert (sampled.person, sampled.subject) == ("sample data", "For Sam Sample")
    assert sampled.errors == {"markdown": "line 1: 'dict object' has no attribute 'nope'"}
    assert "Hi Sam Sample" in sampled.markdown, "the built-in short form meanwhile"
    land_episode(database, 6, 1, 1)
    real = await words.preview(drafts, fan, Look(), None)
    assert (real.person, real.subject) == ("fan6_0's next e-mail", "For fan6_0")
    assert kept(database) == [], "a preview saves nothing"


def test_the_readme_documents_every_variable_and_its_example_renders() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("## Messages page", 1)[1].split("\n## ", 1)[0]
    for name, fields in sample().items():
        assert f"`{name}`" in section, name
        for field in fields if isinstance(fields, dict) else fields[0]:
            assert f"`{field}`" in section, f"{name}.{field}"
    example = section.split("```jinja\n", 1)[1].split("```", 1)[0]
    parts = re.split(r"\{# (.+?) #\}\n", example)[1:]
    kinds = {"Subject": "subject", "Short form (channels)": "markdown"}
    assert [title for title in parts[::2]] == list(kinds)
    for title, source in zip(parts[::2], parts[1::2], strict=True):
        assert render(kinds[title], source.strip("\n"), sample()), title


async def test_a_database_that_does_not_answer_keeps_the_templates_read_last(
    database: Database, words: MessageTemplates, caplog: pytest.LogCaptureFixture
) -> None:
    await words.save("subject", "Kept {{ episodes|length }}", by="alice")
    words.fresh = 0
    caplog.set_level(logging.WARNING, "airdate.messages")
    with unplugged(database):
        await words.ready()
    assert mailer.compose(SAMPLE_BATCH, SENDER, words=words)["Subject"] == "Kept 3"
    (said,) = [r.getMessage() for r in caplog.records if r.name == "airdate.messages"]
    assert said.startswith("could not read the message templates again, the last ones read stay:")


async def test_a_languages_template_reaches_everyone_written_to_in_that_language(
    words: MessageTemplates,
) -> None:
    await words.save("subject", "Neue Folgen für {{ person.name }}", by="alice", locale="de")
    await words.save("subject", "For {{ person.name }}", by="alice")
    austrian, french = replace(SAMPLE_BATCH, locale="de-AT"), replace(SAMPLE_BATCH, locale="fr")
    nobody_said, german_default = replace(SAMPLE_BATCH, locale=""), Look(locale="de")
    assert mailer.compose(austrian, SENDER, words=words)["Subject"] == "Neue Folgen für Sam Sample"
    assert mailer.compose(french, SENDER, words=words)["Subject"] == "For Sam Sample"
    assert mailer.compose(nobody_said, SENDER, words=words)["Subject"] == "For Sam Sample"
    defaulted = mailer.compose(nobody_said, SENDER, look=german_default, words=words)
    assert defaulted["Subject"] == "Neue Folgen für Sam Sample", "the admin's default language's template"
