"""A stand-in for an ntfy server's publishing API (``ntfy://127.0.0.1:<port>/<topic>``), as
binwiederhier/ntfy's server/server.go (commit 81a486adc11fe24efcbedefb28ae946028597c2f) reads a message:

- ``PUT``/``POST /<topic>``: each parameter from its header or, failing that, the query
  (``readParam``: ``X-Title``/``title``/``t``, ``X-Message``/``message``/``m``, ``X-Filename``/
  ``filename``, ``X-Markdown``/``markdown`` or ``Content-Type: text/markdown``, ``X-Click``, ``X-Icon``,
  ``X-Tags``, ``X-Priority``); the body is the attachment when a filename is given or when it is no
  UTF-8 text of at most 4096 bytes (``handlePublishBody``), else the message;
- ``PUT``/``POST /`` with a JSON body (``transformBodyJSON``: topic, title, message, markdown, filename…);
- the answer is the stored message as JSON (``id``, ``event``, ``topic``, ``title``, ``message``,
  ``content_type``, ``attachment``).

Apprise's side is apprise/plugins/ntfy.py (caronc/apprise, as in Apprise 2.3.0): a message with a poster
is one ``POST /<topic>?title=…&message=…&filename=…`` with the poster as the body."""

import json
import mimetypes
import re
import time
from dataclasses import asdict, dataclass
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from .threaded import ThreadedServer, answer, read_body

MESSAGE_LIMIT = 4096  # server.yml's message-size-limit default
TOPIC = re.compile(r"^[-_A-Za-z0-9]{1,64}$")
MAGIC = {b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg", b"GIF8": "image/gif"}


@dataclass(frozen=True)
class Attachment:
    name: str
    type: str
    size: int
    content: bytes


@dataclass(frozen=True)
class Message:
    id: str
    topic: str
    title: str
    message: str
    content_type: str  # "text/markdown" when the message is Markdown, else ""
    attachment: Attachment | None
    click: str = ""
    icon: str = ""
    priority: str = ""  # as sent (1-5 or min…max); "": the default

    def as_json(self) -> dict:
        found = asdict(self) | {"event": "message", "time": int(time.time())}
        if self.attachment is not None:
            found["attachment"] = {k: v for k, v in found["attachment"].items() if k != "content"}
        return {k: v for k, v in found.items() if v not in ("", None)}


class Ntfy(ThreadedServer):
    """``with Ntfy() as ntfy:``; ``ntfy.messages`` is every message it took."""

    name = "ntfy-standin"

    def __init__(self) -> None:
        self.messages: list[Message] = []
        super().__init__(_handler(self))


def _handler(ntfy: Ntfy) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            where = urlsplit(self.path)
            body = read_body(self)
            query = {k: v[0] for k, v in parse_qs(where.query).items()}
            headers = {k.lower(): v for k, v in self.headers.items()}
            topic = where.path.strip("/")
            if topic == "" and body.lstrip().startswith(b"{"):
                sent = json.loads(body)
                topic, body = str(sent.get("topic", "")), str(sent.get("message", "")).encode()
                query = {k: str(v) for k, v in sent.items() if k in ("title", "filename", "click", "icon")}
                query |= {"markdown": "yes"} if sent.get("markdown") else {}
            if not TOPIC.match(topic):
                return answer(self, 400, b'{"code":40009,"http":400,"error":"invalid topic"}')

            def param(*names: str) -> str:
                for name in names:
                    if headers.get(name, "").strip():
                        return headers[name].strip()
                return next((query[n].strip() for n in names if query.get(n, "").strip()), "")

            filename = param("x-filename", "filename", "file", "f")
            message = param("x-message", "message", "m").replace("\\n", "\n")
            attachment = None
            text = _text(body)
            if filename or text is None:
                kind = next((k for magic, k in MAGIC.items() if body.startswith(magic)), "")
                kind = kind or mimetypes.guess_type(filename)[0] or "application/octet-stream"
                attachment = Attachment(filename or "attachment", kind, len(body), body)
                message = message or f"You received a file: {attachment.name}"
            elif text:
                message = text.strip()
            markdown = param("x-markdown", "markdown", "md").lower() in ("1", "yes", "true")
            markdown = markdown or param("content-type", "content_type").lower() == "text/markdown"
            with ntfy.lock:
                stored = Message(
                    f"m{len(ntfy.messages) + 1}",
                    topic,
                    param("x-title", "title", "t"),
                    message or "triggered",
                    "text/markdown" if markdown else "",
                    attachment,
                    param("x-click", "click"),
                    param("x-icon", "icon"),
                    param("x-priority", "priority", "prio", "p"),
                )
                ntfy.messages.append(stored)
            answer(self, 200, json.dumps(stored.as_json()).encode())

        do_PUT = do_POST

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


def _text(body: bytes) -> str | None:
    """The body as the message (UTF-8, at most MESSAGE_LIMIT bytes), or None: it is an attachment."""
    if len(body) > MESSAGE_LIMIT:
        return None
    try:
        return body.decode()
    except UnicodeDecodeError:
        return None
