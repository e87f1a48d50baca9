"""``POST /webhooks/sonarr``: Sonarr's "On Import" webhook, authenticated the ways Sonarr supports."""

import asyncio
import logging
import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPBasic, HTTPBasicCredentials
from pydantic import ValidationError

from data import Database
from services.sonarr import IMPORT_EVENTS, Webhook, record_import

from .bodies import read_json

log = logging.getLogger("airdate.webhooks")


@dataclass(frozen=True)
class WebhookAuth:
    username: str = ""
    password: str = ""
    secret: str = ""

    @property
    def configured(self) -> bool:
        return bool(self.secret or (self.username and self.password))


def create_router(database: Database, auth: WebhookAuth) -> APIRouter:
    router = APIRouter()
    basic = HTTPBasic(auto_error=False)

    def authenticate(
        request: Request, credentials: Annotated[HTTPBasicCredentials | None, Depends(basic)]
    ) -> None:
        if not auth.configured:
            raise HTTPException(
                503,
                "the Sonarr webhook is not set up: set AIRDATE_WEBHOOK_SECRET, "
                "or AIRDATE_WEBHOOK_USERNAME and AIRDATE_WEBHOOK_PASSWORD",
            )
        given = request.query_params.get("secret") or request.headers.get("X-Airdate-Secret") or ""
        if auth.secret and secrets.compare_digest(given, auth.secret):
            return
        if auth.username and credentials is not None and _same(credentials, auth):
            return
        raise HTTPException(
            401, "wrong or missing webhook credentials", headers={"WWW-Authenticate": "Basic"}
        )

    @router.post("/webhooks/sonarr", dependencies=[Depends(authenticate)], summary="Sonarr's webhook")
    async def sonarr_webhook(request: Request) -> JSONResponse:
        try:
            hook = Webhook.model_validate(await read_json(request))
        except ValidationError as error:
            return JSONResponse({"detail": _reason(error)}, status_code=422)
        if hook.eventType == "Test":
            log.info("Sonarr's test webhook arrived")
            return JSONResponse({"status": "ok", "message": "Airdate received Sonarr's test"})
        if hook.eventType not in IMPORT_EVENTS:
            return JSONResponse({"status": "ignored", "eventType": hook.eventType})
        if hook.series is None or not hook.episodes:
            return JSONResponse(
                {"detail": f"a {hook.eventType} event needs series and episodes"}, status_code=422
            )
        result = await asyncio.to_thread(record_import, database, hook.series, hook.episodes)
        if result["new"]:
            log.info("Sonarr: %d new episode(s) of %s", result["new"], hook.series.title)
        return JSONResponse({"status": "ok", **result})

    return router


def _same(credentials: HTTPBasicCredentials, auth: WebhookAuth) -> bool:
    return secrets.compare_digest(credentials.username, auth.username) & secrets.compare_digest(
        credentials.password, auth.password
    )


def _reason(error: ValidationError) -> str:
    problem = error.errors()[0]
    where = ".".join(str(part) for part in problem["loc"]) or "body"
    return f"malformed Sonarr payload: {where}: {problem['msg']}"
