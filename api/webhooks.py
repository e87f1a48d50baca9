"""``POST /webhooks/sonarr``: Sonarr's "On Import" and "On Series Add" webhooks, authenticated the ways
Sonarr supports."""

import base64
import binascii
import logging
import secrets
from dataclasses import dataclass, field

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from data import Database
from services.sonarr import (
    IMPORT_EVENTS,
    SERIES_ADDED,
    ScheduleReader,
    Webhook,
    receive_import,
    receive_series,
)

from .bodies import BODY_PROBLEMS, inline_schema, read_json
from .identities import is_direct_and_local
from .policy import Need, requires

log = logging.getLogger("airdate.webhooks")


WEBHOOK_DOCUMENTATION = {
    "requestBody": {"required": True, "content": {"application/json": {"schema": inline_schema(Webhook)}}},
    "parameters": [
        {
            "name": "secret",
            "in": "query",
            "required": False,
            "schema": {"type": "string"},
            "description": "AIRDATE_WEBHOOK_SECRET (or send it as X-Airdate-Secret, or use basic auth)",
        }
    ],
}


@dataclass(frozen=True)
class WebhookAuth:
    username: str = ""
    password: str = field(default="", repr=False)
    secret: str = field(default="", repr=False)
    exposed: bool = False  # reachable beyond this machine (listening beyond loopback, or behind a proxy)
    local_hosts: frozenset[str] = frozenset()  # the host names a request from this machine may use

    @property
    def configured(self) -> bool:
        return bool(self.secret or (self.username and self.password))

    def warnings(self) -> list[str]:
        """What to say at start: a webhook reachable from elsewhere but not protected, or credentials
        Sonarr cannot send (it writes them in ISO-8859-1, and a character beyond that as ``?``)."""
        said = []
        if self.exposed and not self.configured:
            said.append(
                "the Sonarr webhook has no secret and Airdate is reachable beyond this machine: it refuses "
                "every delivery until you set AIRDATE_WEBHOOK_SECRET (or AIRDATE_WEBHOOK_USERNAME and "
                "AIRDATE_WEBHOOK_PASSWORD)"
            )
        try:
            f"{self.username}:{self.password}".encode("latin-1")
        except UnicodeEncodeError:
            said.append(
                "AIRDATE_WEBHOOK_USERNAME / AIRDATE_WEBHOOK_PASSWORD hold a character Sonarr cannot send "
                "(it sends ISO-8859-1, and '?' for anything else): Sonarr's deliveries will be refused; "
                "choose letters from Western European alphabets, or use AIRDATE_WEBHOOK_SECRET"
            )
        return said


def create_router(
    database: Database, auth: WebhookAuth, read_schedule: ScheduleReader | None = None
) -> APIRouter:
    router = APIRouter(tags=["webhooks"])

    def authenticate(request: Request) -> None:
        if not auth.configured:
            local = is_direct_and_local(request.state.peer, request.headers, auth.local_hosts)
            if local and not auth.exposed:
                return  # a Sonarr on this machine, and nobody else can reach us
            raise HTTPException(
                503,
                "the Sonarr webhook is not set up for other machines: set AIRDATE_WEBHOOK_SECRET, "
                "or AIRDATE_WEBHOOK_USERNAME and AIRDATE_WEBHOOK_PASSWORD",
            )
        given = request.query_params.get("secret") or request.headers.get("X-Airdate-Secret") or ""
        if auth.secret and _equal(given, auth.secret):
            return
        if auth.username and _basic_matches(request.headers.get("authorization"), auth):
            return
        raise HTTPException(
            401, "wrong or missing webhook credentials", headers={"WWW-Authenticate": "Basic"}
        )

    async def sonarr_webhook(request: Request) -> JSONResponse:
        try:
            hook = Webhook.model_validate(await read_json(request))
        except ValidationError as error:
            return JSONResponse({"detail": _reason(error)}, status_code=422)
        if hook.eventType == "Test":
            log.info("Sonarr's test webhook arrived")
            return JSONResponse({"status": "ok", "message": "Airdate received Sonarr's test"})
        if hook.eventType == SERIES_ADDED and hook.series and read_schedule is not None:
            released = await receive_series(hook.series, read_schedule)
            return JSONResponse({"status": "ok", "eventType": hook.eventType, "released": released})
        if hook.eventType not in IMPORT_EVENTS:
            return JSONResponse({"status": "ignored", "eventType": hook.eventType})
        if hook.series is None or not hook.episodes:
            return JSONResponse(
                {"detail": f"a {hook.eventType} event needs series and episodes"}, status_code=422
            )
        result = await receive_import(database, hook, read_schedule)
        return JSONResponse({"status": "ok", "upgrade": hook.isUpgrade, **result})

    for method in ("POST", "PUT"):  # Sonarr's connection has a Method option
        router.add_api_route(
            "/webhooks/sonarr",
            sonarr_webhook,
            methods=[method],
            dependencies=[requires(Need.OPEN, why="its own secret or basic auth"), Depends(authenticate)],
            operation_id=f"sonarr_webhook_{method.lower()}",
            summary=f"Sonarr's webhook, sent as {method} (On Import, On Series Add; the Test button too)",
            openapi_extra=WEBHOOK_DOCUMENTATION,
            responses={
                401: {"description": "wrong or missing webhook credentials"},
                503: {"description": "no webhook secret, and the caller is not a Sonarr on this machine"},
                **BODY_PROBLEMS,
            },
        )
    return router


def _basic_matches(header: str | None, auth: WebhookAuth) -> bool:
    """Whether an ``Authorization: Basic …`` header carries the webhook's user name and password.

    Sonarr encodes them in ISO-8859-1 (its HTTP client's basic credentials), other clients in UTF-8, and
    FastAPI's HTTPBasic accepts ASCII only: a non-ASCII password from Sonarr was refused. So the decoded
    bytes are compared with the expected text in either encoding (constant time)."""
    scheme, _, value = (header or "").partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        given = base64.b64decode(value.strip(), validate=True)
    except (binascii.Error, ValueError):
        return False
    expected = f"{auth.username}:{auth.password}"
    matches = False
    for encoding in ("utf-8", "latin-1"):
        try:
            matches |= secrets.compare_digest(given, expected.encode(encoding))
        except UnicodeEncodeError:  # a password Latin-1 cannot write
            continue
    return matches


def _equal(given: str, expected: str) -> bool:
    """Constant-time, and for any text (``compare_digest`` refuses non-ASCII ``str``: that was a 500)."""
    return secrets.compare_digest(given.encode(), expected.encode())


def _reason(error: ValidationError) -> str:
    problem = error.errors()[0]
    where = ".".join(str(part) for part in problem["loc"]) or "body"
    return f"malformed Sonarr payload: {where}: {problem['msg']}"
