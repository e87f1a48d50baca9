"""A show, an episode, an overview or a user name made of HTML, Markdown or template syntax is shown as
those characters in every message: the e-mail's HTML and plain parts and the Markdown of other channels."""

from html.parser import HTMLParser

from apprise import NotifyFormat
from apprise.conversion import convert_between

from services import mailer
from services.message import escape_markdown, markdown, text, trim

from ..utils.messages import HOSTILE, hostile_batch, look_at


class Elements(HTMLParser):
    """The elements of a document and its text, as a browser would parse them."""

    def __init__(self, document: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.words: list[str] = []
        self.feed(document)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.words.append(data)

    @property
    def text(self) -> str:
        return "".join(self.words)


def test_a_hostile_show_stays_text_in_the_emails_html() -> None:
    message = mailer.compose(hostile_batch(), "Airdate <airdate@example.org>", look=look_at())
    page = Elements(message.get_body(("html",)).get_content())
    assert {tag for tag, _ in page.tags} <= {
        "html", "head", "meta", "title", "style", "body", "table", "tr", "td", "p", "h2", "div", "strong",
        "img", "a",
    }  # fmt: skip
    (poster,) = [attrs for tag, attrs in page.tags if tag == "img"]
    assert set(poster) == {"class", "src", "alt", "width", "height", "style"}, "no onerror"
    assert poster["src"] == "https://image.tmdb.org/t/p/w342/x.png%22%20onerror%3D%22alert%281%29"
    assert poster["alt"] == f"Poster of {HOSTILE}"
    links = [attrs["href"] for tag, attrs in page.tags if tag == "a"]
    assert links == ['https://x.example/"><script>alert(1)</script>', "https://requests.example.org/tv/666"]
    assert page.text.count(HOSTILE) >= 5, "show (twice: title and name), episodes, overviews, user"


def test_a_hostile_show_stays_text_in_the_plain_part() -> None:
    plain = text(hostile_batch(), look_at())
    assert plain.startswith(f"Hi {HOSTILE},")
    assert f"\n{HOSTILE}\n  - S01E01 \u201c{HOSTILE}\u201d" in plain


def test_a_hostile_show_stays_text_in_markdown() -> None:
    written = markdown(hostile_batch(), look_at())
    rendered = convert_between(NotifyFormat.MARKDOWN, NotifyFormat.HTML, written)
    page = Elements(rendered)
    assert {tag for tag, _ in page.tags} <= {"p", "strong", "ul", "li", "a", "em", "br"}
    hrefs = [attrs["href"] for tag, attrs in page.tags if tag == "a"]
    assert hrefs == [
        "https://x.example/%22%3E%3Cscript%3Ealert%281%29%3C/script%3E",
        "https://requests.example.org/tv/666",
    ]
    assert page.text.count(HOSTILE) >= 5
    strong = [tag for tag, _ in page.tags if tag == "strong"]
    assert len(strong) == 3, "the show's name and the two episode codes, not the title's **bold**"


def test_markdown_escaping_and_trimming_keep_the_words() -> None:
    assert escape_markdown("a*b_c [d](e) #f\nline") == r"a\*b\_c \[d\]\(e\) \#f line"
    assert trim("word " * 100, 30) == "word word word word word word…"
    assert trim("short") == "short"
