"""A stand-in for Discord's webhooks (``POST https://discord.com/api/webhooks/{id}/{token}``), served over
TLS for ``discord.com`` and reached through :class:`standins.intercept.Intercept`.

It follows "Execute Webhook" in discord/discord-api-docs, developers/resources/webhook.mdx (commit
c98d64bc233833839cf0d8d369e81b77f21ade60): a JSON body, or ``multipart/form-data`` with the JSON in
``payload_json`` and the files in ``files[n]``; at least one of content, embeds, files or poll; content
up to 2000 characters; ``204 No Content``, or the message with ``?wait=true``; rate-limit headers on
every answer. Apprise's side is apprise/plugins/discord.py (caronc/apprise, as in Apprise 2.3.0)."""

import json
import re
import ssl
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from .threaded import File, ThreadedServer, read_body, read_form

HOST = "discord.com"
UNKNOWN_WEBHOOK = {"message": "Unknown Webhook", "code": 10015}
EMPTY = {"message": "Cannot send an empty message", "code": 50006}
TOO_LONG = INVALID = {"message": "Invalid Form Body", "code": 50035}
# discord-api-docs' "Allowed Mentions Object": the types ``parse`` may name (another value: 50035); and
# the mentions its "Message Formatting" table reads in content (@everyone, @here, <@id>, <@!id>, <@&id>)
MENTION_KINDS = ("roles", "users", "everyone")
MENTION = re.compile(r"@(?P<everyone>everyone|here)\b|<@(?P<role>&)?!?(?P<id>\d+)>")


@dataclass(frozen=True)
class Posted:
    webhook: str  # "{id}/{token}"
    payload: dict[str, Any]
    files: list[File] = field(default_factory=list)

    @property
    def content(self) -> str:
        return self.payload.get("content") or ""

    @property
    def pings(self) -> list[str]:
        """Whom Discord would notify: the mentions in ``content`` (an embed's never ping) that
        ``allowed_mentions`` lets through — all of them when it is not given."""
        allowed = self.payload.get("allowed_mentions")
        kinds = set(MENTION_KINDS) if allowed is None else set(allowed.get("parse") or ())
        named = {*(allowed or {}).get("users", ()), *(allowed or {}).get("roles", ())}
        found = []
        for match in MENTION.finditer(self.content):
            everyone, role, number = match.group("everyone"), match.group("role"), match.group("id")
            kind = "everyone" if everyone else "roles" if role else "users"
            if kind in kinds or number in named:
                found.append(match.group(0))
        return found


class DiscordWebhooks(ThreadedServer):
    """``with DiscordWebhooks(tls) as discord:``; ``discord.add("1234", "token")`` makes a webhook;
    ``discord.posted`` is every message it took."""

    name = "discord-standin"

    def __init__(self, tls: ssl.SSLContext) -> None:
        self.webhooks: set[str] = set()
        self.posted: list[Posted] = []
        super().__init__(_handler(self), tls)

    def add(self, webhook_id: str, token: str) -> str:
        """The Apprise URL of a new webhook."""
        self.webhooks.add(f"{webhook_id}/{token}")
        return f"discord://{webhook_id}/{token}"


def _handler(discord: DiscordWebhooks) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            path, _, query = self.path.partition("?")
            webhook = path.removeprefix("/api/webhooks/").removeprefix("/api/v10/webhooks/")
            if webhook not in discord.webhooks:
                return self._json(404, UNKNOWN_WEBHOOK)
            body = read_body(self)
            kind = self.headers.get("Content-Type", "")
            if kind.startswith("multipart/form-data"):
                fields, files = read_form(kind, body)
                payload = json.loads(fields.get("payload_json") or "{}")
            else:
                payload, files = json.loads(body or b"{}"), []
            if not (payload.get("content") or payload.get("embeds") or files or payload.get("poll")):
                return self._json(400, EMPTY)
            if len(payload.get("content") or "") > 2000:
                return self._json(400, TOO_LONG)
            parse = (payload.get("allowed_mentions") or {}).get("parse") or []
            if any(kind not in MENTION_KINDS for kind in parse):
                return self._json(400, INVALID)
            with discord.lock:
                discord.posted.append(Posted(webhook, payload, files))
            if "wait=true" in query.lower():
                message = {"id": str(len(discord.posted)), "content": payload.get("content", "")}
                return self._json(200, message)
            self._json(204, None)

        def _json(self, status: int, body: object) -> None:
            self.send_response(status)
            self.send_header("X-RateLimit-Limit", "5")
            self.send_header("X-RateLimit-Remaining", "4")
            self.send_header("X-RateLimit-Reset", str(int(time.time()) + 1))
            encoded = b"" if body is None else json.dumps(body).encode()
            if body is not None:
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(encoded)))
            self.end_headers()
            self.wfile.write(encoded)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler
