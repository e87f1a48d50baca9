"""The admin's words: Jinja2 templates for a message's subject, e-mail text, e-mail HTML and the
channels' Markdown, rendered in Jinja's immutable sandbox with the variables :func:`variables` lays out
from :func:`services.message.shows` (see the README's "Messages page" for the table).

Every value comes from elsewhere (Sonarr, Jellyseerr, TMDB), so each kind escapes what it prints: HTML
autoescapes, Markdown escapes every printed value with :func:`services.message.escape_markdown` (links
are percent-encoded instead), and the subject is one line. A template's own words are never escaped:
they are the admin's markup. :func:`check` refuses a template that does not parse, names a variable
that is not documented, or fails on sample data (an attribute typo, the sandbox refusing ``__class__``);
:func:`render` says why a template failed at send time as :class:`TemplateError`.
"""

import traceback
from collections.abc import Callable
from contextvars import ContextVar
from functools import lru_cache
from typing import Any, Protocol

from jinja2 import StrictUndefined, meta, nodes
from jinja2 import TemplateError as JinjaError
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from data.batches import Batch

from .links import Links
from .message import Look, _markdown_url, escape_markdown, footer, shows
from .sample_message import SAMPLE_BATCH

KINDS = {  # what each template writes, as the Messages page names it
    "subject": "subject",
    "text": "e-mail text",
    "html": "e-mail HTML",
    "markdown": "short form (channels)",
}
NAMES = frozenset({"person", "shows", "episodes", "links"})  # the documented variables
MAX_OUTPUT = 512 * 1024  # characters a rendered template may have
MAX_REPEAT = 10_000  # "ab" * n, [x] * n: at most this n
BUDGET = 200_000  # items one rendering may make with range() and repetition, all together
_left: ContextVar[list[int] | None] = ContextVar("template_budget", default=None)  # of this rendering


class TemplateError(ValueError):
    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(f"line {line}: {message}" if line else message)
        self.line = line


class Wording(Protocol):
    """What :mod:`services.mailer` and :mod:`services.notifier` ask: the admin's ``kind`` of this
    batch's message, or None for the built-in words (no template, or it failed: it says why)."""

    def render(self, kind: str, batch: Batch, look: Look, links: Links | None) -> str | None: ...

    async def ready(self) -> None:
        """Called before sending, off the hot path: read the templates again if need be."""


class Url(str):
    """A link: percent-encoded in Markdown rather than backslash-escaped."""


class Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox (no ``__class__``, no mutating lists), and no ``"x" * 10**9`` either:
    what ``range()`` and repetition make is counted against one :data:`BUDGET` per rendering, so nested
    loops cannot hold the sender for hours (``lipsum``, which makes text at will, is left out)."""

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        del self.globals["lipsum"]
        self.globals["range"] = _range

    def call_binop(self, context, operator_: str, left: Any, right: Any) -> Any:
        if operator_ == "**" and isinstance(right, int | float) and abs(right) > 100:
            raise SecurityError("an exponent above 100 is refused")
        if operator_ == "*":
            for many, times in ((left, right), (right, left)):
                if isinstance(many, str | list | tuple) and isinstance(times, int):
                    if times > MAX_REPEAT:
                        raise SecurityError(f"repeating more than {MAX_REPEAT} times is refused")
                    _spend(len(many) * times)
        return super().call_binop(context, operator_, left, right)


def _range(*args: int) -> range:
    made = range(*args)
    _spend(len(made))
    return made


def _spend(items: int) -> None:
    left = _left.get()
    if left is not None:
        left[0] -= max(items, 0)
        if left[0] < 0:
            raise SecurityError(f"the template makes more than {BUDGET} items with range() and repetition")


def _markdown_value(value: Any) -> str:
    if isinstance(value, Url):
        return _markdown_url(value)
    return escape_markdown("" if value is None else str(value))


@lru_cache(maxsize=4)
def environment(kind: str) -> Sandbox:
    if kind not in KINDS:
        raise TemplateError(f"no such template: {kind!r} (one of {', '.join(KINDS)})")
    options: dict[str, Any] = {"undefined": StrictUndefined, "trim_blocks": True, "lstrip_blocks": True}
    if kind == "html":
        options["autoescape"] = True
    elif kind == "markdown":
        options["finalize"] = _markdown_value
    return Sandbox(**options)


@lru_cache(maxsize=64)
def compiled(kind: str, source: str) -> Callable[..., str]:
    """The template, parsed and checked for unknown variables (TemplateError with its line)."""
    env = environment(kind)
    try:
        tree = env.parse(source)
    except JinjaError as error:
        line = getattr(error, "lineno", None)
        raise TemplateError(getattr(error, "message", None) or str(error), line) from None
    unknown = meta.find_undeclared_variables(tree) - NAMES - set(env.globals)
    if unknown:
        first = min(
            (node for node in tree.find_all(nodes.Name) if node.name in unknown), key=lambda n: n.lineno
        )
        raise TemplateError(f"unknown variable {first.name!r}: use {', '.join(sorted(NAMES))}", first.lineno)
    return env.from_string(tree).render


def render(kind: str, source: str, values: dict[str, Any]) -> str:
    """The template rendered with ``values``; TemplateError (with the template's line) if it fails."""
    template = compiled(kind, source)
    budget = _left.set([BUDGET])
    try:
        out = template(**values)
    except (JinjaError, SecurityError) as error:
        raise TemplateError(getattr(error, "message", None) or str(error), _line(error)) from None
    except (ArithmeticError, TypeError, ValueError, LookupError, AttributeError, RecursionError) as error:
        raise TemplateError(f"{type(error).__name__}: {error}", _line(error)) from None
    finally:
        _left.reset(budget)
    if len(out) > MAX_OUTPUT:
        raise TemplateError(f"the message would be {len(out)} characters long (at most {MAX_OUTPUT})")
    if kind == "subject":
        out = " ".join(out.split())[:900]  # one header line (SMTP allows 998 characters)
    return out


def check(kind: str, source: str) -> None:
    """Refuse (TemplateError) a template that would not render: syntax, an unknown variable, or what
    rendering sample data finds (a typo in an attribute, something the sandbox refuses)."""
    if source.strip():
        render(kind, source, sample())


def variables(batch: Batch, look: Look, links: Links | None) -> dict[str, Any]:
    """What a template may use, from the message's own layout (:func:`services.message.shows`)."""
    blocks = []
    flat = []
    for show in shows(batch, look):
        episodes = [
            {
                "show": show.title,
                "code": line.code,
                "title": line.title,
                "aired": line.aired,
                "runtime": line.runtime,
                "overview": line.overview,
            }
            for line in show.episodes
        ]
        flat += episodes
        blocks.append(
            {
                "title": show.title,
                "poster_url": Url(show.poster_url),
                "watch_url": Url(show.watch_url),
                "request_url": Url(show.request_url),
                "overview": show.overview,
                "episodes": episodes,
            }
        )
    manage = calendar = unsubscribe = ""
    if links is not None:
        (_, manage), (_, calendar) = footer(batch, links)[:2]
        unsubscribe = links.unsubscribe(batch.user_id, batch.link_key)
    return {
        "person": {"name": batch.username, "email": batch.email, "time_zone": batch.time_zone},
        "shows": blocks,
        "episodes": flat,
        "links": {"manage": Url(manage), "calendar": Url(calendar), "unsubscribe": Url(unsubscribe)},
    }


def sample(look: Look | None = None) -> dict[str, Any]:
    """Variables for a made-up batch: what a template is checked against, and previewed with when the
    chosen person has nothing pending."""
    values = variables(SAMPLE_BATCH, look or Look(), None)
    site = "https://airdate.example.org"
    values["links"] = {
        name: Url(f"{site}/{path}") for name, path in (("manage", "manage/1"), ("calendar", "calendar/1.ics"))
    } | {"unsubscribe": Url(f"{site}/unsubscribe/1")}
    return values


def _line(error: BaseException) -> int | None:
    """The template line an error was raised at (Jinja maps template frames to ``<template>``)."""
    walk = traceback.walk_tb(error.__traceback__)
    lines = [line for frame, line in walk if frame.f_code.co_filename == "<template>"]
    return lines[-1] if lines else None
