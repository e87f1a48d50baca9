"""A stand-in for Telegram's Bot API (``https://api.telegram.org/bot<token>/<method>``), served over TLS for
``api.telegram.org`` and reached through :class:`standins.intercept.Intercept`.

``sendMessage`` (JSON) and ``sendPhoto``/``sendDocument`` (``multipart/form-data``: ``chat_id``,
``caption``, ``parse_mode``, the file in ``photo``/``document``); method names are case-insensitive; the
answer is ``{"ok": true, "result": <message>}`` or ``{"ok": false, "error_code": 400, "description": …}``.
With ``parse_mode`` ``Markdown`` (Apprise's default) or ``MarkdownV2`` the text is read as Telegram
reads it: :func:`parse_markdown` and :func:`parse_markdown_v2` are ports of ``parse_markdown`` and
``do_parse_markdown_v2`` in tdlib/td td/telegram/MessageEntity.cpp (commit
1a901a0e39def4b22f25ef5c4c99f0b79c159d71), which Telegram's Bot API server (tdlib/telegram-bot-api)
calls: an entity left open, or (MarkdownV2) a reserved character not escaped, is refused with its error.
Offsets count Python characters, not UTF-16 units. Apprise's side is apprise/plugins/telegram.py."""

import json
import ssl
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

from .threaded import File, ThreadedServer, read_body, read_form

HOST = "api.telegram.org"
RESERVED = "_*[]()~`>#+-=|{}.!"
CODE = ("code", "pre")


class MarkupError(ValueError):
    """Telegram's "can't parse entities" reason."""


@dataclass(frozen=True)
class Entity:
    type: str  # bold, italic, underline, strikethrough, code, pre, text_url
    offset: int
    length: int
    url: str = ""


@dataclass(frozen=True)
class Sent:
    method: str  # sendmessage, sendphoto, senddocument (lower case)
    chat_id: str
    markup: str  # the text or caption as sent
    parse_mode: str
    text: str  # as Telegram shows it: the markup read
    entities: list[Entity] = field(default_factory=list)
    files: list[File] = field(default_factory=list)


class TelegramBots(ThreadedServer):
    """``with TelegramBots(tls) as telegram:``; ``telegram.add("123456:token")`` makes a bot; ``sent``
    is every message it took."""

    name = "telegram-standin"

    def __init__(self, tls: ssl.SSLContext) -> None:
        self.tokens: set[str] = set()
        self.sent: list[Sent] = []
        super().__init__(_handler(self), tls)

    def add(self, token: str) -> str:
        """The Apprise URL of a bot that writes to chat 5555."""
        self.tokens.add(token)
        return f"tgram://{token}/5555"


def _handler(telegram: TelegramBots) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            token, _, method = self.path.split("?")[0].removeprefix("/bot").partition("/")
            if token not in telegram.tokens:
                return self._answer(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
            body, kind = read_body(self), self.headers.get("Content-Type", "")
            fields, files = read_form(kind, body) if kind.startswith("multipart/") else (json.loads(body), [])
            method = method.lower()
            markup = str(fields.get("caption" if files else "text") or "")
            mode = str(fields.get("parse_mode") or "")
            read = {"markdown": parse_markdown, "markdownv2": parse_markdown_v2}.get(mode.lower())
            try:
                text, entities = read(markup) if read else (markup, [])
            except MarkupError as error:
                reason = f"Bad Request: can't parse entities: {error}"
                return self._answer(400, {"ok": False, "error_code": 400, "description": reason})
            with telegram.lock:
                telegram.sent.append(
                    Sent(method, str(fields.get("chat_id")), markup, mode, text, entities, files)
                )
                number = len(telegram.sent)
            message = {"message_id": number, "date": int(time.time()), "chat": {"id": fields.get("chat_id")}}
            self._answer(200, {"ok": True, "result": message | {"text": text}})

        def _answer(self, status: int, body: dict) -> None:
            encoded = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(encoded)))
            self.end_headers()
            self.wfile.write(encoded)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


