"""A stand-in for a service that takes Apprise's generic ``json://`` webhook: it keeps every message it
is sent (Apprise posts ``{"version", "title", "message", "type"}``), so the demo can show them."""

from dataclasses import dataclass, field
from datetime import UTC, datetime

from fastapi import FastAPI, HTTPException, Request


@dataclass(frozen=True)
class Message:
    path: str
    title: str
    body: str
    at: datetime


@dataclass
class WebhookInbox:
    received: list[Message] = field(default_factory=list)
    limit: int = 500  # the oldest are dropped beyond this many

    def take(self, path: str, payload: dict) -> Message:
        message = Message(path, str(payload.get("title", "")), str(payload.get("message", "")), _now())
        self.received = [*self.received[-(self.limit - 1) :], message]
        return message


def create_app(inbox: WebhookInbox) -> FastAPI:
    app = FastAPI(title="Webhook stand-in", openapi_url=None, docs_url=None, redoc_url=None)

    @app.post("/{path:path}")
    async def receive(path: str, request: Request) -> dict:
        try:
            payload = await request.json()
        except ValueError:
            raise HTTPException(400, "the body must be JSON") from None
        if not isinstance(payload, dict):
            raise HTTPException(400, "the body must be a JSON object")
        inbox.take(f"/{path}", payload)
        return {"ok": True}

    return app


def _now() -> datetime:
    return datetime.now(UTC)