def parse_markdown(markup: str) -> tuple[str, list[Entity]]:
    """Telegram's legacy Markdown: ``*bold*``, ``_italic_``, ``[text](url)``, ```code```; a backslash
    escapes ``_*`[`` only."""
    out: list[str] = []
    entities: list[Entity] = []
    kinds = {"_": "italic", "*": "bold", "`": "code", "[": "text_url"}
    i = 0
    while i < len(markup):
        c = markup[i]
        if c == "\\" and markup[i + 1 : i + 2] in ("_", "*", "`", "["):
            out.append(markup[i + 1])
            i += 2
            continue
        if c not in kinds:
            out.append(c)
            i += 1
            continue
        begin, end, pre, i = i, "]" if c == "[" else c, markup[i : i + 3] == "```", i + 1
        if pre:
            i += 2
            while i < len(markup) and not markup[i].isspace() and markup[i] != "`":
                i += 1  # the language
            i += 1 if markup[i : i + 1] in ("\n", "\r") else 0
        start = len(out)
        while i < len(markup) and (markup[i] != end or (pre and markup[i + 1 : i + 3] != "``")):
            out.append(markup[i])
            i += 1
        if i == len(markup):
            raise MarkupError(f"Can't find end of the entity starting at byte offset {begin}")
        url = ""
        if c == "[" and markup[i + 1 : i + 2] != "(":
            url = markup[begin + 1 : i]
        elif c == "[":
            close = markup.find(")", i + 2)
            url, i = markup[i + 2 : close if close >= 0 else None], close if close >= 0 else len(markup)
        if len(out) > start:
            entities.append(Entity("pre" if pre else kinds[c], start, len(out) - start, url))
        i += 3 if pre else 1
    return "".join(out), entities


def parse_markdown_v2(markup: str) -> tuple[str, list[Entity]]:
    """The text Telegram shows for ``markup`` and its entities; MarkupError as Telegram refuses it."""
    out: list[str] = []
    entities: list[Entity] = []
    stack: list[tuple[str, int, int]] = []  # (type, where in out, where in markup)

    def at(k: int) -> str:
        return markup[k] if k < len(markup) else ""

    i = 0
    while i < len(markup):
        c = markup[i]
        if c == "\\" and at(i + 1) and 0 < ord(at(i + 1)) <= 126:
            out.append(at(i + 1))
            i += 2
            continue
        if c not in ("`" if stack and stack[-1][0] in CODE else RESERVED):
            out.append(c)
            i += 1
            continue
        top = stack[-1][0] if stack else ""
        ends = {
            "bold": c == "*",
            "italic": c == "_" and at(i + 1) != "_",
            "code": c == "`",
            "pre": markup[i : i + 3] == "```",
            "text_url": c == "]",
            "underline": markup[i : i + 2] == "__",
            "strikethrough": c == "~",
        }.get(top, False)
        if not ends:
            start = i
            if c == "_":
                kind = "underline" if at(i + 1) == "_" else "italic"
                i += kind == "underline"
            elif c in "*~[":
                kind = {"*": "bold", "~": "strikethrough", "[": "text_url"}[c]
            elif c == "`" and markup[i : i + 3] == "```":
                kind, i = "pre", i + 3
                while at(i) and not at(i).isspace() and at(i) != "`":
                    i += 1  # the language
                i += 1 if at(i) in ("\n", "\r") else 0
                i -= 1
            elif c == "`":
                kind = "code"
            else:
                raise MarkupError(f"Character '{c}' is reserved and must be escaped with the preceding '\\'")
            stack.append((kind, len(out), start))
        else:
            kind, begin, _ = stack.pop()
            url = ""
            if kind == "underline":
                i += 1
            elif kind == "pre":
                i += 2
            elif kind == "text_url" and at(i + 1) != "(":
                url = "".join(out[begin:])
            elif kind == "text_url":
                i += 2
                where = i
                while at(i) and at(i) != ")":
                    escaped = at(i) == "\\" and at(i + 1) and 0 < ord(at(i + 1)) <= 126
                    url += at(i + 1) if escaped else at(i)
                    i += 2 if escaped else 1
                if at(i) != ")":
                    raise MarkupError(f"Can't find end of a URL at byte offset {where}")
            if len(out) > begin:
                entities.append(Entity(kind, begin, len(out) - begin, url))
        i += 1
    if stack:
        kind, _, where = stack[-1]
        raise MarkupError(f"Can't find end of {kind} entity at byte offset {where}")
    return "".join(out), sorted(entities, key=lambda e: e.offset)
